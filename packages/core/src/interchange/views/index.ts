import type { ExportView } from '../export-view.js';
import { conversationsView } from './conversations.js';
import { feedbackView } from './feedback.js';

/** Every view `openfeedback export` and `GET /v1/exports/{view}` write, by name. */
export const EXPORT_VIEWS: readonly ExportView[] = [conversationsView, feedbackView];

export function exportView(name: string): ExportView | undefined {
  return EXPORT_VIEWS.find((v) => v.name === name);
}
