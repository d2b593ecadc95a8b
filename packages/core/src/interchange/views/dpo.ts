import type { ColumnSpec, ExportView, ViewOptions } from '../export-view.js';
import { PAIR_TRACE_COLUMNS, pairTrace, preferencePairs } from './preference-pairs.js';
import { answerValue, promptValue, turnsColumn, turnsOf } from './prompt-forms.js';

function columns({ form }: ViewOptions): ColumnSpec[] {
  return [
    turnsColumn('prompt', form, 'the turns both answers reply to (standard: as an HH-RLHF transcript ending in "\\n\\nAssistant:")'),
    turnsColumn('chosen', form, 'the preferred answer (standard: its text after a space)'),
    turnsColumn('rejected', form, 'the other answer'),
    ...PAIR_TRACE_COLUMNS,
  ];
}

/**
 * TRL preference rows with an explicit prompt (what `DPOTrainer` recommends): one per preference the
 * feedback states, from pairwise votes, corrections, rankings, and thumbs and ratings of siblings.
 */
export const dpoView: ExportView = {
  name: 'dpo',
  description: 'preference pairs (prompt, chosen, rejected) from pairwise votes, corrections, rankings, and thumbs and ratings of siblings',
  columns,
  rows: (bundle, { form }) =>
    preferencePairs(bundle).map((pair) => ({
      prompt: promptValue(turnsOf(pair.prompt), form),
      chosen: answerValue(pair.chosen.content, form),
      rejected: answerValue(pair.rejected.content, form),
      ...pairTrace(pair, bundle.conversation),
    })),
};
