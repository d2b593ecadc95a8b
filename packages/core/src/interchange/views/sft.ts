import type { ExportView } from '../export-view.js';

/** positively rated or corrected assistant turns, as TRL SFT `messages`. Not written yet. */
export const sftView: ExportView = {
  name: 'sft',
  description: 'positively rated or corrected assistant turns, as TRL SFT `messages`',
  columns: () => [],
  rows: () => [],
};
