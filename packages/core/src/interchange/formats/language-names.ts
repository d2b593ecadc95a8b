/*
 * English language names as Chatbot Arena and LMSYS datasets write them (FastChat's
 * `detect_language` answers polyglot's `Detector(text).language.name`, an ICU display name such as
 * "English" or "Chinese", or "unknown"), and the BCP-47 tags the pool keeps.
 */
const TAGS: Readonly<Record<string, string>> = {
  Afrikaans: 'af', Albanian: 'sq', Amharic: 'am', Arabic: 'ar', Armenian: 'hy', Assamese: 'as',
  Azerbaijani: 'az', Basque: 'eu', Belarusian: 'be', Bengali: 'bn', Bangla: 'bn', Bosnian: 'bs',
  Breton: 'br', Bulgarian: 'bg', Burmese: 'my', Catalan: 'ca', Cebuano: 'ceb', Chinese: 'zh',
  'Chinese (Simplified)': 'zh-Hans', 'Chinese (Traditional)': 'zh-Hant', Corsican: 'co', Croatian: 'hr',
  Czech: 'cs', Danish: 'da', Dutch: 'nl', English: 'en', Esperanto: 'eo', Estonian: 'et',
  Faroese: 'fo', Filipino: 'fil', Finnish: 'fi', French: 'fr', Frisian: 'fy', 'Western Frisian': 'fy',
  Galician: 'gl', Georgian: 'ka', German: 'de', Greek: 'el', Guarani: 'gn', Gujarati: 'gu',
  'Haitian Creole': 'ht', Hausa: 'ha', Hawaiian: 'haw', Hebrew: 'he', Hindi: 'hi', Hmong: 'hmn',
  Hungarian: 'hu', Icelandic: 'is', Igbo: 'ig', Indonesian: 'id', Interlingua: 'ia', Interlingue: 'ie',
  Irish: 'ga', Italian: 'it', Japanese: 'ja', Javanese: 'jv', Kannada: 'kn', Kazakh: 'kk', Khmer: 'km',
  Kinyarwanda: 'rw', Korean: 'ko', Kurdish: 'ku', Kyrgyz: 'ky', Lao: 'lo', Latin: 'la', Latvian: 'lv',
  Lithuanian: 'lt', Luxembourgish: 'lb', Macedonian: 'mk', Malagasy: 'mg', Malay: 'ms', Malayalam: 'ml',
  Maltese: 'mt', Maori: 'mi', Marathi: 'mr', Mongolian: 'mn', Nepali: 'ne', Norwegian: 'no',
  'Norwegian Bokmål': 'nb', 'Norwegian Nynorsk': 'nn', Nyanja: 'ny', Occitan: 'oc', Odia: 'or', Oriya: 'or',
  Pashto: 'ps', Persian: 'fa', Polish: 'pl', Portuguese: 'pt', Punjabi: 'pa', Quechua: 'qu',
  Romanian: 'ro', Romansh: 'rm', Russian: 'ru', Samoan: 'sm', 'Scottish Gaelic': 'gd', Scots: 'sco',
  Serbian: 'sr', Shona: 'sn', Sindhi: 'sd', Sinhala: 'si', Slovak: 'sk', Slovenian: 'sl', Somali: 'so',
  Sotho: 'st', 'Southern Sotho': 'st', Spanish: 'es', Sundanese: 'su', Swahili: 'sw', Swedish: 'sv',
  Tagalog: 'tl', Tajik: 'tg', Tamil: 'ta', Tatar: 'tt', Telugu: 'te', Thai: 'th', Tibetan: 'bo',
  Tigrinya: 'ti', Tongan: 'to', Turkish: 'tr', Turkmen: 'tk', Ukrainian: 'uk', Urdu: 'ur', Uyghur: 'ug',
  Uzbek: 'uz', Vietnamese: 'vi', Volapük: 'vo', Welsh: 'cy', Xhosa: 'xh', Yiddish: 'yi', Yoruba: 'yo',
  Zulu: 'zu',
};

const BY_LOWER = new Map(Object.entries(TAGS).map(([name, tag]) => [name.toLowerCase(), tag] as const));
/** The first name listed for each tag is the one written back. */
const NAMES = new Map<string, string>();
for (const [name, tag] of Object.entries(TAGS)) if (!NAMES.has(tag)) NAMES.set(tag, name);

const TAG = /^[a-z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/**
 * The BCP-47 tag of a language name ("English" → "en"); a value that already is a lowercase tag
 * ("pt-BR") stays; anything else ("unknown", "Klingon") is null.
 * @example languageTagOf('Chinese') // 'zh'
 */
export function languageTagOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const byName = BY_LOWER.get(value.trim().toLowerCase());
  if (byName !== undefined) return byName;
  return TAG.test(value) ? value : null;
}

/**
 * The English name FastChat would write for a tag ("pt-BR" → "Portuguese"), or null when the table
 * has none.
 * @example languageNameOf('en') // 'English'
 */
export function languageNameOf(tag: string | null): string | null {
  if (tag === null) return null;
  return NAMES.get(tag) ?? NAMES.get(tag.split('-')[0]!.toLowerCase()) ?? null;
}
