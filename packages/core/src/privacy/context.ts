/** Small helpers the detectors share: character classes, context windows, check digits. */

/** ASCII letter, digit or underscore: what `\w` means without the `u` flag. */
export function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Up to `n` characters before `start`, from the beginning of its line. */
export function lineBefore(text: string, start: number, n: number): string {
  const from = Math.max(0, start - n);
  const s = text.slice(from, start);
  const nl = s.lastIndexOf('\n');
  return nl === -1 ? s : s.slice(nl + 1);
}

/** Up to `n` characters after `end`, to the end of its line. */
export function lineAfter(text: string, end: number, n: number): string {
  const s = text.slice(end, end + n);
  const nl = s.indexOf('\n');
  return nl === -1 ? s : s.slice(0, nl);
}

/** Only the digits of a string. */
export function digitsOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) out += s[i];
  }
  return out;
}

/** The Luhn (mod 10) check: payment cards, Canadian SINs. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Words that say the number next to them is an order, parcel, invoice… and so not personal data of the kind a detector looks for. */
export const NOT_PERSONAL_NUMBER =
  /\b(?:orders?|order\s+(?:no|number|id)|invoices?|tracking|track|shipments?|parcels?|packages?|consignment|waybill|isbn(?:-1[03])?|issn|doi|sku|ref(?:erence)?|tickets?|case|serial|s\/n|part|model|receipt|transactions?|txn|confirmation|booking|reservation|po|ups|fedex|usps|dhl|build|version|ver|v|release|patch|commit|sha|hash|uuid|guid|checksum|isin|ean|upc|barcode|asin|batch|lot|pedido|encomenda|fatura|factura|facture|commande|dossier|suivi|colis|bestellung|rechnung|sendung|auftrag|rastreio|seguimiento|env[ií]o|expediente|protocolo|processo|refer[eêé]ncia|r[ée]f[ée]rence|referencia|kundennummer|vorgang)\s*(?:no\.?|number|num|nr\.?|id|#|code)?\s*(?:is|was|are|será|é|es|est|ist)?\s*[:#=]?\s*[^\w\n]{0,3}$/i;
