import type { ExportView } from '../export-view.js';

/** unpaired judgements (prompt, completion, label). Not written yet. */
export const ktoView: ExportView = {
  name: 'kto',
  description: 'unpaired judgements (prompt, completion, label)',
  columns: () => [],
  rows: () => [],
};
