import 'i18next';
import type { en } from './en';

// Typed keys: t('chat.send') is checked against the English resources, and pt must have the same shape.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
    returnNull: false;
  }
}
