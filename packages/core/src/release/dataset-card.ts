import { KNOWN_LICENCES } from '../licence-resolution.js';
import { sizeCategory, type ReleaseSummary } from './release-summary.js';

/** One data file of a release: which view, in which format, at which path. */
export interface ReleaseDataFile {
  view: string;
  format: 'parquet' | 'jsonl';
  path: string;
}

/** Hugging Face spells licences in lower case (`cc-by-4.0`); a mix of licences is `other`, explained in the card. */
function hubLicence(licences: string[]): string {
  return licences.length === 1 ? licences[0]!.toLowerCase() : 'other';
}

/** Primary language subtags (`pt-BR` → `pt`), as the Hub's language list wants them. */
function hubLanguages(languages: Record<string, number>): string[] {
  return [...new Set(Object.keys(languages).map((l) => l.split('-')[0]!.toLowerCase()).filter((l) => /^[a-z]{2,3}$/.test(l)))].sort();
}

const q = (s: string) => JSON.stringify(s); // a JSON string is a valid double-quoted YAML scalar
const DESCRIPTIONS: Record<string, string> = {
  conversations: 'every conversation thread as OpenAI-style `messages`',
  feedback: 'every feedback event, flat (thumbs, ratings, pairwise votes, rankings, corrections, critiques, flags, regenerations, natural feedback)',
  sft: 'positively rated or corrected assistant turns, for supervised fine-tuning',
  dpo: '`prompt` / `chosen` / `rejected` preference pairs (TRL DPOTrainer)',
  kto: '`prompt` / `completion` / `label` (TRL KTOTrainer)',
  battles: 'pairwise votes as Chatbot Arena battles (FastChat columns)',
};

/**
 * The release's README.md: a Hugging Face dataset card (YAML header with licence, configs pointing
 * at the Parquet files, languages, task categories and size category), then how the data was
 * collected, the methodology and consent terms, the licences breakdown, known limitations, citation.
 */
export function datasetCard(s: ReleaseSummary, files: readonly ReleaseDataFile[]): string {
  const licences = Object.keys(s.licences).sort();
  const languages = hubLanguages(s.languages);
  const total = s.records.conversations + s.records.feedback;
  const parquet = files.filter((f) => f.format === 'parquet');
  const yaml = [
    '---',
    `license: ${hubLicence(licences)}`,
    ...(licences.length > 1 ? [`license_name: ${q('mixed open licences')}`, `license_details: ${q(`Each record carries its own licence (column licence): ${licences.join(', ')}. See "Licences" below.`)}`] : []),
    `pretty_name: ${q(`OpenFeedback pool ${s.version}`)}`,
    ...(languages.length > 0 ? ['language:', ...languages.map((l) => `- ${l}`)] : []),
    'task_categories:',
    '- text-generation',
    '- reinforcement-learning',
    'tags:',
    '- human-feedback',
    '- rlhf',
    '- preference',
    '- dpo',
    '- kto',
    'size_categories:',
    `- ${sizeCategory(total)}`,
    'configs:',
    ...parquet.flatMap((f, i) => [`- config_name: ${f.view}`, ...(i === 0 ? ['  default: true'] : []), '  data_files:', '  - split: train', `    path: ${q(f.path)}`]),
    '---',
  ];
  const rows = (r: Record<string, number>) =>
    Object.entries(r)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, v]) => `| ${k} | ${v.toLocaleString('en')} |`);
  const body = [
    '',
    `# OpenFeedback pool ${s.version}`,
    '',
    `Human feedback on language models from the OpenFeedback open pool: ${s.records.conversations.toLocaleString('en')} conversations (${s.records.messages.toLocaleString('en')} messages) and ${s.records.feedback.toLocaleString('en')} feedback events from ${s.contributors.toLocaleString('en')} contributors, recorded up to ${s.cutoff}. Released ${s.created_at.slice(0, 10)}.`,
    '',
    '## Files',
    '',
    '| Config | Rows | Parquet | JSON Lines | What it holds |',
    '| --- | --- | --- | --- | --- |',
    ...[...new Set(files.map((f) => f.view))].map((v) => `| ${v} | ${(s.views[v] ?? 0).toLocaleString('en')} | ${files.find((f) => f.view === v && f.format === 'parquet')?.path ?? ''} | ${files.find((f) => f.view === v && f.format === 'jsonl')?.path ?? ''} | ${DESCRIPTIONS[v] ?? ''} |`),
    '',
    '```python',
    'from datasets import load_dataset',
    `dpo = load_dataset("path/or/hub-id", "dpo", split="train")  # columns: prompt, chosen, rejected (conversational)`,
    '```',
    '',
    '`manifest.json` lists every file with its size and sha256; `removals.jsonl` lists the public ids of records removed since the previous release (withdrawn, deleted or taken down): mirrors of earlier releases should delete them. `OPENNESS.md` grades how open this release is.',
    '',
    '## How the data was collected',
    '',
    'People chat with the models of their community (any OpenAI-compatible endpoint, or the built-in pool model) or rate conversations already in the pool, and give feedback in the form that costs them least. Nothing is recorded before they accept the consent terms, confirm they are 18 or older and choose the licence of their contributions. Personal data (e-mail addresses, phone numbers, payment cards, IBANs, IP and MAC addresses, national identifiers, API keys and tokens, street addresses) is replaced by typed placeholders such as `[EMAIL]` before anything is stored, and again when the release is built; a final scan fails the release if any detector still fires.',
    '',
    `Sources: ${Object.entries(s.sources).map(([k, v]) => `${k} (${v.toLocaleString('en')} conversations)`).join(', ') || 'none'}.`,
    '',
    '### Methodology',
    '',
    `Methodology versions: ${Object.entries(s.methodology_versions).map(([k, v]) => `\`${k}\` (${v.toLocaleString('en')} events)`).join(', ') || 'none'}. Feedback kinds: ${Object.entries(s.feedback_kinds).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ') || 'none'}. Annotator roles: ${Object.entries(s.annotator_roles).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ') || 'none'}.`,
    '',
    ...s.communities.flatMap((c) => [`- **${c.name}** (\`${c.slug}\`, ${c.languages.join(', ') || 'any language'}): ${c.rubric.length === 0 ? 'no rubric' : c.rubric.map((r) => `\`${r.id}\` “${r.text}”`).join('; ')}`]),
    '',
    '### Consent',
    '',
    `Every contributor accepted the consent terms (version \`${s.terms_version}\`): their contributions are published in the open pool under the licence they chose; they can withdraw at any time, after which nothing of theirs enters a later release (copies in earlier releases cannot be recalled). Contributor ids are replaced by pseudonyms that are stable within this release and unlinkable across releases.`,
    ...(s.credited_names.length > 0 ? ['', `Contributors who asked to be credited by name: ${s.credited_names.join(', ')}.`] : []),
    '',
    '## Licences',
    '',
    'Each record carries the licence it may be released under (column `licence`), resolved from the licence its author granted (or its source dataset\'s) and the licences the models that wrote in it allow for their outputs: the most permissive licence both allow.',
    '',
    '| Licence | Records |',
    '| --- | --- |',
    ...rows(s.licences),
    '',
    `Kept out because no licence could be resolved: ${s.excluded.unresolved_licence.conversations.toLocaleString('en')} conversations and ${s.excluded.unresolved_licence.feedback.toLocaleString('en')} feedback events.`,
    ...licences.filter((l) => KNOWN_LICENCES[l]?.nonCommercial === true).map((l) => `\n**${l} is non-commercial:** records under it may not be used commercially.`),
    '',
    '## Models',
    '',
    ...(s.models.length === 0 ? ['No registered models answered in this release (imported sources name theirs in the `models` columns).'] : s.models.map((m) => `- \`${m.slug}\` (${m.name}): outputs releasable under ${m.output_licences.join(', ') || 'nothing declared'}${m.versions.length > 0 ? `; versions ${m.versions.map((v) => `${v.version}${v.trained_on.length > 0 ? ` (trained on ${v.trained_on.join(', ')})` : ''}`).join(', ')}` : ''}`)),
    '',
    '## Changes since the previous release',
    '',
    s.previous.length === 0 ? 'This is the first release.' : `Previous: ${s.previous[0]!.version}. Added ${s.additions.conversations.toLocaleString('en')} conversations, ${s.additions.messages.toLocaleString('en')} messages, ${s.additions.feedback.toLocaleString('en')} feedback events. Removed (see removals.jsonl): ${Object.entries(s.removals).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ') || 'none'}.`,
    '',
    '## Known limitations',
    '',
    '- Personal-data scrubbing is pattern-based: names, and addresses in forms it does not know, can remain. Report anything you find (a takedown, by public id) and it leaves the next release.',
    '- Contributors are self-selected members of their communities; their preferences are not a sample of any population.',
    '- Imported sources keep their own collection methods and licences (see `source`).',
    '- Feedback from one person is not adjudicated; agreement between raters varies by question. The `conversations` and `feedback` configs carry each answer\'s aggregated label (`label`: up or down, `label_confidence`: 0 … 1, `label_raters`): the consensus of every rater\'s latest thumbs or overall rating, each weighted by the rater\'s trust when the release was built (from known-answer items and agreement with others; new accounts count little, restricted ones nothing). Trust scores themselves are not released; filter on `label_confidence` rather than trusting a single vote.',
    `- Languages: ${Object.entries(s.languages).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ') || 'not recorded'}.`,
    '',
    '## Citation',
    '',
    '```bibtex',
    `@misc{openfeedback_pool_${s.version.replace(/[^A-Za-z0-9]/g, '_')},`,
    `  title  = {OpenFeedback pool ${s.version}: open human feedback on language models},`,
    '  author = {{OpenFeedback contributors}},',
    `  year   = {${s.created_at.slice(0, 4)}},`,
    '  note   = {Released under the licences listed per record},',
    '}',
    '```',
    '',
  ];
  return `${yaml.join('\n')}\n${body.join('\n')}`;
}
