import type { ReleaseSummary } from './release-summary.js';

/**
 * The openness card: the five axes of open human feedback — methodology, access, model
 * participation, human participation, timeline — each graded from criteria a reader can check
 * against the release itself, with the evidence for each.
 */
export const OPENNESS_AXES = ['methodology', 'access', 'model_participation', 'human_participation', 'timeline'] as const;
export type OpennessAxis = (typeof OPENNESS_AXES)[number];

export interface OpennessCriterion {
  criterion: string;
  met: boolean;
  evidence: string;
}

export interface OpennessGrade {
  axis: OpennessAxis;
  /** open: every criterion met; partial: at least half; limited: fewer. */
  grade: 'open' | 'partial' | 'limited';
  score: number;
  criteria: OpennessCriterion[];
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const pct = (a: number, b: number) => (b === 0 ? '0 %' : `${((100 * a) / b).toFixed(1)} %`);
const list = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k} (${v.toLocaleString('en')})`)
    .join(', ') || 'none';

function grade(axis: OpennessAxis, criteria: OpennessCriterion[]): OpennessGrade {
  const met = criteria.filter((c) => c.met).length;
  const score = criteria.length === 0 ? 0 : met / criteria.length;
  return { axis, grade: score === 1 ? 'open' : score >= 0.5 ? 'partial' : 'limited', score: Math.round(score * 100) / 100, criteria };
}

export function gradeOpenness(s: ReleaseSummary): OpennessGrade[] {
  const feedback = s.records.feedback;
  const documented = sum(s.methodology_versions);
  const modelsWithTerms = s.models.filter((m) => m.output_licences.length > 0).length;
  const versions = s.models.flatMap((m) => m.versions);
  const trainedOnReleases = versions.filter((v) => v.trained_on.length > 0).length;
  const thirdParty = s.annotator_roles.third_party ?? 0;
  return [
    grade('methodology', [
      { criterion: 'Every feedback event names the methodology it was given under', met: documented === feedback, evidence: `methodology versions: ${list(s.methodology_versions)}` },
      {
        criterion: 'The questions asked are published with the data',
        met: s.communities.every((c) => c.rubric.length > 0) && s.communities.length > 0,
        evidence: `${s.communities.length} communities; rubric questions: ${s.communities.map((c) => `${c.slug}: ${c.rubric.length}`).join(', ') || 'none'}`,
      },
      { criterion: 'The consent terms the data was given under are named', met: s.terms_version !== '', evidence: `consent terms version ${s.terms_version}` },
      { criterion: 'How records were made is recorded (human, human-aided, model-extracted)', met: sum(s.provenance) === feedback, evidence: `provenance: ${list(s.provenance)}` },
    ]),
    grade('access', [
      { criterion: 'Every record carries an open licence resolved from its author and its models', met: sum(s.licences) === s.records.conversations + s.records.feedback, evidence: `licences: ${list(s.licences)}; kept out as unresolved: ${s.excluded.unresolved_licence.conversations} conversations, ${s.excluded.unresolved_licence.feedback} feedback events` },
      { criterion: 'Open file formats a trainer loads directly', met: true, evidence: 'Parquet and JSON Lines of every view; Hugging Face dataset layout with configs' },
      { criterion: 'Every file is checksummed', met: true, evidence: 'manifest.json lists the sha256 of every file' },
      { criterion: 'Personal data is removed and re-checked at release', met: true, evidence: `re-scan removed: ${list(s.rescrubbed)}; a final scan of every released text found none` },
    ]),
    grade('model_participation', [
      { criterion: 'Assistant turns name the model that wrote them', met: s.assistant_messages.with_model === s.assistant_messages.total, evidence: `${pct(s.assistant_messages.with_model, s.assistant_messages.total)} of ${s.assistant_messages.total.toLocaleString('en')} assistant turns` },
      { criterion: "Models declare the licences their outputs may be released under", met: s.models.length > 0 && modelsWithTerms === s.models.length, evidence: `${modelsWithTerms} of ${s.models.length} registered models declare output licences` },
      { criterion: 'Models trained on the pool register the releases they used', met: trainedOnReleases > 0, evidence: `${trainedOnReleases} of ${versions.length} model versions name the releases they were trained on` },
    ]),
    grade('human_participation', [
      { criterion: 'Contributors took part by informed consent, with a licence of their choice', met: s.contributors > 0, evidence: `${s.contributors.toLocaleString('en')} contributors (per-release pseudonyms); ${s.credited_names.length} asked to be credited by name` },
      { criterion: 'People other than the chatter rate the pool (third-party feedback)', met: thirdParty > 0, evidence: `annotator roles: ${list(s.annotator_roles)}` },
      { criterion: 'Feedback comes in many forms, not only a single vote', met: Object.keys(s.feedback_kinds).length >= 3, evidence: `kinds: ${list(s.feedback_kinds)}` },
      { criterion: 'More than one language or community is represented', met: Object.keys(s.languages).length > 1 || s.communities.length > 1, evidence: `languages: ${list(s.languages)}` },
    ]),
    grade('timeline', [
      { criterion: 'Records are dated', met: s.first_record_at !== null, evidence: `from ${s.first_record_at ?? '—'} to ${s.last_record_at ?? '—'}` },
      { criterion: 'Releases are versioned and list their predecessors', met: true, evidence: `version ${s.version}${s.previous.length > 0 ? `; earlier: ${s.previous.map((p) => `${p.version} (${p.created_at.slice(0, 10)})`).join(', ')}` : '; the first release'}` },
      { criterion: 'Additions and removals since the last release are published', met: true, evidence: `added ${s.additions.conversations} conversations, ${s.additions.feedback} feedback events; removals: ${list(s.removals)}` },
      { criterion: 'The pool is released more than once', met: s.previous.length > 0, evidence: `${s.previous.length + 1} releases so far` },
    ]),
  ];
}

const AXIS_TITLES: Record<OpennessAxis, string> = {
  methodology: 'Methodology',
  access: 'Access',
  model_participation: 'Model participation',
  human_participation: 'Human participation',
  timeline: 'Timeline',
};

export function opennessCardMarkdown(s: ReleaseSummary, grades: OpennessGrade[]): string {
  const lines = [
    `# Openness card — OpenFeedback pool ${s.version}`,
    '',
    'How open this release of human feedback is, on the five axes of open human feedback. Each axis is graded from the criteria below',
    '(open: all met; partial: at least half; limited: fewer), with the evidence from the release itself.',
    '',
    '| Axis | Grade | Criteria met |',
    '| --- | --- | --- |',
    ...grades.map((g) => `| ${AXIS_TITLES[g.axis]} | ${g.grade} | ${g.criteria.filter((c) => c.met).length} of ${g.criteria.length} |`),
    '',
  ];
  for (const g of grades) {
    lines.push(`## ${AXIS_TITLES[g.axis]}: ${g.grade}`, '');
    for (const c of g.criteria) lines.push(`- ${c.met ? '✔' : '✘'} ${c.criterion}. *Evidence:* ${c.evidence}.`);
    lines.push('');
  }
  return lines.join('\n');
}
