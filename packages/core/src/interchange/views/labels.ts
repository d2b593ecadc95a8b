import type { ColumnSpec, ExportBundle } from '../export-view.js';

/**
 * The aggregated-label columns of the `conversations` and `feedback` views: the trust-weighted
 * consensus on an answer (`of` says which answer), its confidence and how many people judged it.
 */
export function labelColumns(of: string): ColumnSpec[] {
  return [
    {
      name: 'label',
      type: 'string',
      nullable: true,
      description: `up or down: the consensus of every rater's latest thumbs or overall rating on ${of}, each weighted by the rater's trust (new accounts count little, restricted ones nothing); null when nobody judged it, on a tie, or when the export carries no labels`,
    },
    { name: 'label_confidence', type: 'double', nullable: true, description: "0 … 1: the label's weighted share with one pseudo-vote per side (few or untrusted raters: low); null without a label" },
    { name: 'label_raters', type: 'int', nullable: true, description: 'how many people judged the answer (0: nobody); null when the export carries no labels (only pool readers\u2019 exports and releases do)' },
  ];
}

/** The label columns' values for an answer (null: the row is about no answer). */
export function labelValues(bundle: ExportBundle, messageId: string | null): { label: string | null; label_confidence: number | null; label_raters: number | null } {
  if (bundle.labels === undefined || messageId === null) return { label: null, label_confidence: null, label_raters: null };
  const l = bundle.labels.get(messageId);
  return { label: l?.label ?? null, label_confidence: l === undefined || l.label === null ? null : l.confidence, label_raters: l?.raters ?? 0 };
}
