import type { ImportFormat } from '../imported.js';
import { arenaFormat } from './arena.js';
import { hhRlhfFormat } from './hh-rlhf.js';
import { ktoFormat } from './kto.js';
import { oasstFormat } from './oasst.js';
import { preferenceFormat } from './preference.js';
import { shareGptFormat } from './sharegpt.js';
import { shareLmFormat } from './sharelm.js';

/** Every format `openfeedback import` and `POST /v1/imports/{format}` read, by name. */
export const IMPORT_FORMATS: readonly ImportFormat[] = [oasstFormat, shareGptFormat, hhRlhfFormat, preferenceFormat, ktoFormat, shareLmFormat, arenaFormat];

export function importFormat(name: string): ImportFormat | undefined {
  return IMPORT_FORMATS.find((f) => f.name === name);
}
