import type { ExportView } from '../export-view.js';
import { battlesView } from './battles.js';
import { conversationsView } from './conversations.js';
import { dpoView } from './dpo.js';
import { feedbackView } from './feedback.js';
import { ktoView } from './kto.js';
import { oasstView } from './oasst.js';
import { rewardView } from './reward.js';
import { sftView } from './sft.js';

/** Every view `openfeedback export` and `GET /v1/exports/{view}` write, by name. */
export const EXPORT_VIEWS: readonly ExportView[] = [conversationsView, feedbackView, sftView, dpoView, ktoView, rewardView, battlesView, oasstView];

export function exportView(name: string): ExportView | undefined {
  return EXPORT_VIEWS.find((v) => v.name === name);
}
