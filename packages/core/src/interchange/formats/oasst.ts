import { invalidRecord } from '../import-helpers.js';
import type { ImportFormat } from '../imported.js';

/** OpenAssistant exports. Not written yet. */
export const oasstFormat: ImportFormat = {
  name: 'oasst',
  description: 'OpenAssistant exports',
  defaultLicence: ' native message trees (one tree per line, nested or as a `prompt` tree) and Hugging Face oasst1/oasst2 rows (one message per row):Apache-2.0',
  createReader: () => ({
    read: (_record, position) => [invalidRecord(position, 'the oasst importer is not written yet')],
    finish: () => [],
  }),
};
