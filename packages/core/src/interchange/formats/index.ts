import type { ImportFormat } from '../imported.js';
import { shareGptFormat } from './sharegpt.js';

/** Every format `openfeedback import` and `POST /v1/imports/{format}` read, by name. */
export const IMPORT_FORMATS: readonly ImportFormat[] = [shareGptFormat];

export function importFormat(name: string): ImportFormat | undefined {
  return IMPORT_FORMATS.find((f) => f.name === name);
}
