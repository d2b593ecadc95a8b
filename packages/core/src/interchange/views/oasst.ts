import type { ExportView } from '../export-view.js';

/** message trees in the OpenAssistant export layout. Not written yet. */
export const oasstView: ExportView = {
  name: 'oasst',
  description: 'message trees in the OpenAssistant export layout',
  columns: () => [],
  rows: () => [],
};
