import { invalidRecord } from '../import-helpers.js';
import type { ImportFormat } from '../imported.js';

/** TRL / LLaMA-Factory preference rows (prompt/chosen/rejected, as strings or conversations). Not written yet. */
export const preferenceFormat: ImportFormat = {
  name: 'preference',
  description: 'TRL / LLaMA-Factory preference rows (prompt/chosen/rejected, as strings or conversations)',
  defaultLicence: null,
  createReader: () => ({
    read: (_record, position) => [invalidRecord(position, 'the preference importer is not written yet')],
    finish: () => [],
  }),
};
