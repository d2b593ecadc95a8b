import { Command, Option } from 'commander';
import { AgreementQuery, type AgreementFigure, type AgreementReport } from '@openfeedback/core';
import { communityAgreement, OPERATOR } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';
import { withComputingNote } from './computing-note.js';
import { withContext } from './open-context.js';
import { queryFrom } from './query-options.js';
import { alignColumns, figureText } from './table-format.js';

export function agreementCommand(): Command {
  return withDatabaseOptions(
    new Command('agreement').description("Print how much raters agree: Krippendorff's alpha, Fleiss' and Cohen's kappa per rubric question, overall ratings, thumbs and pairwise votes"),
  )
    .addOption(new Option('--community <slug>', 'one community (slug or id); default: every community'))
    .addOption(new Option('--language <tag>', 'only judgements of answers in this language'))
    .option('--json', "print JSON (the API's AgreementReport)")
    .action(async (options: { community?: string; language?: string; json?: boolean; db?: string; config?: string }) => {
      const { community, language, json, ...rest } = options;
      const query = queryFrom(AgreementQuery, { community, language });
      const report = await withContext(configFrom(rest), (ctx) => withComputingNote('agreement', () => communityAgreement(ctx, OPERATOR, query)));
      process.stdout.write(json === true ? `${JSON.stringify(report, null, 2)}\n` : formatAgreement(report));
    });
}

/** What a figure is about, in a few words: `rubric helpful (lb) 1..5`, `overall rating 0..10`, `thumbs`. */
function subjectOf(f: AgreementFigure): string {
  const scale = f.scale_min === null || f.scale_min === undefined ? '' : ` ${f.scale_min}..${f.scale_max}`;
  if (f.subject === 'rubric') return `rubric ${f.question_id}${f.community ? ` (${f.community})` : ''}${scale}`;
  if (f.subject === 'overall_rating') return `overall rating${scale}`;
  return f.subject;
}

/** One line per figure: alpha at the figure's level, the kappas, and how many items, raters and ratings they rest on. */
export function formatAgreement(r: AgreementReport): string {
  const scope = [r.community === null ? 'every community' : `${r.community.name} (${r.community.slug})`, r.language === null ? null : `language ${r.language}`].filter((s) => s !== null);
  const rows = [
    ['figure', 'level', 'alpha', 'fleiss', 'cohen', 'linear', 'quadratic', 'items', 'raters', 'ratings'],
    ...r.figures.map((f) => [
      subjectOf(f),
      f.level,
      figureText(f.krippendorff[f.level]),
      figureText(f.fleiss?.kappa),
      figureText(f.cohen?.kappa),
      figureText(f.cohen?.linear),
      figureText(f.cohen?.quadratic),
      String(f.items),
      String(f.raters),
      String(f.ratings),
    ]),
  ];
  return `${[`Agreement in ${scope.join(', ')} (items judged by two or more people)`, '', ...alignColumns(rows, new Set([2, 3, 4, 5, 6, 7, 8, 9]))].join('\n')}\n`;
}
