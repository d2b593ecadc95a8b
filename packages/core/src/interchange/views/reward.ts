import type { ExportView } from '../export-view.js';

/** preference pairs with a margin, for reward models. Not written yet. */
export const rewardView: ExportView = {
  name: 'reward',
  description: 'preference pairs with a margin, for reward models',
  columns: () => [],
  rows: () => [],
};
