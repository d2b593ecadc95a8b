import { invalidRecord } from '../import-helpers.js';
import type { ImportFormat } from '../imported.js';

/** ShareLM release rows (conversation, model_name, user_id, conversation_metadata.rate). Not written yet. */
export const shareLmFormat: ImportFormat = {
  name: 'sharelm',
  description: 'ShareLM release rows (conversation, model_name, user_id, conversation_metadata.rate)',
  defaultLicence: null,
  createReader: () => ({
    read: (_record, position) => [invalidRecord(position, 'the sharelm importer is not written yet')],
    finish: () => [],
  }),
};
