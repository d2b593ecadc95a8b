import type { ColumnSpec, ExportView, ViewOptions } from '../export-view.js';
import { PAIR_TRACE_COLUMNS, pairTrace, preferencePairs } from './preference-pairs.js';
import { threadValue, turnsColumn, turnsOf } from './prompt-forms.js';

function columns({ form }: ViewOptions): ColumnSpec[] {
  return [
    turnsColumn('chosen', form, 'the whole thread ending in the preferred answer (implicit prompt)'),
    turnsColumn('rejected', form, 'the same thread ending in the other answer'),
    { name: 'margin', type: 'double', nullable: false, description: 'how strongly chosen is preferred, 0 < margin ≤ 1 (RewardTrainer subtracts it inside the loss)' },
    ...PAIR_TRACE_COLUMNS,
  ];
}

/**
 * The `dpo` view's pairs for `RewardTrainer`: with an implicit prompt (each side the whole thread,
 * which every TRL version reads; TRL recommends it for reward modelling) and a `margin`, the Llama 2
 * way of telling a decisive preference from a slight one.
 */
export const rewardView: ExportView = {
  name: 'reward',
  description: 'preference pairs with a margin, for reward models',
  columns,
  rows: (bundle, { form }) =>
    preferencePairs(bundle).map((pair) => {
      const prompt = turnsOf(pair.prompt);
      return {
        chosen: threadValue(prompt, pair.chosen.content, form),
        rejected: threadValue(prompt, pair.rejected.content, form),
        margin: pair.margin,
        ...pairTrace(pair, bundle.conversation),
      };
    }),
};
