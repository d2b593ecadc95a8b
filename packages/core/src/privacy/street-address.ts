import type { PiiSpan } from './types.js';

/**
 * Street addresses, conservatively (precision over recall): a house number, capitalised name words
 * and a street type (`221B Baker Street`, `1600 Pennsylvania Avenue NW, Washington, DC 20500`,
 * `10 rue de Rivoli`); a street type, a name and a number (`Rua Augusta, 274`, `Calle Mayor 5`,
 * `Via Roma 10`); a compound name and a number (`Hauptstraße 12`, `Berliner Straße 5`,
 * `Keizersgracht 123`); with a unit, a postcode and a town after it when they follow.
 * Every address has a house number: the patterns run only where a number is, anchored there.
 */
export function findStreetAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  NUMBER.lastIndex = 0;
  let floor = 0;
  for (let m = NUMBER.exec(text); m !== null; m = NUMBER.exec(text)) {
    const at = m.index;
    if (at < floor) continue;
    const found = numberFirst(text, at, m[0].length) ?? numberLast(text, at, m[0].length);
    if (found === undefined) continue;
    spans.push({ kind: 'street_address', start: found.start, end: found.end });
    floor = found.end;
    NUMBER.lastIndex = Math.max(NUMBER.lastIndex, found.end);
  }
  return spans;
}

const NUMBER = /\d+/g;

/** `221B Baker Street`, `10 rue de Rivoli`: the pattern starts at the number. */
function numberFirst(text: string, at: number, digits: number): { start: number; end: number } | undefined {
  if (digits > 6) return undefined;
  for (const re of [ENGLISH, FRENCH]) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) continue;
    let s = m[0];
    if (re === ENGLISH && /^(?:1[89]|20)\d\d\s/.test(s) && YEAR_CONTEXT.test(text.slice(Math.max(0, at - 12), at))) continue; // "the 1929 Wall Street crash"
    s = s.replace(/[\s,]+$/, '');
    if (FULL_TYPE_AND_DOT.test(s)) s = s.slice(0, -1); // the sentence's full stop, not an abbreviation's
    return { start: at, end: at + s.length };
  }
  return undefined;
}

/** `Rua Augusta, 274`, `Hauptstraße 12`: the street comes before the number. */
function numberLast(text: string, at: number, digits: number): { start: number; end: number } | undefined {
  if (digits > 5 || at < 4) return undefined;
  const before = text.charCodeAt(at - 1);
  if (before !== 32 && before !== 0xa0 && before !== 9 && before !== 46 && before !== 0xba && before !== 0xb0) return undefined; // a space, or "nº"/"n.°"
  const from = Math.max(0, at - 100);
  const window = text.slice(from, at);
  for (const [end, full] of [[ROMANCE_END, ROMANCE], [GERMANIC_END, GERMANIC]] as const) {
    const w = end.exec(window);
    if (w === null) continue;
    full.lastIndex = from + w.index;
    const m = full.exec(text);
    if (m === null) continue;
    return { start: m.index, end: m.index + m[0].replace(/[\s,]+$/, '').length };
  }
  return undefined;
}

const NAME_WORD = "(?:St\\.|[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|\\d{1,3}(?:st|nd|rd|th)|[A-Z]\\.?|Jr\\.?|Sr\\.?|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)";
const EN_TYPE =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Crescent|Close|Alley|Mews|Loop|Broadway)';
const FULL_TYPE_AND_DOT = /(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Parkway|Circle|Highway|Square|Crescent|Close|Alley|Mews|Loop|Broadway|N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.$/;
const YEAR_CONTEXT = /\b(?:the|in|since|of|from|until|by|during|before|after|circa|year)\s+$/i;
const DIRECTION = '(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)';
const UNIT = '(?:,?\\s(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm)\\.?\\s?#?[A-Za-z0-9\\-]{1,6}|,?\\s#\\d{1,5}[A-Za-z]?)';
const TOWN = "[A-Z][a-zA-Z'’\\-]+(?:\\s[A-Z][a-zA-Z'’\\-]+){0,2}";
const US_STATE_ZIP = `(?:,\\s${TOWN},?\\s[A-Z]{2}\\s\\d{5}(?:-\\d{4})?)`;
const UK_POSTCODE = `(?:,\\s${TOWN},?\\s[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2})`;

const ENGLISH = new RegExp(
  `(?<![\\w.,\\-/$£€#:])\\d{1,6}[A-Za-z]?(?:-\\d{1,5})?,?\\s(?:${DIRECTION}\\.?\\s)?(?:${NAME_WORD}\\s){1,4}${EN_TYPE}\\b\\.?(?:\\s${DIRECTION}\\b\\.?)?${UNIT}?(?:${US_STATE_ZIP}|${UK_POSTCODE})?`,
  'y',
);
const FRENCH_PARTICLE = "(?:(?:de|du|des|la|le|les)\\s|[ld]['’])*";
const POSTCODE_TOWN = '(?:,?\\s(?:\\d{5}(?:-\\d{3})?|\\d{4}-\\d{3})\\s[A-ZÀ-Ý][\\p{L}\\-]+(?:\\s[A-ZÀ-Ý][\\p{L}\\-]+)?)';
const FRENCH = new RegExp(
  `(?<![\\p{L}\\d.,\\-])\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s(?:rue|avenue|boulevard|bd|place|allée|chemin|impasse|quai|cours)\\s${FRENCH_PARTICLE}[A-ZÀ-Ý][\\p{L}'’\\-]*(?:\\s${FRENCH_PARTICLE}[A-ZÀ-Ý][\\p{L}'’\\-]*){0,4}${POSTCODE_TOWN}?`,
  'iuy',
);

const PARTICLE = '(?:d[aeo]s?|de|del|della|delle|dei|degli|di|la|las|los|le|les|du|y|e|dels)';
const ROMANCE_TYPE = '(?:Rua|Avenida|Av\\.|Avda\\.?|Alameda|Travessa|Praça|Largo|Estrada|Rodovia|Calle|C/|Carrer|Paseo|Plaza|Camino|Carrera|Ronda|Via|Viale|Piazza|Corso|Vicolo|Rue|Boulevard)';
const ROMANCE_NAME = `(?:${PARTICLE}\\s|[ld]['’])*[A-ZÀ-ÝÂÊÔÃÕÇ][\\p{L}'’.\\-]*(?:\\s(?:${PARTICLE}\\s|[ld]['’])*[A-ZÀ-ÝÂÊÔÃÕÇ0-9][\\p{L}'’.\\-]*){0,5}`;
const HOUSE_NUMBER_MARK = '(?:n\\.?[º°o]\\.?\\s?|núm\\.?\\s|no\\.?\\s)?';
const ROMANCE_END = new RegExp(`(?<![\\p{L}\\d])${ROMANCE_TYPE}\\s${ROMANCE_NAME},?\\s${HOUSE_NUMBER_MARK}$`, 'u');
const ROMANCE = new RegExp(`${ROMANCE_TYPE}\\s${ROMANCE_NAME},?\\s${HOUSE_NUMBER_MARK}\\d{1,5}[A-Za-z]?(?![\\p{L}\\d])${POSTCODE_TOWN}?`, 'uy');

const GERMANIC_STREET =
  '(?:[A-ZÄÖÜ][\\p{Ll}\\-]*(?:straße|strasse|str\\.|gasse|weg|allee|platz|damm|ufer|chaussee|straat|laan|gracht|plein|steeg|kade|singel)|[A-ZÄÖÜ]\\p{Ll}+(?:er|sche)?\\s(?:Straße|Strasse|Str\\.|Weg|Allee|Platz|Gasse|Damm|Ufer))';
/** "Am Markt 3", "Unter den Linden 77", "An der Alster 12": a preposition, a name, a number of at most three digits that ends the phrase. */
const NOT_A_PLACE = '(?!(?:Jahr|Jahre|Jahren|Tag|Tage|Monat|Woche|Kapitel|Seite|Abschnitt|Schritt|Punkt|Prozent|Level|Alter|Minute|Minuten|Stunde|Stunden|Sekunde|Sekunden|Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|Ende|Anfang|Ort|Platz)\\s)';
const GERMAN_PREPOSITION = `(?:Am|An der|An den|Auf dem|Auf der|Im|In der|In den|Unter den|Zum|Zur|Hinter der|Hinter dem|Vor dem|Beim)\\s${NOT_A_PLACE}[A-ZÄÖÜ]\\p{Ll}+(?:[\\s\\-][A-ZÄÖÜ]\\p{Ll}+)?`;
const GERMANIC_END = new RegExp(`(?<![\\p{L}\\d])(?:${GERMANIC_STREET}|${GERMAN_PREPOSITION})\\s$`, 'u');
const GERMANIC = new RegExp(
  `(?:${GERMANIC_STREET}\\s\\d{1,4}\\s?[a-z]?(?![\\p{L}\\d])|${GERMAN_PREPOSITION}\\s\\d{1,3}[a-z]?(?=,|\\.(?!\\d)|\\s*$|\\s*\\n|\\s\\d{5}\\s))${POSTCODE_TOWN}?`,
  'uy',
);
