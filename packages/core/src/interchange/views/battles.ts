import type { ExportView } from '../export-view.js';

/** model-vs-model battles in FastChat / Chatbot Arena columns. Not written yet. */
export const battlesView: ExportView = {
  name: 'battles',
  description: 'model-vs-model battles in FastChat / Chatbot Arena columns',
  columns: () => [],
  rows: () => [],
};
