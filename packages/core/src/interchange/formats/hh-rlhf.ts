import { invalidRecord } from '../import-helpers.js';
import type { ImportFormat } from '../imported.js';

/** Anthropic HH-RLHF pairs ({chosen, rejected} transcripts). Not written yet. */
export const hhRlhfFormat: ImportFormat = {
  name: 'hh-rlhf',
  description: 'Anthropic HH-RLHF pairs ({chosen, rejected} transcripts)',
  defaultLicence: 'MIT',
  createReader: () => ({
    read: (_record, position) => [invalidRecord(position, 'the hh-rlhf importer is not written yet')],
    finish: () => [],
  }),
};
