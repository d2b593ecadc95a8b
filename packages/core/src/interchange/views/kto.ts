import type { ColumnSpec, ExportView, ViewOptions } from '../export-view.js';
import { JUDGED_TRACE_COLUMNS, judgedTexts, judgedTrace } from './judged-texts.js';
import { answerValue, promptValue, turnsColumn, turnsOf } from './prompt-forms.js';

function columns({ form }: ViewOptions): ColumnSpec[] {
  return [
    turnsColumn('prompt', form, 'the turns before the answer (standard: as an HH-RLHF transcript ending in "\\n\\nAssistant:")'),
    turnsColumn('completion', form, 'the answer (standard: its text after a space)'),
    { name: 'label', type: 'boolean', nullable: false, description: 'true: desirable (mean valence > 0, or a correction); false: undesirable (mean valence < 0)' },
    ...JUDGED_TRACE_COLUMNS,
  ];
}

/**
 * TRL unpaired preference rows for `KTOTrainer`: each answer whose judgements do not cancel out,
 * labelled by the sign of their mean valence, and each correction's text, labelled desirable.
 */
export const ktoView: ExportView = {
  name: 'kto',
  description: 'unpaired judgements (prompt, completion, label)',
  columns,
  rows: (bundle, { form }) =>
    judgedTexts(bundle).map((t) => ({
      prompt: promptValue(turnsOf(t.prompt), form),
      completion: answerValue(t.content, form),
      label: t.valence === null || t.valence > 0,
      ...judgedTrace(t, bundle),
    })),
};
