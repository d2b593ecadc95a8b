import { invalidRecord } from '../import-helpers.js';
import type { ImportFormat } from '../imported.js';

/** Chatbot Arena battles (model_a, model_b, winner, conversation_a, conversation_b, judge, …). Not written yet. */
export const arenaFormat: ImportFormat = {
  name: 'arena',
  description: 'Chatbot Arena battles (model_a, model_b, winner, conversation_a, conversation_b, judge, …)',
  defaultLicence: null,
  createReader: () => ({
    read: (_record, position) => [invalidRecord(position, 'the arena importer is not written yet')],
    finish: () => [],
  }),
};
