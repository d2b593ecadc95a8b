import type { ColumnSpec, ExportView, ViewOptions } from '../export-view.js';
import { JUDGED_TRACE_COLUMNS, judgedTexts, judgedTrace } from './judged-texts.js';
import { answerValue, promptValue, threadValue, turnsColumn, turnsOf } from './prompt-forms.js';

function columns({ form }: ViewOptions): ColumnSpec[] {
  const trl =
    form === 'conversational'
      ? [turnsColumn('messages', form, 'the thread from its first turn through the answer (TRL conversational language modelling)')]
      : [
          turnsColumn('prompt', form, 'the turns before the answer, as an HH-RLHF transcript ending in "\\n\\nAssistant:"'),
          turnsColumn('completion', form, 'the answer, after a space'),
        ];
  return [...trl, ...JUDGED_TRACE_COLUMNS];
}

/**
 * Demonstrations for `SFTTrainer`: each answer its feedback judges good (mean valence > 0), and each
 * correction's text in place of the answer it corrects, one row each.
 */
export const sftView: ExportView = {
  name: 'sft',
  description: 'positively rated or corrected assistant turns, as TRL SFT `messages`',
  columns,
  rows: (bundle, { form }) =>
    judgedTexts(bundle)
      .filter((t) => t.valence === null || t.valence > 0)
      .map((t) => {
        const prompt = turnsOf(t.prompt);
        const trl = form === 'conversational' ? { messages: threadValue(prompt, t.content, form) } : { prompt: promptValue(prompt, form), completion: answerValue(t.content, form) };
        return { ...trl, ...judgedTrace(t, bundle) };
      }),
};
