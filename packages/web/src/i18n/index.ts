import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { pt } from './pt';

/** The languages the app ships, each complete (test/i18n.test.ts compares their keys). */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'pt', name: 'Português' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const KEY = 'openfeedback.language';

function initialLanguage(): LanguageCode {
  try {
    const stored = localStorage.getItem(KEY);
    if (LANGUAGES.some((l) => l.code === stored)) return stored as LanguageCode;
  } catch {
    // no storage: use the browser's languages
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((l) => l.code === base);
    if (found !== undefined) return found.code;
  }
  return 'en';
}

export function setupI18n(lng: LanguageCode = initialLanguage()) {
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, pt: { translation: pt } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
  });
  document.documentElement.lang = lng;
  return i18next;
}

export async function setLanguage(lng: LanguageCode): Promise<void> {
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(KEY, lng);
  } catch {
    // the choice lasts for this page only
  }
}
