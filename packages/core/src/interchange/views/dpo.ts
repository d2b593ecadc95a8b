import type { ExportView } from '../export-view.js';

/** preference pairs (prompt, chosen, rejected) from pairwise votes, corrections, rankings and thumbs of siblings. Not written yet. */
export const dpoView: ExportView = {
  name: 'dpo',
  description: 'preference pairs (prompt, chosen, rejected) from pairwise votes, corrections, rankings and thumbs of siblings',
  columns: () => [],
  rows: () => [],
};
