import { invalidRecord } from '../import-helpers.js';
import type { ImportFormat } from '../imported.js';

/** TRL / LLaMA-Factory KTO rows (prompt/completion/label, or messages + label). Not written yet. */
export const ktoFormat: ImportFormat = {
  name: 'kto',
  description: 'TRL / LLaMA-Factory KTO rows (prompt/completion/label, or messages + label)',
  defaultLicence: null,
  createReader: () => ({
    read: (_record, position) => [invalidRecord(position, 'the kto importer is not written yet')],
    finish: () => [],
  }),
};
