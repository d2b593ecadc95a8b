import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PII_KINDS,
  PII_PLACEHOLDERS,
  findEmails,
  findIbans,
  findIpAddresses,
  findMacAddresses,
  findNationalIds,
  findPaymentCards,
  findPhones,
  findPii,
  findSecrets,
  findStreetAddresses,
  mergeCounts,
  scrubText,
  type PiiKind,
  type PiiSpan,
} from '../src/privacy/index.js';

/** What findPii finds, as [kind, the text of the span]. */
function found(text: string): [PiiKind, string][] {
  return findPii(text).map((s) => [s.kind, text.slice(s.start, s.end)]);
}

/** Each positive: the text, and the kind and value it must yield (and nothing else). */
function positives(kind: PiiKind, cases: [text: string, value: string][]) {
  it.each(cases)(`${kind}: %s`, (text, value) => {
    expect(found(text)).toEqual([[kind, value]]);
  });
}

function negatives(title: string, texts: string[]) {
  it.each(texts)(`${title}: %s`, (text) => {
    expect(found(text)).toEqual([]);
  });
}

describe('the fixed API', () => {
  it('names nine kinds, each with its placeholder', () => {
    expect(PII_KINDS).toEqual(['email', 'phone', 'payment_card', 'iban', 'ip_address', 'mac_address', 'national_id', 'secret', 'street_address']);
    expect(PII_PLACEHOLDERS).toEqual({
      email: '[EMAIL]',
      phone: '[PHONE]',
      payment_card: '[CARD]',
      iban: '[IBAN]',
      ip_address: '[IP]',
      mac_address: '[MAC]',
      national_id: '[NATIONAL_ID]',
      secret: '[SECRET]',
      street_address: '[ADDRESS]',
    });
  });

  it('is its own entry point: core\'s main entry (the web bundle) does not pull it in, and it does no I/O', () => {
    expect(readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')).not.toMatch(/privacy/);
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, string> };
    expect(manifest.exports['./privacy']).toBe('./src/privacy/index.ts');
    const dir = new URL('../src/privacy/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/from ['"]node:|process\.|require\(|globalThis\.|fetch\(/);
    }
  });
});

describe('email', () => {
  positives('email', [
    ['Email me at john.doe+news@example.co.uk please.', 'john.doe+news@example.co.uk'],
    ['mailto:jane@example.org', 'jane@example.org'],
    ['<BOB_SMITH-2@mail.example.photography>', 'BOB_SMITH-2@mail.example.photography'],
    ['write to a.b@c.io.', 'a.b@c.io'],
    ['✉️ana.silva@gmail.com✨ is mine', 'ana.silva@gmail.com'],
    ['«élodie@exemple.fr»', 'élodie@exemple.fr'],
  ]);
  negatives('not an address', [
    'ssh user@localhost',
    'git clone git@github.com:openfeedback/core.git',
    'the file logo@2x.png and icon@3x.webp',
    'npm i lodash@4.17.21 @types/node',
    '@Component({ selector: "app" }) and @media (max-width: 600px)',
    'follow @ana_silva on the socials',
    'info at example dot com',
    '***@***.***',
  ]);
  it('leaves the user name and password of a URL to the secret detector', () => {
    expect(found('https://admin:S3cretP4ss@db.example.com/app')).toEqual([['secret', 'S3cretP4ss']]);
    expect(findEmails('ssh://deploy@example.com/repo')).toEqual([]);
  });
});

describe('phone', () => {
  positives('phone', [
    ['Call me at (415) 555-0132.', '(415) 555-0132'],
    ['cell: 415-555-0132', '415-555-0132'],
    ['or +1 415 555 0132 after six', '+1 415 555 0132'],
    ['+1 (202) 456-1111 is the switchboard', '+1 (202) 456-1111'],
    ['London office +44 20 7946 0958', '+44 20 7946 0958'],
    ['London office +44 (0)20 7946 0958', '+44 (0)20 7946 0958'],
    ['ring 020 7946 0958 tomorrow', '020 7946 0958'],
    ['Berlin: 030 12345678', '030 12345678'],
    ['Berlin: 0049 30 12345678', '0049 30 12345678'],
    ['Paris: 01 23 45 67 89', '01 23 45 67 89'],
    ['mobile +33 6 12 34 56 78', '+33 6 12 34 56 78'],
    ['São Paulo (11) 91234-5678', '(11) 91234-5678'],
    ['Me liga no 85 3803-4670 depois', '85 3803-4670'],
    ['Lisboa 912 345 678', '912 345 678'],
    ['Lisboa +351 912 345 678', '+351 912 345 678'],
    ['Madrid 612 34 56 78', '612 34 56 78'],
    ['me han llamado del 91 485 80 58', '91 485 80 58'],
    ['Mumbai 98765 43210', '98765 43210'],
    ['Amsterdam 06-12345678', '06-12345678'],
    ['Roma 347 1234567', '347 1234567'],
    ['Tokyo +81 3-1234-5678', '+81 3-1234-5678'],
    ['my number is 07505671118', '07505671118'],
    ['WhatsApp: 915826285', '915826285'],
    ['call me at 555-1234 tonight', '555-1234'],
    ['📞 0315928763', '0315928763'],
    ['Ana Silva,020 7946 0535,Lisbon', '020 7946 0535'],
  ]);
  negatives('not a phone number', [
    '555-1234=-679',
    '2+2=4 and 1234567 * 89 = 109876463',
    'The meeting is on 2023-10-05 at 14:30, or 10/05/2023, or 05.10.2023.',
    'ISBN 978-3-16-148410-0, ISBN-10 0-306-40615-2, ISBN-13: 9780306406157',
    'Order #112-3456789-1234567 has shipped',
    'Your order number is 415-555-0132',
    'tracking 1Z999AA10123456784',
    'the number 1234567890 is large',
    'Population: 7 900 000 000 people, 331 449 281 in the US',
    'Numéro de dossier 3977 0740 4034 8578',
    'pi is 3.14159265358979',
    'uuid 123e4567-e89b-12d3-a456-426614174000',
    'emergency: 112 or 911',
    'x[i] = i * 1234567;',
    '1,234,567,890 requests',
  ]);
  it('keeps a number and a year after it apart', () => {
    expect(found('call 415-555-0132 2023')).toEqual([['phone', '415-555-0132']]);
  });
});

describe('payment card', () => {
  positives('payment_card', [
    ['Card 4111 1111 1111 1111 exp 12/27', '4111 1111 1111 1111'],
    ['4111-1111-1111-1111', '4111-1111-1111-1111'],
    ['mc 5555555555554444.', '5555555555554444'],
    ['mc 2223003122003222', '2223003122003222'],
    ['amex 3782 822463 10005', '3782 822463 10005'],
    ['discover 6011111111111117', '6011111111111117'],
    ['jcb 3530111333300000', '3530111333300000'],
    ['diners 3056 930902 5904', '3056 930902 5904'],
    ['card_number = "4730182263422912"', '4730182263422912'],
  ]);
  negatives('not a card number', [
    '4111 1111 1111 1112',
    'ISBN 9780306406157 and EAN 4006381333931',
    'order number 4111111111111111',
    'USPS 9400 1000 0000 0000 0000 00',
    'XXXX XXXX XXXX 1234, card ending in 4242',
    '6615806005 × 637 = 4212883012996',
    'ratio 0.4111111111111111',
  ]);
  it('finds a card followed by more digits', () => {
    expect(findPaymentCards('4111 1111 1111 1111 123').map((s) => [s.start, s.end])).toEqual([[0, 19]]);
  });
});

describe('IBAN', () => {
  positives('iban', [
    ['IBAN DE89 3704 0044 0532 0130 00 please', 'DE89 3704 0044 0532 0130 00'],
    ['GB82WEST12345698765432', 'GB82WEST12345698765432'],
    ['GB82 WEST 1234 5698 7654 32.', 'GB82 WEST 1234 5698 7654 32'],
    ['NIB PT50 0002 0123 1234 5678 9015 4', 'PT50 0002 0123 1234 5678 9015 4'],
    ['FR14 2004 1010 0505 0001 3M02 606 BANK', 'FR14 2004 1010 0505 0001 3M02 606'],
    ['NO9386011117947', 'NO9386011117947'],
  ]);
  negatives('not an IBAN', ['DE89 3704 0044 0532 0130 01', 'GB82WEST12345698765433', 'AB12 3456 7890 1234']);
});

describe('IP address', () => {
  positives('ip_address', [
    ['server at 192.168.1.10:8080', '192.168.1.10'],
    ['ssh deploy@203.0.113.5', '203.0.113.5'],
    ['DATABASE_HOST=117.98.210.161:5432', '117.98.210.161'],
    ['plain 1.2.3.4 is an address', '1.2.3.4'],
    ['IPv6 2001:db8::1 works', '2001:db8::1'],
    ['full 2001:0DB8:85A3:0000:0000:8A2E:0370:7334', '2001:0DB8:85A3:0000:0000:8A2E:0370:7334'],
    ['[2001:db8::1]:8080', '2001:db8::1'],
    ['link-local fe80::1ff:fe23:4567:890a%eth0', 'fe80::1ff:fe23:4567:890a%eth0'],
    ['mapped ::ffff:192.0.2.128 here', '::ffff:192.0.2.128'],
    ['inet6 2001:db8:0:1::5/64', '2001:db8:0:1::5'],
  ]);
  negatives('not an address', [
    'Upgrade to v1.2.3.4 or version 1.2.3.4',
    'Firmware 5.4.3.2 and release 10.0.19041.1234',
    'pip install foo==1.2.3.4',
    'subnet mask 255.255.255.0',
    '1.2.3.4.5 and 256.1.1.1 and 1.2.3',
    'at 12:30:45, ratio 16:9',
    'std::vector<int> and a::b and ::before',
    'localhost:8080',
    'uuid 550e8400-e29b-41d4-a716-446655440000',
    // Every machine's own address names nobody: loopback and unspecified stay.
    'connect to 127.0.0.1 or 127.0.1.1, bind 0.0.0.0, or ::1 and :: in IPv6',
  ]);
});

describe('MAC address', () => {
  positives('mac_address', [
    ['MAC 00:1A:2B:3C:4D:5E on the printer', '00:1A:2B:3C:4D:5E'],
    ['ipconfig shows 00-14-22-01-23-45', '00-14-22-01-23-45'],
    ['cisco 001a.2b3c.4d5e', '001a.2b3c.4d5e'],
  ]);
  negatives('not a MAC address', ['00:1A:2B:3C:4D', 'time 12:30:45:00', '00:1a-2b:3c:4d:5e', '1234.5678.9012']);
  it('does not cut a MAC address out of an IPv6 address', () => {
    expect(findMacAddresses('2001:db8:aa:bb:cc:dd:ee:ff')).toEqual([]);
  });
});

describe('national id', () => {
  positives('national_id', [
    ['SSN 123-45-6789 on file', '123-45-6789'],
    ['ssn 219 09 9998', '219 09 9998'],
    ['SSN: 123456789', '123456789'],
    ['NINO QQ 12 34 56 C', 'QQ 12 34 56 C'],
    ['NI number AB123456C', 'AB123456C'],
    ['CPF 123.456.789-09', '123.456.789-09'],
    ['CPF: 12345678909', '12345678909'],
    ['NIF 123456789 para a fatura', '123456789'],
    ['DNI 12345678Z', '12345678Z'],
    ['NIE X1234567L', 'X1234567L'],
    ['codice fiscale RSSMRA85T10A562S', 'RSSMRA85T10A562S'],
    ['BSN 111222333', '111222333'],
  ]);
  negatives('not a national id', [
    '000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000',
    'order 123-45-6789',
    'number 123456789 with no label',
    'CPF 123.456.789-00',
    'DNI 12345678A',
    'NIF 123456780',
  ]);
});

describe('secret', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  positives('secret', [
    ['key sk-proj-abcDEF1234567890abcdefGHIJklmnopQRSTuvwx ok', 'sk-proj-abcDEF1234567890abcdefGHIJklmnopQRSTuvwx'],
    ['OPENAI_API_KEY=sk-Ab3dEf6hIj9kLm2nOp5qRs8tUvT3BlbkFJwXyZ1234abcd', 'sk-Ab3dEf6hIj9kLm2nOp5qRs8tUvT3BlbkFJwXyZ1234abcd'],
    ['token hf_AbCdEfGhIjKlMnOpQrStUvWxYz12345678', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz12345678'],
    ['ghp_1234567890abcdefghijABCDEFGHIJ123456', 'ghp_1234567890abcdefghijABCDEFGHIJ123456'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF'],
    ['aws AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['hook https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'],
    ['AIzaSyD-1234567890abcdefghijklmnopqrstu', 'AIzaSyD-1234567890abcdefghijklmnopqrstu'],
    ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    [`jwt ${jwt}`, jwt],
    ['Authorization: Bearer abc123def456ghi789jkl012', 'abc123def456ghi789jkl012'],
    ['GET https://api.example.com/v1?access_token=a1b2c3d4e5f6g7h8&page=2', 'a1b2c3d4e5f6g7h8'],
    ['https://maps.example.com/api?key=Zx81kP0qLmN3vB7c', 'Zx81kP0qLmN3vB7c'],
    ['postgres://app:S3cretP4ss@db.internal/app', 'S3cretP4ss'],
    ['api_key = "9f8e7d6c5b4a3f2e1d0c"', '9f8e7d6c5b4a3f2e1d0c'],
    ['bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0', '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0'],
  ]);
  negatives('not a secret', [
    'sk-learn is scikit-learn; a task-force; xoxo',
    'set OPENAI_API_KEY=sk-... or sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'Authorization: Bearer <YOUR_TOKEN> or Bearer YOUR_API_KEY; Bearer tokens are common',
    'from huggingface_hub import hf_hub_download',
    'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'https://example.com/?page=2&sort=desc&key=value',
    'postgres://user:${DB_PASSWORD}@localhost/db and https://<user>:<password>@host',
    'api_key = os.environ["OPENAI_API_KEY"]',
    'commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ]);
  it('finds a private key block whole', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----';
    expect(findSecrets(`key:\n${pem}\n`).map((s) => s.end - s.start)).toEqual([pem.length]);
  });
});

describe('street address', () => {
  positives('street_address', [
    ['I live at 221B Baker Street, London.', '221B Baker Street'],
    ['Office: 1600 Pennsylvania Avenue NW, Washington, DC 20500.', '1600 Pennsylvania Avenue NW, Washington, DC 20500'],
    ['742 Evergreen Terrace', '742 Evergreen Terrace'],
    ['Ship to 3390 SW 41st St. today', '3390 SW 41st St.'],
    ['Ship it to 88 Colin P Kelly Jr Street, please', '88 Colin P Kelly Jr Street'],
    ['The address is 388 Windsor Street. Thanks', '388 Windsor Street'],
    ['Moro na Rua Augusta, 274', 'Rua Augusta, 274'],
    ['Avenida Paulista, 1578 - Bela Vista', 'Avenida Paulista, 1578'],
    ['Vivo en la Calle Mayor 5', 'Calle Mayor 5'],
    ['Via Roma 10', 'Via Roma 10'],
    ["J'habite 10 rue de Rivoli", '10 rue de Rivoli'],
    ['Hauptstraße 12, 10115 Berlin', 'Hauptstraße 12, 10115 Berlin'],
    ['Berliner Straße 5', 'Berliner Straße 5'],
    ['neu: Unter den Linden 77.', 'Unter den Linden 77'],
    ['Keizersgracht 123', 'Keizersgracht 123'],
  ]);
  negatives('not an address', [
    'There are 3 Main things to do',
    'Route 66 and chapter 12',
    'the 1929 Wall Street crash',
    'Im Jahr 2020 war es. Am Ende 3 Tore.',
    'Via email 2 times',
    'String 5 characters',
  ]);
});

describe('findPii', () => {
  it('returns sorted, non-overlapping spans with UTF-16 offsets (emoji before a value)', () => {
    const text = '😀 mail 😀😀 ana@example.pt, call +44 20 7946 0958 👍🏽 card 4111 1111 1111 1111';
    const spans = findPii(text);
    expect(spans.map((s) => s.kind)).toEqual(['email', 'phone', 'payment_card']);
    expect(spans[0]).toEqual({ kind: 'email', start: text.indexOf('ana@'), end: text.indexOf('ana@') + 'ana@example.pt'.length });
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    expect(text.slice(spans[1]!.start, spans[1]!.end)).toBe('+44 20 7946 0958');
  });

  it('lets the longer or more specific span win an overlap', () => {
    expect(found('mapped ::ffff:192.0.2.128')).toEqual([['ip_address', '::ffff:192.0.2.128']]);
    expect(found('ssn 123-45-6789')).toEqual([['national_id', '123-45-6789']]);
    expect(found('https://ghp_1234567890abcdefghijABCDEFGHIJ123456@github.com/org/repo')).toEqual([['secret', 'ghp_1234567890abcdefghijABCDEFGHIJ123456']]);
  });

  it('returns nothing for text without personal data, and for empty text', () => {
    expect(findPii('')).toEqual([]);
    expect(findPii('How do I bake sourdough bread? It takes 3 days and 500 g of flour.')).toEqual([]);
  });

  it('has one detector per kind, each returning only its kind', () => {
    const text = 'a@b.co +44 20 7946 0958 4111111111111111 DE89370400440532013000 10.0.0.1 00:1A:2B:3C:4D:5E 123-45-6789 hf_AbCdEfGhIjKlMnOpQrStUvWxYz12345678 221B Baker Street';
    const detectors: [PiiKind, (t: string) => PiiSpan[]][] = [
      ['email', findEmails],
      ['phone', findPhones],
      ['payment_card', findPaymentCards],
      ['iban', findIbans],
      ['ip_address', findIpAddresses],
      ['mac_address', findMacAddresses],
      ['national_id', findNationalIds],
      ['secret', findSecrets],
      ['street_address', findStreetAddresses],
    ];
    for (const [kind, detect] of detectors) {
      const spans = detect(text);
      expect(spans.length, kind).toBeGreaterThan(0);
      expect(new Set(spans.map((s) => s.kind)), kind).toEqual(new Set([kind]));
    }
    expect(findPii(text).map((s) => s.kind)).toEqual(['email', 'phone', 'payment_card', 'iban', 'ip_address', 'mac_address', 'national_id', 'secret', 'street_address']);
  });
});

describe('scrubText', () => {
  const text = 'Hi, I am Ana (ana@example.pt, +351 912 345 678). Pay to PT50 0002 0123 1234 5678 9015 4 or card 4111-1111-1111-1111; my other mail is b@example.com.';

  it('replaces each span by its placeholder and counts the kinds removed, never keeping the originals', () => {
    const out = scrubText(text);
    expect(out.text).toBe('Hi, I am Ana ([EMAIL], [PHONE]). Pay to [IBAN] or card [CARD]; my other mail is [EMAIL].');
    expect(out.removed).toEqual({ email: 2, phone: 1, iban: 1, payment_card: 1 });
    expect(out.spans.map((s) => text.slice(s.start, s.end))).toEqual(['ana@example.pt', '+351 912 345 678', 'PT50 0002 0123 1234 5678 9015 4', '4111-1111-1111-1111', 'b@example.com']);
    const kept = JSON.stringify({ text: out.text, removed: out.removed });
    for (const s of out.spans) expect(kept).not.toContain(text.slice(s.start, s.end));
  });

  it('leaves clean text as it is', () => {
    expect(scrubText('nothing to see here, version 1.2.3')).toEqual({ text: 'nothing to see here, version 1.2.3', spans: [], removed: {} });
  });

  it('is idempotent: placeholders are never found again', () => {
    const once = scrubText(text).text;
    expect(scrubText(once)).toEqual({ text: once, spans: [], removed: {} });
    for (const placeholder of Object.values(PII_PLACEHOLDERS)) {
      expect(findPii(`${placeholder} ${placeholder}:${placeholder}@${placeholder}.com +${placeholder} Bearer ${placeholder} ?token=${placeholder}`)).toEqual([]);
    }
  });

  const fragments = [
    'ana.silva@example.com', '+44 20 7946 0958', '(415) 555-0132', '4111 1111 1111 1111', 'DE89 3704 0044 0532 0130 00', '192.168.0.1', '2001:db8::1',
    '00:1A:2B:3C:4D:5E', '123-45-6789', 'sk-proj-Zx81kP0qLmN3vB7cR5tY2wQ9eA4sD6fG', 'Bearer abc123def456ghi789jkl012', 'https://u:p4ss@h.io/',
    '742 Evergreen Terrace', 'Rua Augusta, 274', 'v1.2.3.4', '2023-10-05', '12:30', '978-3-16-148410-0', '😀', 'é', ' ', ' ', '\n', ',', '.', ':', '@', '-',
    '+', '=', '/', '?token=', 'the', 'call', '0', '1', '42', '555', '2024', 'x', 'A', '[EMAIL]', '[PHONE]',
  ];
  const chatText = fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 6 })), { maxLength: 30 }).map((parts) => parts.join(''));

  it('is idempotent on any mix of values, separators and noise (property)', () => {
    fc.assert(
      fc.property(chatText, (t) => {
        const once = scrubText(t);
        const twice = scrubText(once.text);
        expect(twice.spans).toEqual([]);
        expect(twice.text).toBe(once.text);
      }),
      { numRuns: 2000 },
    );
  });

  it('returns sorted, disjoint spans inside the text whose counts are the removed counts (property)', () => {
    fc.assert(
      fc.property(chatText, (t) => {
        const { spans, removed } = scrubText(t);
        let end = 0;
        const counts: Record<string, number> = {};
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(end);
          expect(s.end).toBeGreaterThan(s.start);
          expect(s.end).toBeLessThanOrEqual(t.length);
          end = s.end;
          counts[s.kind] = (counts[s.kind] ?? 0) + 1;
        }
        expect(removed).toEqual(counts);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('mergeCounts', () => {
  it('adds counts kind by kind and leaves its arguments alone', () => {
    const a = { email: 1, phone: 2 };
    const b = { phone: 1, secret: 3 };
    expect(mergeCounts(a, b)).toEqual({ email: 1, phone: 3, secret: 3 });
    expect(a).toEqual({ email: 1, phone: 2 });
    expect(mergeCounts({}, {})).toEqual({});
    expect(mergeCounts({ iban: 1 }, {})).toEqual({ iban: 1 });
  });
});
