#!/usr/bin/env node
// Generates packages/core/test/fixtures/pii-corpus.jsonl, the labelled corpus that measures the PII detector.
// Deterministic (seeded PRNG): running it again rewrites the same file. The JSONL is committed and is the
// source of truth; this script only documents how it was made and lets it be regenerated or extended.
//
//   node scripts/make-pii-corpus.mjs
//
// Every value is produced here (Luhn, mod-97, SSA rules, libphonenumber validity are checked as it goes) and
// every offset is computed from the assembled string: nothing is counted by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isValidIBAN } from 'ibantools';

const OUT = new URL('../packages/core/test/fixtures/pii-corpus.jsonl', import.meta.url);

// ---------------------------------------------------------------- PRNG and helpers
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20260415);
const rint = (n) => Math.floor(rand() * n);
const between = (lo, hi) => lo + rint(hi - lo + 1);
const pick = (arr) => arr[rint(arr.length)];
const chance = (p) => rand() < p;
const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64URL = ALNUM + '-_';
const str = (alphabet, n) => Array.from({ length: n }, () => alphabet[rint(alphabet.length)]).join('');
const digits = (n) => str(DIGITS, n);
function shuffled(arr) {
  const a = [...arr];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rint(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
/** Cycles through the templates in a shuffled order so each one is used about equally. */
function cycler(templates) {
  let order = [];
  return () => {
    if (order.length === 0) order = shuffled(templates);
    return order.pop();
  };
}

// ---------------------------------------------------------------- line assembly
const P = (kind, value) => ({ kind, value });
/** Tagged template: interpolated P(...) values become labelled spans, anything else is plain text. */
function L(strings, ...vals) {
  let text = '';
  const spans = [];
  strings.forEach((s, i) => {
    text += s;
    if (i < vals.length) {
      const v = vals[i];
      if (v && typeof v === 'object' && 'kind' in v) {
        spans.push({ kind: v.kind, start: text.length, end: text.length + v.value.length });
        text += v.value;
      } else text += String(v);
    }
  });
  return { text, spans };
}

const lines = [];
const counters = {};
function add(prefix, rec, note) {
  counters[prefix] = (counters[prefix] ?? 0) + 1;
  const id = `${prefix}-${String(counters[prefix]).padStart(3, '0')}`;
  const row = { id, text: rec.text, spans: rec.spans };
  if (note) row.note = note;
  lines.push(row);
}
const used = new Set();
/** Draws from gen until it gives a value not used before anywhere in the corpus. */
function fresh(gen) {
  for (let i = 0; i < 10000; i++) {
    const v = gen();
    if (!used.has(v)) {
      used.add(v);
      return v;
    }
  }
  throw new Error('could not draw a fresh value');
}

// ---------------------------------------------------------------- validators (generator side)
function luhnOk(num) {
  const d = num.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let x = Number(d[d.length - 1 - i]);
    if (i % 2 === 1) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
  }
  return sum % 10 === 0;
}
function luhnComplete(partial) {
  for (let c = 0; c < 10; c++) if (luhnOk(partial + c)) return partial + c;
  throw new Error('unreachable');
}
function mod97(s) {
  let r = 0;
  for (const ch of s) r = (r * (ch >= 'A' ? 100 : 10) + (ch >= 'A' ? ch.charCodeAt(0) - 55 : Number(ch))) % 97;
  return r;
}
const ibanRemainder = (compact) => mod97(compact.slice(4) + compact.slice(0, 4));
function ssnOk(s) {
  const m = /^(\d{3})[- ](\d{2})[- ](\d{4})$/.exec(s);
  if (!m) return false;
  const area = Number(m[1]);
  return area !== 0 && area !== 666 && area < 900 && m[2] !== '00' && m[3] !== '0000';
}

// ---------------------------------------------------------------- email
const FIRST = ['ana', 'joao', 'maria', 'pedro', 'beatriz', 'lukas', 'lena', 'thomas', 'marie', 'camille', 'lucas', 'chloe', 'carlos', 'lucia', 'javier', 'priya', 'arjun', 'kenji', 'yuki', 'olu', 'chidi', 'thandi', 'sipho', 'emma', 'liam', 'noah', 'sofia', 'giulia', 'marco', 'daan', 'sanne', 'jack', 'olivia', 'mateus', 'rafaela', 'ines', 'tiago', 'hannah', 'felix', 'elodie'];
const LAST = ['silva', 'pereira', 'santos', 'oliveira', 'costa', 'mueller', 'schmidt', 'schneider', 'fischer', 'dubois', 'martin', 'bernard', 'lefevre', 'garcia', 'fernandez', 'lopez', 'martinez', 'sharma', 'patel', 'tanaka', 'sato', 'adeyemi', 'okafor', 'nkosi', 'smith', 'jones', 'williams', 'rossi', 'bianchi', 'devries', 'jansen', 'obrien', 'rodrigues', 'almeida', 'ferreira'];
const DOMAINS = ['gmail.com', 'outlook.com', 'hotmail.co.uk', 'yahoo.fr', 'web.de', 'gmx.de', 'gmx.net', 'sapo.pt', 'uol.com.br', 'bol.com.br', 'protonmail.ch', 'icloud.com', 'orange.fr', 'free.fr', 't-online.de', 'libero.it', 'btinternet.com', 'yahoo.co.in', 'rediffmail.com', 'docomo.ne.jp', 'mweb.co.za', 'live.nl', 'ziggo.nl', 'telefonica.net', 'laposte.net', 'posteo.de', 'fastmail.fm', 'hey.com', 'zoho.eu', 'me.com'];
const ORG_DOMAINS = ['alunos.fc.ul.pt', 'cs.uni-heidelberg.de', 'eng.acme-corp.co.uk', 'mail.unilag.edu.ng', 'correo.ugr.es', 'students.uct.ac.za', 'lab.example-robotics.io', 'sales.nordwind-logistik.de', 'hr.groupe-lumiere.fr', 'ti.padaria-estrela.com.br', 'mx.tokyo-denki.co.jp', 'research.uva.nl', 'dept.cs.ox.ac.uk', 'ops.kinderhaus-sonne.org', 'support.lojadoze.com.br'];
const SPECIAL_EMAILS = [
  'ana.silva+faturas@gmail.com',
  'joao.pereira@alunos.fc.ul.pt',
  'Thomas.Mueller@T-Online.de',
  'MARIE.LEFEVRE@ORANGE.FR',
  'carlos-garcia_91@correo.ugr.es',
  'li.wei+github@outlook.com',
  'o.adeyemi@mail.unilag.edu.ng',
  'kenji.tanaka@docomo.ne.jp',
  'sophie-marie.laurent@free.fr',
  'priya.sharma1990@yahoo.co.in',
  'j.smith@eng.acme-corp.co.uk',
  'lucas.m.rodrigues@uol.com.br',
  'me@danielkoch.dev',
  'hello@annasmith.photography',
  'first.last@sub.dept.university.edu',
  'info+tag.with.dots@my-domain.org',
  'user_name-2024@example-mail.com',
  'Beatriz.Costa@Sapo.PT',
  'dr.hannah.fischer@charite-berlin.de',
  'q@x9.io',
];
function genEmail() {
  const f = pick(FIRST);
  const l = pick(LAST);
  const style = rint(9);
  let local;
  if (style === 0) local = `${f}.${l}`;
  else if (style === 1) local = `${f}${l}${between(1, 99)}`;
  else if (style === 2) local = `${f[0]}.${l}`;
  else if (style === 3) local = `${f}-${l}`;
  else if (style === 4) local = `${f}_${l}`;
  else if (style === 5) local = `${f}.${l}+${pick(['shop', 'news', 'banco', 'rechnung', 'work', 'spam', 'ml'])}`;
  else if (style === 6) local = `${l}.${f}`;
  else if (style === 7) local = `${f}.${pick(LOWER)}.${l}`;
  else local = `${f}${between(1970, 2006)}`;
  let domain = chance(0.25) ? pick(ORG_DOMAINS) : pick(DOMAINS);
  let value = `${local}@${domain}`;
  if (chance(0.12)) value = value.toUpperCase();
  else if (chance(0.12)) value = value.replace(/(^|[.\-_@])([a-z])/g, (_, p, c) => p + c.toUpperCase());
  return value;
}
const emailsQueue = [...SPECIAL_EMAILS];
const nextEmail = () => P('email', fresh(() => emailsQueue.shift() ?? genEmail()));

const EMAIL_T = [
  (x) => L`Can you write a polite follow-up to ${x}? They never answered my last message.`,
  (x) => L`My email is ${x}, please turn this into a vCard.`,
  (x) => L`Send the report to <${x}> by Friday, and CC my manager.`,
  (x) => L`Why does my regex not match ${x}?`,
  (x) => L`git config --global user.email "${x}"`,
  (x) => L`Please add this to the footer — contact: ${x}.`,
  (x) => L`For questions (reach me at ${x}) I'm usually online after 6pm.`,
  (x) => L`Is ${x} a valid address or should I drop the dots?`,
  (x) => L`<a href="mailto:${x}?subject=Hello">write to us</a> — why doesn't the link open Outlook?`,
  (x) => L`{"name": "Customer", "email": "${x}", "newsletter": true}`,
  (x) => L`Meu e-mail é ${x}, pode me ajudar a escrever uma resposta educada?`,
  (x) => L`Escreve um email formal para ${x} a pedir o reembolso da encomenda.`,
  (x) => L`O meu endereço mudou para ${x}; como aviso os meus contactos?`,
  (x) => L`Meine E-Mail-Adresse lautet ${x}. Kannst du den Brief korrigieren?`,
  (x) => L`Bitte schick die Unterlagen an ${x}!`,
  (x) => L`Mon adresse est ${x} — tu peux reformuler ce message ?`,
  (x) => L`Écris un mail à «${x}» pour annuler le rendez-vous.`,
  (x) => L`Mi correo es ${x}; ¿puedes traducir esto al inglés?`,
  (x) => L`¿Por qué Outlook rechaza ${x}?`,
  (x) => L`📧 ${x} 👈 esse é o meu, manda lá o convite`,
  (x) => L`✉️${x}✨ — make this signature look more professional`,
  (x) => L`Reply-To: ${x}`,
  (x) => L`user = User.objects.create(username="mk", email='${x}')`,
  (x) => L`I signed up with ${x}, but the reset link never arrives. Any idea why?`,
  (x) => L`The bounce says "550 5.1.1 <${x}>: Recipient address rejected". What does that mean?`,
  (x) => L`Can you check the grammar: "Dear team, please contact ${x} regarding the invoice."`,
  (x) => L`Hi! ${x} here 😊 I need help with my CV.`,
  (x) => L`Pode corrigir isto: "Qualquer dúvida, fale com ${x}."`,
  (x) => L`Liste: ${x}, und noch zwei weitere Adressen, die ich nicht mehr weiß.`,
  (x) => L`Contacto de facturación → ${x}`,
];
const EMAIL2_T = [
  (x, y) => L`From: Ana <${x}>\nTo: ${y}\nSubject: invoice 2024-117\n\nCan you summarise this thread?`,
  (x, y) => L`emails = ["${x}", "${y}"]  # why does dedupe keep both?`,
  (x, y) => L`Merge these contacts: ${x} and ${y} are the same person.`,
  (x, y) => L`Cc: ${x}; ${y}`,
  (x, y) => L`Envoie le compte rendu à ${x} et à ${y}, merci !`,
];

// ---------------------------------------------------------------- phone
const d = digits;
const PHONE = {
  US: {
    cc: '1', lang: 'en',
    gen: () => {
      const area = pick(['201', '202', '206', '212', '213', '305', '312', '415', '503', '512', '617', '646', '702', '718', '773', '818', '917', '303']);
      if (chance(0.5)) return [area, '555', '01' + d(2)];
      return [area, String(between(2, 9)) + d(2), d(4)];
    },
    nat: [(g) => `(${g[0]}) ${g[1]}-${g[2]}`, (g) => g.join('-'), (g) => g.join('.'), (g) => `(${g[0]}) ${g[1]} ${g[2]}`],
    intl: [(g) => `+1 ${g.join(' ')}`, (g) => `+1-${g.join('-')}`, (g) => `+1 (${g[0]}) ${g[1]}-${g[2]}`, (g) => `+1${g.join('')}`, (g) => `+1.${g.join('.')}`],
  },
  GB: {
    cc: '44', lang: 'en',
    gen: () => pick([
      () => ['20', '7946', '0' + d(3)],
      () => ['161', '496', '0' + d(3)],
      () => ['117', '496', '0' + d(3)],
      () => ['7' + pick(['400', '700', '911', '834', '507', '384']), d(6)],
      () => ['131', '496', '0' + d(3)],
    ])(),
    nat: [(g) => '0' + g.join(' ')],
    intl: [(g) => `+44 ${g.join(' ')}`, (g) => `+44${g.join('')}`, (g) => `+44-${g.join('-')}`, (g) => `+44 (0)${g.join(' ')}`],
  },
  DE: {
    cc: '49', lang: 'de',
    gen: () => pick([
      () => ['30', d(8)],
      () => ['89', String(between(1, 9)) + d(6)],
      () => ['40', String(between(2, 9)) + d(7)],
      () => [pick(['151', '160', '170', '171', '176', '172', '157']), d(pick([7, 8]))],
    ])(),
    nat: [(g) => '0' + g.join(' '), (g) => `0${g[0]}/${g[1]}`, (g) => '0' + g.join('-')],
    intl: [(g) => `+49 ${g.join(' ')}`, (g) => `+49${g.join('')}`, (g) => `+49 (0)${g.join(' ')}`, (g) => `+49-${g.join('-')}`],
    idd: (g) => `0049 ${g.join(' ')}`,
  },
  FR: {
    cc: '33', lang: 'fr',
    gen: () => [pick(['6', '7', '1', '2', '3', '4', '5', '9']), d(2), d(2), d(2), d(2)],
    nat: [(g) => ['0' + g[0], ...g.slice(1)].join(' '), (g) => '0' + g[0] + '.' + g.slice(1).join('.'), (g) => '0' + g.join(''), (g) => '0' + g[0] + '-' + g.slice(1).join('-')],
    intl: [(g) => `+33 ${g.join(' ')}`, (g) => `+33${g.join('')}`, (g) => `+33 (0)${g[0]} ${g.slice(1).join(' ')}`, (g) => `+33.${g.join('.')}`],
    idd: (g) => `0033 ${g.join(' ')}`,
  },
  BR: {
    cc: '55', lang: 'pt',
    gen: () => {
      const area = pick(['11', '21', '31', '41', '51', '61', '71', '81', '85', '19', '48']);
      return chance(0.65) ? [area, '9' + String(between(6, 9)) + d(3), d(4)] : [area, String(between(2, 5)) + d(3), d(4)];
    },
    nat: [(g) => `(${g[0]}) ${g[1]}-${g[2]}`, (g) => `${g[0]} ${g[1]}-${g[2]}`, (g) => `(${g[0]}) ${g[1]}${g[2]}`, (g) => `(${g[0]})${g[1]}-${g[2]}`],
    intl: [(g) => `+55 ${g[0]} ${g[1]}-${g[2]}`, (g) => `+55 (${g[0]}) ${g[1]}-${g[2]}`, (g) => `+55${g.join('')}`, (g) => `+55 ${g.join(' ')}`],
  },
  PT: {
    cc: '351', lang: 'pt',
    gen: () => (chance(0.6) ? ['9' + pick(['1', '2', '3', '6']) + d(1), d(3), d(3)] : [pick(['21', '22', '23', '25', '28']) + d(1), d(3), d(3)]),
    nat: [(g) => g.join(' '), (g) => g.join('')],
    intl: [(g) => `+351 ${g.join(' ')}`, (g) => `+351${g.join('')}`, (g) => `+351-${g.join('-')}`],
    idd: (g) => `00351 ${g.join(' ')}`,
  },
  IN: {
    cc: '91', lang: 'en',
    gen: () => [pick(['9', '8', '7', '6']) + d(4), d(5)],
    nat: [(g) => g.join(' '), (g) => '0' + g.join(''), (g) => g.join('')],
    intl: [(g) => `+91 ${g.join(' ')}`, (g) => `+91-${g.join('-')}`, (g) => `+91${g.join('')}`, (g) => `+91 ${g.join('')}`],
  },
  ES: {
    cc: '34', lang: 'es',
    gen: () => pick([
      () => ['6' + d(2), d(2), d(2), d(2)],
      () => ['6' + d(2), d(3), d(3)],
      () => ['91', d(3), d(2), d(2)],
      () => ['93', d(3), d(2), d(2)],
    ])(),
    nat: [(g) => g.join(' '), (g) => g.join('')],
    intl: [(g) => `+34 ${g.join(' ')}`, (g) => `+34${g.join('')}`, (g) => `+34-${g.join('-')}`],
  },
  IT: {
    cc: '39', lang: 'en',
    gen: () => pick([() => ['3' + pick(['1', '2', '3', '4', '5', '8', '9']) + d(1), d(3), d(4)], () => ['06', d(4), d(4)], () => ['02', d(4), d(4)]])(),
    nat: [(g) => g.join(' '), (g) => g.join('')],
    intl: [(g) => `+39 ${g.join(' ')}`, (g) => `+39${g.join('')}`, (g) => `+39.${g.join('.')}`],
  },
  NL: {
    cc: '31', lang: 'en',
    gen: () => (chance(0.6) ? ['6', String(between(1, 5)) + d(7)] : [pick(['20', '10', '30', '70']), d(3), d(4)]),
    nat: [(g) => '0' + g.join(' '), (g) => '0' + g.join('-')],
    intl: [(g) => `+31 ${g.join(' ')}`, (g) => `+31${g.join('')}`, (g) => `+31 (0)${g.join(' ')}`],
  },
  JP: {
    cc: '81', lang: 'en',
    gen: () => (chance(0.6) ? [pick(['90', '80', '70']), String(between(1, 9)) + d(3), d(4)] : [pick(['3', '6']), d(4), d(4)]),
    nat: [(g) => '0' + g.join('-'), (g) => '0' + g.join(' ')],
    intl: [(g) => `+81 ${g.join(' ')}`, (g) => `+81-${g.join('-')}`, (g) => `+81${g.join('')}`],
  },
  AU: {
    cc: '61', lang: 'en',
    gen: () => (chance(0.55) ? ['4' + d(2), d(3), d(3)] : [pick(['2', '3', '7', '8']), String(between(5, 9)) + d(3), d(4)]),
    nat: [(g) => (g[0].length === 1 ? `(0${g[0]}) ${g[1]} ${g[2]}` : '0' + g.join(' ')), (g) => '0' + g.join(' '), (g) => '0' + g.join('')],
    intl: [(g) => `+61 ${g.join(' ')}`, (g) => `+61${g.join('')}`, (g) => `+61-${g.join('-')}`],
  },
  ZA: {
    cc: '27', lang: 'en',
    gen: () => (chance(0.6) ? [pick(['82', '83', '72', '71', '84', '60', '79']), d(3), d(4)] : [pick(['21', '11', '31', '12']), d(3), d(4)]),
    nat: [(g) => '0' + g.join(' '), (g) => '0' + g.join('-'), (g) => '0' + g.join('')],
    intl: [(g) => `+27 ${g.join(' ')}`, (g) => `+27${g.join('')}`, (g) => `+27-${g.join('-')}`],
  },
  NG: {
    cc: '234', lang: 'en',
    gen: () => [pick(['803', '806', '813', '703', '802', '805', '809', '816', '903', '810']), d(3), d(4)],
    nat: [(g) => '0' + g.join(' '), (g) => '0' + g.join('-'), (g) => '0' + g.join('')],
    intl: [(g) => `+234 ${g.join(' ')}`, (g) => `+234${g.join('')}`, (g) => `+234-${g.join('-')}`],
  },
};

function validPhone(value, country, e164) {
  const n = parsePhoneNumberFromString(value, country);
  return !!n && n.isValid() && n.number === e164;
}
/** A fresh phone number of the country, valid per libphonenumber (max metadata), in the given style. */
function genPhone(cc, style) {
  const spec = PHONE[cc];
  for (let i = 0; i < 5000; i++) {
    const g = spec.gen();
    // Groups hold the national significant number (no trunk 0), except Italy where the 0 belongs to it.
    const target = '+' + spec.cc + g.join('');
    if (used.has(target)) continue;
    const fmts = style === 'nat' ? spec.nat : style === 'idd' ? [spec.idd] : spec.intl;
    const value = pick(fmts)(g);
    if (!validPhone(value, cc, target)) continue;
    used.add(target);
    return value;
  }
  throw new Error(`no valid ${cc} ${style} phone`);
}

const PHONE_T = {
  en: [
    (x) => L`Call me at ${x} if the courier can't find the house.`,
    (x) => L`My number is ${x} — can you format it in E.164?`,
    (x) => L`Text me on ${x} when you land ✈️`,
    (x) => L`Phone: ${x}`,
    (x) => L`Is ${x} a mobile or a landline?`,
    (x) => L`Name,Phone,City\nAna Silva,${x},Lisbon\nWhy does Excel turn the phone column into 1.23E+10?`,
    (x) => L`Write a voicemail greeting that tells people to call ${x} instead.`,
    (x) => L`WhatsApp: ${x} 📱 (no calls please)`,
    (x) => L`Our landlord's number is ${x}, can you draft a complaint about the heating?`,
    (x) => L`Someone keeps calling me from ${x}. Is it a scam?`,
    (x) => L`"For bookings call ${x}." — is the comma placement right here?`,
    (x) => L`Emergency contact: Mum (${x})`,
    (x) => L`<a href="tel:${x}">Call us</a> doesn't work on iPhone, why?`,
    (x) => L`I changed my number to ${x}. Help me write a message to my contacts.`,
  ],
  pt: [
    (x) => L`Me liga no ${x} depois das 18h.`,
    (x) => L`O meu número é ${x}, podes pôr isso num cartão de visita?`,
    (x) => L`Contacto: ${x}`,
    (x) => L`Meu WhatsApp é ${x} 😉 me chama lá`,
    (x) => L`Recebi uma chamada do ${x}, será golpe?`,
    (x) => L`Escreve uma mensagem para o senhorio a dizer que o meu telemóvel agora é ${x}.`,
  ],
  de: [
    (x) => L`Ruf mich unter ${x} an, falls es Probleme gibt.`,
    (x) => L`Meine Handynummer ist ${x}.`,
    (x) => L`Tel.: ${x}`,
    (x) => L`Kannst du eine Abwesenheitsnotiz schreiben? Vertretung erreichbar unter ${x}.`,
    (x) => L`Wer ruft mich ständig von ${x} an? 😤`,
  ],
  fr: [
    (x) => L`Appelle-moi au ${x} demain matin.`,
    (x) => L`Mon numéro : ${x} (WhatsApp aussi)`,
    (x) => L`Rédige un SMS pour dire au plombier de rappeler le ${x}.`,
    (x) => L`Tél. ${x} — c'est bien le format français ?`,
    (x) => L`J'ai reçu un appel du ${x}, c'est une arnaque ?`,
  ],
  es: [
    (x) => L`Llámame al ${x}, porfa.`,
    (x) => L`Mi móvil es ${x} — ¿cómo lo escribo en formato internacional?`,
    (x) => L`Teléfono de contacto: ${x}`,
    (x) => L`¿Me ayudas a escribir un mensaje para que me llamen al ${x}?`,
    (x) => L`Me han llamado del ${x} tres veces hoy 🙄`,
  ],
};
const anyLang = Object.values(PHONE_T).flat();
const phoneTByLang = Object.fromEntries(Object.entries(PHONE_T).map(([k, v]) => [k, cycler(v)]));
const phoneTAny = cycler(anyLang);
const PHONE2_T = [
  (x, y) => L`Reach our office on ${x} or, after hours, on ${y}.`,
  (x, y) => L`Old number ${x}, new number ${y} — please update my profile.`,
  (x, y) => L`Tel: ${x} / Fax: ${y}`,
];

// ---------------------------------------------------------------- payment cards
const CARD_KNOWN = [
  ['4111111111111111', 'Visa test number'],
  ['5555555555554444', 'Mastercard test number'],
  ['378282246310005', 'Amex test number'],
  ['6011111111111117', 'Discover test number'],
  ['3530111333300000', 'JCB test number'],
  ['30569309025904', 'Diners test number'],
  ['4012888888881881', 'Visa test number'],
  ['5105105105105100', 'Mastercard test number'],
  ['371449635398431', 'Amex test number'],
  ['2223003122003222', 'Mastercard 2-series test number'],
];
const CARD_BRANDS = [
  ['Visa', () => '4', 16],
  ['Visa', () => '4', 16],
  ['Visa', () => '4', 16],
  ['Mastercard', () => String(between(51, 55)), 16],
  ['Mastercard', () => String(between(51, 55)), 16],
  ['Mastercard', () => String(between(2221, 2720)), 16],
  ['Amex', () => pick(['34', '37']), 15],
  ['Discover', () => pick(['6011', '65', '644', '649']), 16],
  ['JCB', () => String(between(3528, 3589)), 16],
  ['Diners', () => pick(['36', '300', '301', '305', '38']), 14],
];
function groupCard(num, sep) {
  if (num.length === 15) return [num.slice(0, 4), num.slice(4, 10), num.slice(10)].join(sep);
  if (num.length === 14) return [num.slice(0, 4), num.slice(4, 10), num.slice(10)].join(sep);
  return num.match(/.{1,4}/g).join(sep);
}
let cardKnownIdx = 0;
function nextCard() {
  let num;
  let brand;
  if (cardKnownIdx < CARD_KNOWN.length) {
    [num, brand] = CARD_KNOWN[cardKnownIdx++];
    used.add(num);
  } else {
    const [b, prefix, len] = pick(CARD_BRANDS);
    brand = b;
    num = fresh(() => {
      const p = prefix();
      return luhnComplete(p + d(len - p.length - 1));
    });
  }
  if (!luhnOk(num)) throw new Error('luhn');
  const style = rint(5);
  const value = style <= 1 ? groupCard(num, ' ') : style === 2 ? groupCard(num, '-') : num;
  return { value: P('payment_card', value), brand };
}
const CARD_T = [
  (x) => L`My card ${x} was declined, why?`,
  (x) => L`Charge failed for card ${x} — what does "do not honor" mean?`,
  (x) => L`card_number = "${x}"  # is this how I should store it?`,
  (x) => L`Pagamento recusado no cartão ${x}, o que faço?`,
  (x) => L`Meine Kreditkarte ${x} wurde zweimal belastet. Hilf mir, eine Beschwerde zu schreiben.`,
  (x) => L`Ma carte ${x} a été débitée deux fois 😡`,
  (x) => L`Mi tarjeta ${x} fue rechazada en Amazon, ¿por qué?`,
  (x) => L`💳 ${x} — is that a Visa or a Mastercard?`,
  (x) => L`Stripe says "Your card number is incorrect" for ${x}, but it's right!`,
  (x) => L`Can you check if ${x} passes the Luhn check?`,
  (x) => L`Here are my details for the booking: card ${x}, expiry 08/29.`,
  (x) => L`{"pan": "${x}", "currency": "EUR"}`,
  (x) => L`O número do cartão é ${x}; a validade não sei de cor.`,
  (x) => L`Welcher Kartentyp ist ${x}?`,
  (x) => L`J'ai tapé ${x} sur le site et il me dit carte invalide.`,
  (x) => L`¿Es seguro mandar ${x} por WhatsApp a la agencia?`,
  (x) => L`The hotel wants the card on file: ${x}. Should I send it by email?`,
  (x) => L`cartão: ${x} 🙏 me ajuda a contestar a cobrança`,
];

// ---------------------------------------------------------------- IBAN
// BBAN structure: n = digit, a = capital letter, c = capital letter or digit (mostly digits in practice).
const IBAN_SPECS = {
  DE: [['n', 18]], GB: [['bank', ['NWBK', 'BARC', 'LOYD', 'HBUK', 'MIDL', 'MONZ']], ['n', 14]],
  FR: [['n', 10], ['n', 11], ['n', 2]], ES: [['n', 20]], PT: [['n', 21]], IT: [['a', 1], ['n', 10], ['n', 12]],
  NL: [['bank', ['ABNA', 'INGB', 'RABO', 'TRIO', 'KNAB', 'SNSB']], ['n', 10]], BE: [['n', 12]], CH: [['n', 5], ['c', 12]],
  AT: [['n', 16]], IE: [['bank', ['AIBK', 'BOFI', 'IPBS']], ['n', 14]], PL: [['n', 24]], SE: [['n', 20]], DK: [['n', 14]],
  FI: [['n', 14]], NO: [['n', 11]], LU: [['n', 3], ['c', 13]], BR: [['n', 23], ['a', 1], ['c', 1]], GR: [['n', 7], ['n', 16]],
  CZ: [['n', 20]], HR: [['n', 17]], SI: [['n', 15]], RO: [['a', 4], ['c', 16]],
};
const IBAN_COUNTRY_CYCLE = cycler(['DE', 'DE', 'DE', 'GB', 'GB', 'FR', 'FR', 'ES', 'ES', 'PT', 'PT', 'PT', 'IT', 'IT', 'NL', 'NL', 'BE', 'CH', 'AT', 'IE', 'PL', 'SE', 'DK', 'FI', 'NO', 'LU', 'BR', 'GR', 'CZ', 'HR', 'SI', 'RO']);
function genIbanCompact(cc) {
  for (let i = 0; i < 200000; i++) {
    let bban = '';
    for (const [t, n] of IBAN_SPECS[cc]) {
      if (t === 'n') bban += d(n);
      else if (t === 'a') bban += str(UPPER, n);
      else if (t === 'c') bban += chance(0.85) ? d(n) : str(UPPER + DIGITS, n);
      else bban += pick(n);
    }
    const check = String(98 - mod97(bban + cc + '00')).padStart(2, '0');
    const iban = cc + check + bban;
    if (ibanRemainder(iban) !== 1) throw new Error('mod97');
    if (!isValidIBAN(iban) || used.has(iban)) continue;
    used.add(iban);
    return iban;
  }
  throw new Error(`no IBAN for ${cc}`);
}
const groupIban = (s) => s.match(/.{1,4}/g).join(' ');
function nextIban() {
  const cc = IBAN_COUNTRY_CYCLE();
  const compact = genIbanCompact(cc);
  return { value: P('iban', chance(0.55) ? groupIban(compact) : compact), cc };
}
const IBAN_T = [
  (x) => L`Please transfer the deposit to IBAN ${x}.`,
  (x) => L`IBAN: ${x} (BIC on the invoice)`,
  (x) => L`Überweisen Sie bitte an ${x}, Verwendungszweck: Rechnung 2024-117.`,
  (x) => L`O meu IBAN é ${x}, consegues verificar se está correto?`,
  (x) => L`Mon IBAN : ${x} — tu peux rédiger le mail pour le propriétaire ?`,
  (x) => L`Mi IBAN es ${x}, ¿es válido?`,
  (x) => L`iban = '${x}'  # TODO: move to env`,
  (x) => L`Write a reminder to my tenant: rent goes to ${x} by the 5th of each month.`,
  (x) => L`Kannst du prüfen, ob die Prüfziffer von ${x} stimmt?`,
  (x) => L`Dados para transferência → ${x} 🏦`,
  (x) => L`My employer needs my bank details. Is "${x}" the right format?`,
  (x) => L`Bonjour, voici mes coordonnées bancaires : ${x}. Cordialement.`,
  (x) => L`¿Por qué el banco dice que ${x} no existe?`,
  (x) => L`SEPA mandate for ${x} was rejected with code AC01, what does that mean?`,
];

// ---------------------------------------------------------------- IP addresses
function genPublicV4() {
  for (;;) {
    const a = between(1, 223);
    if ([10, 127, 0, 100, 169, 172, 192, 198, 203].includes(a)) continue;
    return `${a}.${between(0, 255)}.${between(0, 255)}.${between(1, 254)}`;
  }
}
function genV4() {
  const r = rint(10);
  if (r < 5) return genPublicV4();
  if (r === 5) return `192.0.2.${between(1, 254)}`;
  if (r === 6) return `198.51.100.${between(1, 254)}`;
  if (r === 7) return `203.0.113.${between(1, 254)}`;
  return genPublicV4();
}
function genPrivateV4() {
  return pick([() => `10.${between(0, 255)}.${between(0, 255)}.${between(1, 254)}`, () => `192.168.${between(0, 255)}.${between(2, 254)}`, () => `172.${between(16, 31)}.${between(0, 255)}.${between(1, 254)}`])();
}
function compressV6(groups) {
  const g = groups.map((x) => x.replace(/^0+(?=.)/, '').toLowerCase());
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return g.join(':');
  return `${g.slice(0, best).join(':')}::${g.slice(best + bestLen).join(':')}`;
}
function genV6() {
  const r = rint(10);
  const h = () => (between(1, 0xffff)).toString(16);
  const h4 = () => str(HEX, 4);
  if (r <= 2) {
    // documentation prefix with a zero run
    const g = ['2001', '0db8', h4(), h4(), '0', '0', '0', h()];
    if (chance(0.5)) g[3] = '0';
    return compressV6(g);
  }
  if (r <= 4) {
    const g = [pick(['2a02', '2a01', '2600', '2804', '2c0f', '2405', '2001', '2a00', '2607', '2406']), h4(), h4(), h4(), h4(), h4(), h4(), h4()];
    if (chance(0.5)) {
      g[4] = '0';
      g[5] = '0';
    }
    return compressV6(g);
  }
  if (r === 5) {
    // full, uncompressed with leading zeros
    const g = ['2001', '0db8', str(HEX, 4), '0000', '0000', str(HEX, 4), '0' + str(HEX, 3), str(HEX, 4)];
    const s = g.join(':');
    return chance(0.5) ? s.toUpperCase() : s;
  }
  if (r === 6) return `fe80::${[h4(), h4(), h4(), h4()].map((x) => x.replace(/^0+(?=.)/, '')).join(':')}`;
  if (r === 7) return `::ffff:${genV4()}`;
  if (r === 8) return compressV6(['2001', 'db8', h(), '0', '0', '0', '0', h()]).toUpperCase();
  return compressV6([pick(['2a02', '2001', '2600', '2a01']), h4(), h4(), '0', '0', '0', '0', between(1, 255).toString(16)]);
}
const nextV4 = () => P('ip_address', fresh(genV4));
const nextV6 = () => P('ip_address', fresh(genV6));
const IP_T = [
  (x) => L`${x} - - [15/Mar/2024:10:12:01 +0000] "GET /login HTTP/1.1" 401 512 "-" "Mozilla/5.0"\nWhy so many 401s from this client?`,
  (x) => L`Mar 15 10:12:01 web1 sshd[2211]: Failed password for root from ${x} port 52214 ssh2 — should I ban it?`,
  (x) => L`Why is my server at ${x} unreachable from outside?`,
  (x) => L`2024/03/15 10:12:01 [error] 1234#0: *87 upstream timed out, client: ${x}, server: shop, request: "POST /api/cart HTTP/2.0"`,
  (x) => L`O meu IP público é ${x}, como abro a porta 25565 para o Minecraft?`,
  (x) => L`Meine IP-Adresse ist ${x} — bin ich damit identifizierbar?`,
  (x) => L`Mon adresse IP est ${x}, pourquoi Netflix me bloque ?`,
  (x) => L`Mi IP es ${x} y el router no me deja entrar 😩`,
  (x) => L`ssh -i ~/.ssh/id_ed25519 deploy@${x}`,
  (x) => L`Add ${x} to the allow-list in this nginx config please.`,
  (x) => L`[WARN] rate limit exceeded for ${x} (120 req/min)`,
  (x) => L`Ping to ${x} shows 30% packet loss, what's wrong?`,
  (x) => L`iptables -A INPUT -s ${x} -j DROP`,
  (x) => L`{"event":"login","ip":"${x}","ok":false}`,
  (x) => L`Someone logged into my Gmail from ${x} 😱`,
];
const IP_PORT_T = [
  (x) => L`curl -v http://${x}:8080/health returns connection refused`,
  (x) => L`DATABASE_HOST=${x}:5432`,
  (x) => L`Connecting to ${x}:443 ... timeout. Is the firewall blocking it?`,
];
const IP6_T = [
  (x) => L`curl -g "http://[${x}]:8080/status" hangs forever`,
  (x) => L`ping6 ${x} works but the browser doesn't load the site`,
  (x) => L`inet6 ${x}/64 scope global dynamic — is this my public address?`,
  (x) => L`Meu IPv6 é ${x}, por que o site mostra outro?`,
  (x) => L`AAAA record points to ${x}, right?`,
  (x) => L`Warum zeigt mir whatismyip ${x} an?`,
  (x) => L`listen [${x}]:443 ssl; — nginx says "cannot assign requested address"`,
  (x) => L`Client ${x} hit /wp-login.php 300 times tonight`,
];
const IP2_T = [
  (x, y) => L`X-Forwarded-For: ${x}, ${y}\nWhich one is the real client?`,
  (x, y) => L`Block ${x} and ${y}, they keep scanning port 22.`,
];

// ---------------------------------------------------------------- MAC addresses
function genMac() {
  const bytes = Array.from({ length: 6 }, () => str(HEX, 2));
  bytes[0] = (parseInt(bytes[0], 16) & 0xfe).toString(16).padStart(2, '0');
  const style = rint(6);
  let s;
  if (style <= 1) s = bytes.join(':');
  else if (style <= 3) s = bytes.join('-');
  else if (style === 4) s = `${bytes[0]}${bytes[1]}.${bytes[2]}${bytes[3]}.${bytes[4]}${bytes[5]}`;
  else s = bytes.join(':');
  return style !== 4 && chance(0.5) ? s.toUpperCase() : s;
}
const nextMac = () => P('mac_address', fresh(genMac));
const MAC_T = [
  (x) => L`ether ${x}  txqueuelen 1000  (Ethernet)\nWhich interface is this?`,
  (x) => L`My laptop's MAC is ${x}, how do I whitelist it on the router?`,
  (x) => L`Physical Address. . . . . . . . . : ${x}`,
  (x) => L`Adresse MAC : ${x} — c'est unique au monde ?`,
  (x) => L`Dirección MAC ${x}, ¿cómo la cambio en Linux?`,
  (x) => L`MAC-Adresse ${x} wird im WLAN blockiert, warum?`,
  (x) => L`O endereço MAC da impressora é ${x}, como fixo o IP dela?`,
  (x) => L`dhcp-host=${x},printer,infinite`,
  (x) => L`2: eth0: <BROADCAST,MULTICAST,UP> mtu 1500\n    link/ether ${x} — is this the address my router sees?`,
  (x) => L`The DHCP log shows DHCPACK to ${x} every 5 minutes 🤔`,
];
const MAC_CISCO_T = [
  (x) => L`switch# show mac address-table | include ${x}`,
  (x) => L`Port Gi0/12 learned ${x} on VLAN 20, is that the camera?`,
  (x) => L`Cisco shows ${x} — how do I convert it to colon format?`,
];

// ---------------------------------------------------------------- SSNs
const SSN_AVOID = new Set(['078-05-1120', '219-09-9999', '123-45-6789']);
function genSsn() {
  for (;;) {
    const area = between(1, 899);
    if (area === 666) continue;
    const s = `${String(area).padStart(3, '0')}-${String(between(1, 99)).padStart(2, '0')}-${String(between(1, 9999)).padStart(4, '0')}`;
    if (SSN_AVOID.has(s)) continue;
    return chance(0.2) ? s.replace(/-/g, ' ') : s;
  }
}
const nextSsn = () => {
  const v = fresh(genSsn);
  if (!ssnOk(v)) throw new Error('ssn');
  return P('national_id', v);
};
const SSN_T = [
  (x) => L`My SSN is ${x}, is it safe to put it on this rental form?`,
  (x) => L`SSN: ${x}`,
  (x) => L`Social Security number ${x} — how do I fill box 3 of the W-4?`,
  (x) => L`Meu SSN americano é ${x}, preciso dele para o IRS?`,
  (x) => L`Mi número de seguro social es ${x}; ¿lo pongo en la solicitud?`,
  (x) => L`Meine US-Sozialversicherungsnummer lautet ${x}. Muss ich sie beim Arbeitgeber angeben?`,
  (x) => L`Mon numéro de sécurité sociale américain est ${x}, c'est grave si je l'ai envoyé par mail ?`,
  (x) => L`{"applicant": {"ssn": "${x}", "dob": "1988-04-02"}}`,
  (x) => L`The IRS letter lists ${x} but my card shows a different number, what now?`,
  (x) => L`Credit check form: SSN ${x}, annual income $72,000. Does this look complete?`,
  (x) => L`I accidentally typed my social (${x}) into the chat, can you delete it?`,
  (x) => L`ssn=${x}&state=CA`,
];

// ---------------------------------------------------------------- secrets
const jwtPart = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');
function genJwt() {
  const header = chance(0.5) ? { alg: 'HS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: str(HEX, 16) };
  const iat = between(1700000000, 1760000000);
  const payload = chance(0.5)
    ? { sub: String(between(1000, 99999999)), name: `${pick(FIRST)} ${pick(LAST)}`, iat, exp: iat + 3600 }
    : { iss: 'https://auth.example.com/', sub: `auth0|${str(HEX, 24)}`, aud: 'api', scope: 'read:profile', iat, exp: iat + 86400 };
  const sig = Buffer.from(Array.from({ length: header.alg === 'HS256' ? 32 : 64 }, () => rint(256))).toString('base64url');
  return `${jwtPart(header)}.${jwtPart(payload)}.${sig}`;
}
const SECRET_GEN = {
  openai: () => `sk-${str(ALNUM, 20)}T3BlbkFJ${str(ALNUM, 20)}`,
  openaiProj: () => `sk-proj-${str(B64URL, pick([48, 64, 100, 156]))}`,
  hf: () => `hf_${str(UPPER + LOWER, 34)}`,
  ghp: () => `ghp_${str(ALNUM, 36)}`,
  ghpat: () => `github_pat_${str(UPPER + DIGITS, 22)}_${str(ALNUM, 59)}`,
  aws: () => `AKIA${str(UPPER + '234567', 16)}`,
  slack: () => `xoxb-${d(12)}-${d(13)}-${str(ALNUM, 24)}`,
  google: () => `AIza${str(B64URL, 35)}`,
  stripe: () => (chance(0.5) ? `sk_live_${str(ALNUM, 24)}` : `sk_live_51${str(ALNUM, 97)}`),
  jwt: genJwt,
  opaque: () => str(B64URL, pick([32, 40, 43, 64])),
  ya29: () => `ya29.${str(B64URL, 120)}`,
  hex32: () => str(HEX, 32),
  password: () => {
    const w = pick(['Sunshine', 'dragon', 'Lisboa', 'Bayern', 'soleil', 'tigre', 'Pa55word', 'hunter', 'correcthorse', 'Tr0ub4dor', 'mariposa', 'Schatz']);
    return `${w}${pick(['', '-', '_', '.', '!'])}${between(1, 2025)}${pick(['', '!', '$', '*', '~'])}`;
  },
};
const nextSecret = (k) => P('secret', fresh(SECRET_GEN[k]));
// Each entry: [generator key, template]. Only the secret value is a span.
const SECRET_T = [
  ['openai', (x) => L`OPENAI_API_KEY=${x}\nWhy does the SDK still say the key is missing?`],
  ['openai', (x) => L`client = OpenAI(api_key="${x}")  # works locally, 401 on Vercel`],
  ['openaiProj', (x) => L`export OPENAI_API_KEY="${x}"`],
  ['openaiProj', (x) => L`Acho que publiquei a minha chave ${x} no GitHub, o que faço?`],
  ['openaiProj', (x) => L`openai.api_key = '${x}'\nAttributeError: module 'openai' has no attribute 'ChatCompletion'`],
  ['openai', (x) => L`J'ai collé ma clé ${x} dans un ticket public, c'est grave ?`],
  ['hf', (x) => L`export HF_TOKEN=${x}`],
  ['hf', (x) => L`Mi token de Hugging Face es ${x} y me da 401 al hacer push.`],
  ['hf', (x) => L`login(token="${x}")  # huggingface_hub`],
  ['hf', (x) => L`huggingface-cli login --token ${x} fails with "Invalid user token"`],
  ['ghp', (x) => L`git remote set-url origin https://${x}@github.com/ana-silva/thesis.git`],
  ['ghp', (x) => L`Ich habe aus Versehen meinen Token ${x} committet. Wie lösche ich ihn aus der History?`],
  ['ghp', (x) => L`GITHUB_TOKEN: ${x}`],
  ['ghpat', (x) => L`gh auth login --with-token <<< "${x}"`],
  ['ghpat', (x) => L`My fine-grained token ${x} can't push to the org repo, why?`],
  ['aws', (x) => L`[default]\naws_access_key_id = ${x}\nregion = eu-west-1`],
  ['aws', (x) => L`AWS sent me an email that key ${x} was exposed. What should I do first?`],
  ['aws', (x) => L`const s3 = new S3Client({ credentials: { accessKeyId: "${x}", secretAccessKey: process.env.SECRET } });`],
  ['slack', (x) => L`SLACK_BOT_TOKEN="${x}"`],
  ['slack', (x) => L`app = App(token="${x}") raises invalid_auth`],
  ['google', (x) => L`https://maps.googleapis.com/maps/api/geocode/json?address=Lisboa&key=${x}`],
  ['google', (x) => L`const firebaseConfig = { apiKey: "${x}", authDomain: "demo-app.firebaseapp.com" };`],
  ['stripe', (x) => L`stripe.api_key = "${x}"`],
  ['stripe', (x) => L`Mein Stripe-Key ${x} steht im Frontend-Code — schlimm?`],
  ['jwt', (x) => L`curl -H "Authorization: Bearer ${x}" https://api.example.com/v1/me`],
  ['jwt', (x) => L`Can you decode this JWT? ${x}`],
  ['jwt', (x) => L`localStorage.setItem('token', '${x}')`],
  ['jwt', (x) => L`Cookie: session=${x}; theme=dark`],
  ['opaque', (x) => L`Authorization: Bearer ${x}`],
  ['opaque', (x) => L`fetch(url, { headers: { Authorization: \`Bearer ${x}\` } })`],
  ['opaque', (x) => L`GET https://api.example.com/v2/items?access_token=${x}&limit=10 returns 403`],
  ['opaque', (x) => L`O webhook é https://hooks.exemplo.com.br/notify?token=abc&access_token=${x}`],
  ['ya29', (x) => L`-H 'Authorization: Bearer ${x}'`],
  ['hex32', (x) => L`https://api.openweathermap.org/data/2.5/weather?q=Berlin&api_key=${x}`],
  ['hex32', (x) => L`GET /v1/forecast?city=Porto&api_key=${x} HTTP/1.1`],
  ['hex32', (x) => L`La URL es https://api.ejemplo.es/datos?formato=json&api_key=${x} ¿por qué falla?`],
  ['password', (x) => L`DATABASE_URL=postgres://app_user:${x}@db.internal.example.com:5432/shop`],
  ['password', (x) => L`git clone https://ana:${x}@git.example.org/team/site.git asks for a password again`],
  ['password', (x) => L`Mein Passwort steht in der URL: https://admin:${x}@nas.local-example.de/ — wie verstecke ich das?`],
  ['password', (x) => L`redis_url = "redis://default:${x}@cache.example.net:6379/0"`],
  ['password', (x) => L`Pourquoi https://marie:${x}@intranet.example.fr/rapport ne marche plus dans Chrome ?`],
  ['password', (x) => L`MONGO_URI=mongodb+srv://dev:${x}@cluster0.example.mongodb.net/test`],
];
const SECRET2_T = [
  [['aws', 'stripe'], (x, y) => L`# .env (please don't judge)\nAWS_ACCESS_KEY_ID=${x}\nSTRIPE_SECRET_KEY=${y}`],
  [['openai', 'hf'], (x, y) => L`keys = {"openai": "${x}", "hf": "${y}"}`],
  [['ghp', 'slack'], (x, y) => L`env:\n  GH_TOKEN: ${x}\n  SLACK_TOKEN: ${y}`],
];

// ---------------------------------------------------------------- street addresses
const STREETS = [
  ['1600 Pennsylvania Avenue NW', 'en'], ['221B Baker Street', 'en'], ['742 Evergreen Terrace', 'en'], ['4 Privet Drive', 'en'],
  ['350 Fifth Avenue', 'en'], ['47 Maple Grove Road', 'en'], ['12 Elm Street', 'en'], ['1428 Elm Street', 'en'],
  ['88 Colin P Kelly Jr Street', 'en'], ['10 Downing Street', 'en'], ['29 Acacia Road', 'en'], ['1313 Mockingbird Lane', 'en'],
  ['Rua Augusta, 274', 'pt'], ['Avenida da Liberdade, 110', 'pt'], ['Rua das Flores, 12', 'pt'], ['Av. Paulista, 1578', 'pt'],
  ['Rua Oscar Freire, 379', 'pt'], ['Travessa do Carmo 5', 'pt'], ['Rua de Santa Catarina, 312', 'pt'], ['Rua do Almada 45', 'pt'],
  ['Hauptstraße 5', 'de'], ['Unter den Linden 77', 'de'], ['Kurfürstendamm 21', 'de'], ['Schillerstraße 14a', 'de'],
  ['Am Markt 3', 'de'], ['Bahnhofstr. 12', 'de'], ['Lindenallee 8', 'de'],
  ['12 rue de Rivoli', 'fr'], ['8 avenue des Tilleuls', 'fr'], ['145 boulevard Saint-Germain', 'fr'], ['3, place de la Bourse', 'fr'],
  ['27 rue du Faubourg Saint-Antoine', 'fr'],
  ['Calle de Alcalá, 42', 'es'], ['Calle Mayor 3', 'es'], ['Carrer de Mallorca, 401', 'es'], ['Avenida de la Constitución 15', 'es'],
  ['Paseo de la Castellana 259', 'es'], ['Calle del Pez 21', 'es'],
];
const STREET_T = {
  en: [
    (x) => L`Ship it to ${x}, please — the buzzer is broken.`,
    (x) => L`My address is ${x}, apartment 3. How do I write that on an envelope to Japan?`,
    (x) => L`Deliver to: ${x} (ring twice 🔔)`,
    (x) => L`I moved to ${x} last week — help me write a change-of-address letter.`,
  ],
  pt: [
    (x) => L`Minha morada é ${x}, 3.º esquerdo — como escrevo isto em inglês?`,
    (x) => L`Entrega em ${x}, apto 52, por favor.`,
    (x) => L`Moro na ${x} 🏠 e o carteiro nunca acha.`,
  ],
  de: [
    (x) => L`Meine Adresse: ${x}, 10115 Berlin.`,
    (x) => L`Bitte an ${x} liefern, Hinterhaus, 2. OG.`,
    (x) => L`Wir sind umgezogen, neu: ${x}. Schreib mir eine Karte dazu.`,
  ],
  fr: [
    (x) => L`J'habite au ${x}, 75001 Paris. Tu peux remplir le formulaire ?`,
    (x) => L`Livraison : ${x}, 2e étage, code 4B17.`,
  ],
  es: [
    (x) => L`Vivo en ${x}, 28014 Madrid. ¿Me ayudas con la carta?`,
    (x) => L`Dirección de envío: ${x} 📦`,
  ],
};
const streetTByLang = Object.fromEntries(Object.entries(STREET_T).map(([k, v]) => [k, cycler(v)]));

// ---------------------------------------------------------------- generate positives
const emailT = cycler(EMAIL_T);
for (let i = 0; i < 82; i++) add('email', emailT()(nextEmail()));
for (const t of EMAIL2_T) add('email', t(nextEmail(), nextEmail()));

const phoneCountries = Object.keys(PHONE);
for (const cc of phoneCountries) {
  const spec = PHONE[cc];
  const perCountry = cc === 'US' || cc === 'GB' ? 13 : 9;
  for (let i = 0; i < perCountry; i++) {
    const style = i % 2 === 0 ? 'intl' : 'nat';
    const x = P('phone', genPhone(cc, style));
    const t = style === 'nat' ? phoneTByLang[spec.lang]() : phoneTAny();
    add('phone', t(x), style === 'nat' ? `phone:${cc}` : undefined);
  }
  if (spec.idd) add('phone', phoneTByLang[spec.lang]()(P('phone', genPhone(cc, 'idd'))), `phone:${cc}; international prefix 00`);
}
{
  const pairs = [['GB', 'GB'], ['DE', 'DE'], ['US', 'US'], ['PT', 'BR'], ['FR', 'ES']];
  pairs.forEach(([a, b], i) => {
    const t = PHONE2_T[i % PHONE2_T.length];
    add('phone', t(P('phone', genPhone(a, 'intl')), P('phone', genPhone(b, 'intl'))));
  });
  // Two national numbers on one line, same country.
  add('phone', PHONE2_T[0](P('phone', genPhone('GB', 'nat')), P('phone', genPhone('GB', 'nat'))), 'phone:GB');
  add('phone', PHONE2_T[1](P('phone', genPhone('US', 'nat')), P('phone', genPhone('US', 'nat'))), 'phone:US');
}

const cardT = cycler(CARD_T);
for (let i = 0; i < 72; i++) {
  const { value, brand } = nextCard();
  add('card', cardT()(value), brand.endsWith('number') ? brand : undefined);
}

const ibanT = cycler(IBAN_T);
for (let i = 0; i < 68; i++) {
  const { value, cc } = nextIban();
  add('iban', ibanT()(value), `iban:${cc}`);
}

const ipT = cycler(IP_T);
const ipPortT = cycler(IP_PORT_T);
const ip6T = cycler(IP6_T);
for (let i = 0; i < 40; i++) add('ip', ipT()(nextV4()));
for (let i = 0; i < 8; i++) add('ip', ipPortT()(nextV4()), 'span excludes the port');
for (let i = 0; i < 8; i++) add('ip', ipT()(P('ip_address', fresh(genPrivateV4))), 'private range: still an IP address');
for (let i = 0; i < 24; i++) {
  const v = nextV6();
  add('ip', (i % 3 === 0 ? ipT() : ip6T())(v), v.value.startsWith('::ffff:') ? 'IPv4-mapped IPv6' : v.value.startsWith('fe80') ? 'link-local IPv6' : undefined);
}
for (const t of IP2_T) add('ip', t(nextV4(), chance(0.5) ? nextV4() : nextV6()));

const macT = cycler(MAC_T);
const macCiscoT = cycler(MAC_CISCO_T);
for (let i = 0; i < 46; i++) {
  const x = nextMac();
  add('mac', (x.value.includes('.') ? macCiscoT() : macT())(x));
}
for (let i = 0; i < 3; i++) {
  const b = Array.from({ length: 6 }, () => str(HEX, 2));
  b[0] = (parseInt(b[0], 16) & 0xfe).toString(16).padStart(2, '0');
  const x = P('mac_address', fresh(() => `${b[0]}${b[1]}.${b[2]}${b[3]}.${b[4]}${b[5]}`));
  add('mac', macCiscoT()(x), 'Cisco dotted form');
}
add('mac', L`? (${P('ip_address', fresh(genPrivateV4))}) at ${nextMac()} on en0 ifscope [ethernet]`, 'arp -a output');

const ssnT = cycler(SSN_T);
for (let i = 0; i < 48; i++) add('ssn', ssnT()(nextSsn()), 'US SSN');

const secretT = cycler(SECRET_T);
for (let i = 0; i < 84; i++) {
  const [k, t] = secretT();
  add('secret', t(nextSecret(k)), k === 'password' ? 'password in URL userinfo: only the password is labelled' : undefined);
}
for (const [[a, b], t] of SECRET2_T) add('secret', t(nextSecret(a), nextSecret(b)));

for (const [street, lang] of STREETS) add('street', streetTByLang[lang]()(P('street_address', street)));

// Mixed lines: signatures, forms, profiles, with several kinds at once.
const MIXED_T = [
  () => L`Ana Silva | ${nextEmail()} | ${P('phone', genPhone('PT', 'intl'))} | ${P('street_address', 'Rua Augusta, 274')}\nMake my signature prettier.`,
  () => L`--\nDr. Lena Schmidt\nTel. ${P('phone', genPhone('DE', 'intl'))}\n${nextEmail()}\n${P('street_address', 'Schillerstraße 14a')}, 69117 Heidelberg`,
  () => L`Fill this form for me: name Carlos García, email ${nextEmail()}, IBAN ${P('iban', groupIban(genIbanCompact('ES')))}, phone ${P('phone', genPhone('ES', 'intl'))}.`,
  () => L`Customer record: {"email":"${nextEmail()}","card":"${P('payment_card', luhnComplete('4' + d(14)))}","ip":"${nextV4()}"}`,
  () => L`Tenant application — SSN ${nextSsn()}, phone ${P('phone', genPhone('US', 'intl'))}, current address ${P('street_address', '1313 Mockingbird Lane')}.`,
  () => L`Bonjour, je suis Marie (${nextEmail()}, ${P('phone', genPhone('FR', 'intl'))}). Mon IBAN est ${P('iban', genIbanCompact('FR'))}.`,
  () => L`Login from new device: IP ${nextV4()}, MAC ${nextMac()}, user ${nextEmail()}`,
  () => L`Olá! Sou o Tiago 👋 ${nextEmail()} · ${P('phone', genPhone('BR', 'intl'))} · chave: ${nextSecret('openaiProj')}`,
  () => L`Meine Daten für die Buchung: ${nextEmail()}, Karte ${P('payment_card', groupCard(luhnComplete('5' + String(between(1, 5)) + d(13)), ' '))}, Telefon ${P('phone', genPhone('DE', 'intl'))}.`,
  () => L`Hola, soy Lucía: ${nextEmail()} / ${P('phone', genPhone('ES', 'intl'))} / ${P('street_address', 'Calle de Alcalá, 42')}, Madrid`,
  () => L`Bug report: user ${nextEmail()} from ${nextV6()} got a 500 with header "Authorization: Bearer ${nextSecret('jwt')}"`,
  () => L`Refund please: card ${P('payment_card', groupCard(luhnComplete('37' + d(12)), ' '))}, email ${nextEmail()}, order placed from ${nextV4()}.`,
];
for (const t of MIXED_T) add('mixed', t());

// ---------------------------------------------------------------- hard negatives
const NEG = [];
const neg = (text, note) => NEG.push({ text, note });
const uuid = () => `${str(HEX, 8)}-${str(HEX, 4)}-4${str(HEX, 3)}-${pick(['8', '9', 'a', 'b'])}${str(HEX, 3)}-${str(HEX, 12)}`;
const ver = () => `${between(0, 30)}.${between(0, 40)}.${between(0, 99)}`;

// versions
const VER_T = [
  (v) => `Upgraded to v${v} and now the build fails with "Cannot find module".`,
  (v) => `node ${v} or 18? Which one should I use for this project?`,
  (v) => `pip install numpy==${v} gives me a wheel error.`,
  (v) => `"react": "^${v}" — what does the caret mean?`,
  (v) => `Release notes for ${v}: fixed memory leak in the parser.`,
  (v) => `Depois de atualizar para a versão ${v} o app fecha sozinho.`,
  (v) => `Seit Version ${v} startet das Plugin nicht mehr.`,
  (v) => `Depuis la ${v} le thème sombre ne marche plus.`,
  (v) => `Tras actualizar a la ${v} no carga nada.`,
];
for (const t of VER_T) for (let i = 0; i < 2; i++) neg(t(ver()), 'hard negative: version number');
[
  'Upgraded the firmware to v2.10.4.1 and the router reboots every hour.',
  'Chrome 120.0.6099.109 keeps crashing on my Mac.',
  'Windows 10.0.19045.3693 — is that 22H2?',
  'OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)',
  'Ubuntu 22.04.4 LTS, kernel 6.5.0-21-generic. Wi-Fi not detected.',
  'Android 14 build UQ1A.240205.004 — is this the March patch?',
  'Python 3.12.2 (main, Feb  6 2024, 20:19:44) [Clang 15.0.0] on darwin',
  'npm i lodash@4.17.21 --save-exact',
  'npm i @types/node@20.11.30 -D',
  'Minecraft 1.20.4 server with Forge 49.0.30, mods won\'t load.',
  'iOS 17.4.1 battery drain, anyone else?',
  'Microsoft Office 16.0.17328.20162 (64-bit) activation error',
  'SNMP OID 1.3.6.1.2.1.1.3.0 returns sysUpTime, how do I read it?',
  'The schema is at version 2024.03.15.2, apply migrations in order.',
  'Bumping version from 0.9.12 to 0.10.0 breaks semver ordering in my script?',
  'Firmware 5.4.3.2 is on the label of my camera, is it the latest?',
].forEach((t) => neg(t, 'hard negative: version number'));

// dates and times
for (let i = 0; i < 24; i++) {
  const y = between(1990, 2030);
  const m = String(between(1, 12)).padStart(2, '0');
  const dd = String(between(1, 28)).padStart(2, '0');
  const hh = String(between(0, 23)).padStart(2, '0');
  const mm = String(between(0, 59)).padStart(2, '0');
  const ss = String(between(0, 59)).padStart(2, '0');
  neg(pick([
    `The meeting moved to ${y}-${m}-${dd} at ${hh}:${mm}.`,
    `Convert ${dd}/${m}/${y} to ISO format please.`,
    `Log: ${y}-${m}-${dd}T${hh}:${mm}:${ss}.${d(3)}Z started worker`,
    `A consulta ficou para ${dd}/${m}/${y} às ${hh}h${mm}.`,
    `Termin am ${dd}.${m}.${y} um ${hh}:${mm} Uhr, passt das?`,
    `Le rendez-vous est le ${dd}/${m}/${y} à ${hh}h${mm}.`,
    `La entrega es el ${dd}-${m}-${y} entre las ${hh}:${mm} y las ${hh}:${ss}.`,
    `How many days between ${y}-${m}-${dd} and ${y + 1}-${m}-${dd}?`,
    `[${y}-${m}-${dd} ${hh}:${mm}:${ss},${d(3)}] INFO  Scheduler - job finished`,
    `Unix time ${between(1000000000, 1999999999)} — what date is that?`,
  ]), 'hard negative: date/time');
}
[
  'The race time was 2:03:45.67, a new record?',
  'Set the cron to 0 30 12 * * ? for 12:30:00 daily.',
  'Duration 01:23:45:12 in SMPTE timecode, convert to frames at 25 fps.',
  'Timestamp 20240315123045 — which format is this?',
  'Between 09:00–17:30 CET, Monday to Friday.',
].forEach((t) => neg(t, 'hard negative: date/time'));

// order / tracking / ISBN / product ids
// Order numbers are 17 digits: keep only those failing Luhn so they are not accidentally card-shaped and valid.
const orderNo = () => {
  for (;;) {
    const o = `${d(3)}-${d(7)}-${d(7)}`;
    if (!luhnOk(o)) return o;
  }
};
for (let i = 0; i < 6; i++) neg(pick([`My order #${orderNo()} never arrived, write a complaint.`, `Bestellnummer ${orderNo()} — wo ist mein Paket?`, `Encomenda n.º ${orderNo()} chegou danificada.`]), 'hard negative: order number');
[
  'UPS tracking 1Z999AA10123456784 says "exception", what does that mean?',
  'FedEx tracking number 123456789012 hasn\'t updated in 5 days.',
  'FedEx 9261 2900 1234 shows delivered but nothing came.',
  'DHL Sendungsnummer JJD000390007787341234 — wo ist das Paket?',
  'Colissimo 6A12345678901 bloqué depuis lundi.',
  'Correos: PQ4F3B0712345670128001A, ¿dónde está?',
  'Invoice INV-2024-000123 is overdue by 30 days, draft a reminder.',
  'Ticket #48213 was closed without a reply.',
  'Case number 00123456 at support, still waiting.',
  'ISBN 978-3-16-148410-0 — can you find the book title?',
  'Cite ISBN 0-306-40615-2 in APA style.',
  'ISBN-13 978-0-13-468599-1, is the check digit right?',
  'The product ID is 1234567890, but the shop says it doesn\'t exist.',
  'product_id: 9876543210 appears twice in my CSV export, how do I dedupe?',
  'SKU 4006381333931 is out of stock again.',
  'ASIN B08N5WRWNW — is this the 2020 model?',
  'Artikelnummer 100234567 im Katalog finde ich nicht.',
  'Réf. produit 3017620422003, c\'est du Nutella ?',
  'EAN 7622210449283 scans as a different product.',
  'Customer ID 4421 and account no. 00012345 in the legacy DB, join them?',
  'Amazon order 112-3456789-1234567 was split into two parcels.',
  'Flight LH1234 on seat 23A, booking ref X7K9QP.',
  'Serial number C02XK0AAJGH5 — which MacBook is this?',
  'VIN 1HGCM82633A004352, what year is the car?',
  'Student number 20231234 at the university portal.',
  'Bug #12345 on GitHub: "Crash on startup".',
  'PR #4567 was merged into main.',
  'Issue 1234567890 in Jira-like numbering? That seems too long.',
].forEach((t) => neg(t, 'hard negative: order/tracking/product id'));

// git SHAs, UUIDs, hashes, base64
for (let i = 0; i < 6; i++) neg(pick([`git revert ${str(HEX, 7)} broke the build`, `commit ${str(HEX, 40)}\nAuthor: bot\n\n    fix typo`, `Cherry-pick ${str(HEX, 12)} onto release/2.3?`, `HEAD is now at ${str(HEX, 7)} Merge pull request #${between(10, 9999)}`]), 'hard negative: git SHA');
for (let i = 0; i < 8; i++) neg(pick([`request_id=${uuid()} failed after 3 retries`, `The user ${uuid()} has no roles assigned.`, `UUID ${uuid()} — is this v4?`, `SELECT * FROM orders WHERE id = '${uuid()}';`, `Trace-Id: ${uuid()}`]), 'hard negative: UUID');
for (let i = 0; i < 6; i++) neg(pick([`sha256sum: ${str(HEX, 64)}  ubuntu.iso — does it match?`, `md5 ${str(HEX, 32)} for the download`, `SHA-1 ${str(HEX, 40)}, is it safe still?`, `Integrity: sha512-${Buffer.from(Array.from({ length: 64 }, () => rint(256))).toString('base64')}`]), 'hard negative: hash digest');
[
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'echo SGVsbG8sIFdvcmxkIQ== | base64 -d',
  'The attachment is "UEsDBBQAAAAIAA==" — is that a zip header?',
  'Decode this for me: T2zDoSwgdHVkbyBiZW0/',
  'font-src data:font/woff2;base64,d09GMgABAAAAAAKcAA0AAAAABqQAAAJIAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
].forEach((t) => neg(t, 'hard negative: base64 that is not a credential'));

// arithmetic and numbers
[
  '123 * 456 = 56088, right?',
  '2^32 = 4294967296, so how many IPv4 addresses are there?',
  "What's 987654321 + 123456789?",
  'The 10,000th prime is 104729.',
  'Population of the world: 8,045,311,447 (2023 estimate).',
  'Compute 1234567 × 7654321 by hand, step by step.',
  '17 + 25 = 42 and 6 × 7 = 42 — coincidence?',
  'π ≈ 3.14159265358979323846, how many digits do I need?',
  'Fibonacci: 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233',
  'Avogadro is 6.02214076×10^23 mol⁻¹',
  'Quanto é 12 345 678 dividido por 9?',
  'Wie viel sind 15 % von 1.234.567?',
  'Combien font 2 147 483 647 + 1 en int32 ?',
  '¿Cuánto es 999 999 999 × 3?',
  '2^64 - 1 = 18446744073709551615',
  'e^10 ≈ 22026.4658, round to 2 decimals',
  'The matrix [[1, 2], [3, 4]] has determinant -2.',
  'Score was 3-1 after extra time, 120+2 minutes.',
  'See pages 123-145 and 201-209 of the report.',
  'My ZIP is 90210 and my PIN code is 560001 (Bengaluru) — is shipping free?',
  'Código postal 1100-048 Lisboa, está certo?',
  'Postleitzahl 10115 gehört zu Berlin-Mitte?',
  'Call 112 in the EU or 911 in the US in an emergency.',
  'Dial *#06# to see the phone\'s IMEI.',
  'Extension 4021 for the front desk.',
  'The year range 1999-2024 covers 26 seasons.',
  'Binary 1010 1100 0011 0101 is 0xAC35.',
  'IP subnet mask 255.255.255.0 means /24, right?',
  'Weight 72,5 kg, height 1,78 m — BMI?',
  'The distance is 384,400 km to the Moon.',
].forEach((t) => neg(t, 'hard negative: arithmetic/numbers'));

// code
[
  'color: #ff00aa; background: #1E90FF;',
  '.btn { margin: 0 auto; padding: 12px 24px; border-radius: 4px; }',
  '@media (max-width: 600px) { .nav { display: none; } }',
  'a::before { content: "→"; }',
  'server.listen(8080, () => console.log("http://localhost:8080"));',
  'Open http://localhost:3000/dashboard after npm run dev.',
  'docker run -p 5432:5432 postgres:16',
  'ssh user@localhost -p 2222 — why "connection refused"?',
  'psql postgres://localhost/mydb works but not from Docker.',
  'std::vector<std::string> names; names.push_back("x");',
  'let v: Vec<u8> = Vec::new(); HashMap::with_capacity(16)',
  'Foo::Bar::Baz.new raises NameError in Ruby',
  'const re = /^\\d{3}-\\d{2}-\\d{4}$/; // SSN format check',
  'regex for IBAN: ^[A-Z]{2}\\d{2}[A-Z0-9]{11,30}$',
  'Email regex: ^[\\w.+-]+@[\\w-]+\\.[\\w.]+$ — too permissive?',
  'phone = re.compile(r"\\+?\\d[\\d\\s().-]{7,}\\d")',
  '@Override public String toString() { return name; }',
  '@app.route("/users/<int:user_id>")',
  'import { Injectable } from "@angular/core";',
  '<img src="logo@2x.png" srcset="logo@3x.png 3x">',
  'for (let i = 0; i < 256; i++) buf[i] = i ^ 0xff;',
  'x = 0xDEADBEEF & 0x00FF00FF',
  'chmod 755 deploy.sh && ./deploy.sh --port 8443',
  'SELECT COUNT(*) FROM users WHERE created_at > \'2024-01-01\';',
  'hf_model = AutoModel.from_pretrained("bert-base-uncased")',
  'from huggingface_hub import hf_hub_download',
  'from sklearn.linear_model import LogisticRegression  # sk-learn style API',
  'const token = process.env.API_TOKEN; fetch(url, { headers: { Authorization: `Bearer ${token}` } })',
  'Authorization: Bearer <YOUR_TOKEN>',
  'curl "https://api.example.com/v1/items?api_key=YOUR_API_KEY"',
  'https://example.com/callback?access_token=&state=xyz',
  'OPENAI_API_KEY=sk-... (put your key here)',
  'api_key = "sk-xxxxxxxxxxxxxxxxxxxxxxxx"  # placeholder',
  'STRIPE_KEY=sk_test_... in .env.example',
  'AWS_ACCESS_KEY_ID=<your-access-key-id>',
  'password = os.environ["DB_PASSWORD"]',
  'DATABASE_URL=postgres://user:${DB_PASSWORD}@db:5432/app',
  'git clone git@github.com:openfeedback/openfeedback.git',
  'The CSS grid-template-areas "a b" "c d" is confusing.',
  'Use the pattern xxx-xx-xxxx for the SSN field mask.',
  'Mask: XXXX XXXX XXXX 1234 on the receipt — is that safe to share?',
  'Card ending in 4242 was charged.',
  'margin: -12px 0 0 -8px; transform: translate(-50%, -50%);',
  'printf("%02x:%02x:%02x\\n", a, b, c);',
  'console.log(`${a}.${b}.${c}.${d}`) prints the address',
  'keyboard shortcut Ctrl+Shift+I opens devtools',
  'ffmpeg -ss 00:01:30 -t 00:00:45 -i in.mp4 out.mp4',
  'Loss at step 1200: 0.0345, lr 3e-4, batch 64.',
].forEach((t) => neg(t, 'hard negative: code'));

// placeholders already scrubbed
[
  'Hi [NAME], your email [EMAIL] has been verified.',
  'Call me at [PHONE] after 5.',
  'My card [PAYMENT_CARD] was declined.',
  'IBAN: [IBAN]',
  'Login from [IP_ADDRESS] blocked.',
  'token=[SECRET]',
  'SSN: [NATIONAL_ID]',
  'Ship to [STREET_ADDRESS], Springfield.',
  'Contact: <REDACTED>',
  'Email: ***@***.***, phone: ***-***-****',
  'O meu número é [TELEFONE] e o email [EMAIL].',
  'Meine Nummer: [PHONE], Adresse: [ADDRESS].',
  'MAC [MAC_ADDRESS] on the guest network.',
  'Bearer [REDACTED]',
].forEach((t) => neg(t, 'hard negative: placeholder already scrubbed'));

// prices and coordinates
[
  'The laptop costs €1.299,00 in Germany and $1,199.99 in the US.',
  'R$ 1.234,56 no cartão em 3x sem juros?',
  'Ça coûte 1 299,00 € TTC.',
  'Cuesta 45,90 € más envío.',
  'Tokyo hotel was ¥12,800 per night.',
  'Salary £45,000–£52,500 per annum.',
  '38.7223° N, 9.1393° W is Lisbon, right?',
  'lat=52.5200, lon=13.4050 — what city is that?',
  'Coordinates -33.8688, 151.2093 for Sydney Opera House.',
  'GPS: 48°51′24″N 2°21′03″E',
  'POINT(-9.139 38.722) in WKT',
].forEach((t) => neg(t, 'hard negative: price/coordinates'));

// Luhn-invalid 16-digit numbers
for (let i = 0; i < 12; i++) {
  let n;
  do n = pick(['4', '5', '3', '6', '1', '9']) + d(15);
  while (luhnOk(n));
  const v = pick([groupCard(n, ' '), groupCard(n, '-'), n]);
  neg(pick([`Reference ${v} on the bank statement, what is it?`, `Is ${v} a valid card number? The shop rejected it.`, `Tracking ID ${v}`, `Número de protocolo ${v}`, `Vorgangsnummer ${v}`, `Numéro de dossier ${v}`]), 'hard negative: 16 digits failing Luhn');
}
// IBAN-like strings with a wrong checksum
for (let i = 0; i < 10; i++) {
  const cc = pick(['DE', 'GB', 'FR', 'ES', 'PT', 'NL', 'IT', 'BE']);
  const good = genIbanCompact(cc);
  let bad;
  do bad = good.slice(0, 2) + String((Number(good.slice(2, 4)) + between(1, 96)) % 97).padStart(2, '0') + good.slice(4);
  while (ibanRemainder(bad) === 1 || !/^[A-Z]{2}\d{2}/.test(bad));
  const v = chance(0.5) ? groupIban(bad) : bad;
  neg(pick([`The bank says ${v} is invalid — I copied it from the example, is the check wrong?`, `Test data for the validator (should fail): ${v}`, `IBAN inválido de exemplo: ${v}`, `Dieses IBAN-Beispiel ${v} hat eine falsche Prüfsumme.`]), 'hard negative: IBAN-shaped, wrong mod-97 checksum');
}
// SSN-like numbers that SSA never issues
for (let i = 0; i < 10; i++) {
  const area = pick(['000', '666', String(between(900, 999))]);
  const g = chance(0.3) ? '00' : String(between(1, 99)).padStart(2, '0');
  const s = chance(0.2) ? '0000' : String(between(1, 9999)).padStart(4, '0');
  neg(pick([`Part number ${area}-${g}-${s} in the manual.`, `Test SSN for QA: ${area}-${g}-${s} (never issued)`, `Is ${area}-${g}-${s} a real SSN format?`, `Lot ${area}-${g}-${s}, expires 2026.`]), 'hard negative: SSN-shaped but not issuable (area 000/666/9xx)');
}
for (const s of ['123-00-4567', '234-56-0000', '345-00-1234']) neg(`Form example value ${s} (group 00 or serial 0000)`, 'hard negative: SSN-shaped but not issuable');

// words that look like secret prefixes, email-ish and IPv6-ish things
[
  'I use sk-learn (well, scikit-learn) for the baseline.',
  'The task-force met on Monday to discuss risk-free options.',
  'Ask-me-anything thread about desk-top setups.',
  'xoxo, see you tomorrow!',
  'The bearer of this letter is authorised to collect the parcel.',
  'Bearer bonds were popular in the 1920s.',
  'Follow me @ana_silva on Instagram!',
  'Tag @team-frontend in the PR please.',
  'Meet me @ the station at 6.',
  'the @ symbol in Excel formulas, what does it do?',
  'Contact us at info at example dot com (no links allowed here).',
  'In C++ you write std::cout << "hi";',
  'IPv6 uses :: to compress zeros, can you explain?',
  'What is the format of an IPv6 address like xxxx:xxxx::xxxx?',
  'MAC addresses look like XX:XX:XX:XX:XX:XX, right?',
  'Ratios 16:9 and 4:3 and 21:9 — which is best for movies?',
  'The score was 12:30:45 in sets? No, that\'s a time.',
  'AIzawa is a character in My Hero Academia.',
  'Ghp is an abbreviation of "good health practices" in our SOP.',
  'akia means "red" in some language? Just curious.',
  'The word "token" appears 42 times in the paper.',
  'My password is too short, what are the rules for a strong one?',
  'Passwort vergessen — wie setze ich es zurück?',
  'J\'ai oublié mon mot de passe Gmail.',
  'Esqueci a minha palavra-passe do banco.',
  'Olvidé mi contraseña, ¿qué hago?',
].forEach((t) => neg(t, 'hard negative: look-alike word or syntax'));

// plain questions about PII topics with no PII in them
[
  'Can you explain how the Luhn algorithm works?',
  'What is the IBAN format for Germany?',
  'How do I anonymise emails in a dataset before sharing it?',
  'Is an IP address personal data under GDPR?',
  'Write a regex that matches UK phone numbers.',
  'What does E.164 mean for phone numbers?',
  'How are US Social Security numbers structured?',
  'Which characters are allowed in the local part of an email?',
  'How do I rotate a leaked GitHub token?',
  'Explain the difference between IPv4 and IPv6.',
  'Was ist eine IBAN und wozu brauche ich sie?',
  'Como funciona o dígito de controlo do NIF?',
  'Comment masquer un numéro de carte dans les logs ?',
  '¿Qué es una dirección MAC?',
  'Summarise this article about data minimisation.',
  'Translate "please find attached the invoice" into German.',
  'Give me 5 ideas for a birthday party for a 7-year-old 🎉',
  'Why is the sky blue? Explain like I am five.',
  'Write a haiku about autumn in Lisbon 🍂',
  'Qual é a capital da Austrália?',
  'Erkläre mir den Unterschied zwischen "seit" und "seid".',
  'Donne-moi une recette de crêpes sans gluten.',
  'Recomiéndame tres libros de ciencia ficción.',
  'How many bytes is a MAC address?',
  'Is it safe to share the last 4 digits of my card?',
].forEach((t) => neg(t, 'easy negative: topic without PII'));

// more generated numeric look-alikes
for (let i = 0; i < 24; i++) {
  neg(pick([
    `Build ${between(1000, 9999)}.${between(100, 999)} failed on CI`,
    `Matrix dims ${between(100, 999)}x${between(100, 999)}x${between(1, 9)}`,
    `Run id ${d(10)} in the experiment tracker`,
    `Order total: ${between(10, 999)}.${d(2)} EUR, ${between(1, 12)} items`,
    `Latency p99 ${between(100, 999)} ms, p50 ${between(10, 99)} ms`,
    `Resolution ${pick(['1920x1080', '2560x1440', '3840x2160'])} at ${pick([60, 120, 144])} Hz`,
    `Epoch ${between(1, 99)}/${between(100, 200)} - loss: 0.${d(4)} - acc: 0.${d(4)}`,
  ]), 'hard negative: numbers in technical context');
}

// ---------------------------------------------------------------- sanity checks on negatives and on unlabelled text
function unlabelledSuspects(text) {
  const out = [];
  for (const m of text.matchAll(/\b\d(?:[ -]?\d){12,18}\b/g)) if (luhnOk(m[0])) out.push(`Luhn-valid digits: ${m[0]}`);
  for (const m of text.matchAll(/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g)) if (ibanRemainder(m[0].replace(/ /g, '')) === 1) out.push(`mod-97 valid: ${m[0]}`);
  for (const m of text.matchAll(/\b\d{3}-\d{2}-\d{4}\b/g)) if (ssnOk(m[0])) out.push(`SSN-valid: ${m[0]}`);
  for (const m of text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b/g)) out.push(`email-like: ${m[0]}`);
  // MAC syntax anywhere (the broadcast ff:ff:ff:ff:ff:ff included: special addresses are left out of the corpus).
  for (const m of text.matchAll(/\b[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}\b|\b[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\b/g)) out.push(`MAC-like: ${m[0]}`);
  return out;
}
let negIdx = 0;
for (const { text, note } of NEG) {
  const bad = unlabelledSuspects(text).filter((s) => !s.startsWith('email-like: logo@') && !s.includes('git@github.com'));
  if (bad.length) throw new Error(`negative "${text}" holds ${bad.join(', ')}`);
  negIdx++;
  add('neg', { text, spans: [] }, note);
}
for (const row of lines) {
  if (row.spans.length === 0) continue;
  let masked = row.text;
  for (const s of row.spans) masked = masked.slice(0, s.start) + ' '.repeat(s.end - s.start) + masked.slice(s.end);
  const bad = unlabelledSuspects(masked);
  // In a line that has PII, any other IP-address syntax must be labelled too.
  for (const m of masked.matchAll(/[0-9A-Fa-f:.]{7,}/g)) if (isIP(m[0].replace(/^[:.]+|[:.]+$/g, '')) || isIP(m[0])) bad.push(`IP-like: ${m[0]}`);
  if (bad.length) throw new Error(`${row.id}: unlabelled ${bad.join(', ')} in "${row.text}"`);
}

// ---------------------------------------------------------------- self-check and write
const KINDS = ['email', 'phone', 'payment_card', 'iban', 'ip_address', 'mac_address', 'national_id', 'secret', 'street_address'];
const counts = Object.fromEntries(KINDS.map((k) => [k, 0]));
for (const row of lines) {
  let prev = 0;
  for (const s of row.spans) {
    if (!KINDS.includes(s.kind)) throw new Error(`${row.id}: kind ${s.kind}`);
    if (s.start < prev || s.end <= s.start || s.end > row.text.length) throw new Error(`${row.id}: offsets`);
    prev = s.end;
    counts[s.kind]++;
    const v = row.text.slice(s.start, s.end);
    if (s.kind === 'ip_address' && !isIP(v)) throw new Error(`${row.id}: not an IP ${v}`);
    if (s.kind === 'payment_card' && !luhnOk(v)) throw new Error(`${row.id}: Luhn ${v}`);
    if (s.kind === 'iban' && ibanRemainder(v.replace(/ /g, '')) !== 1) throw new Error(`${row.id}: IBAN ${v}`);
    if (s.kind === 'phone') {
      const cc = /phone:([A-Z]{2})/.exec(row.note ?? '')?.[1];
      if (!parsePhoneNumberFromString(v, cc)?.isValid()) throw new Error(`${row.id}: phone ${v}`);
    }
  }
}
const positives = Object.values(counts).reduce((a, b) => a + b, 0);
const negatives = lines.filter((r) => r.spans.length === 0).length;
mkdirSync(new URL('.', OUT), { recursive: true });
writeFileSync(OUT, lines.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`wrote ${lines.length} lines: ${positives} positive spans, ${negatives} negative lines`);
console.log(counts);
