import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import {
  datasetCard,
  exportView,
  gradeOpenness,
  opennessCardMarkdown,
  orderTree,
  type ColumnSpec,
  type ExportBundle,
  type ExportMessage,
  type ExportView,
  type Feedback,
  type ReleaseDataFile,
  type ReleaseSummary,
} from '@openfeedback/core';
import { findPii, mergeCounts, scrubText, type PiiCounts } from '@openfeedback/core/privacy';
import { writeParquet } from '../interchange/write-parquet.js';
import { toConversation, toMessage } from '../store/conversation-repository.js';
import { toFeedback } from '../store/feedback-repository.js';
import { releasableConversations, releasableFeedback, releasableMessages } from '../store/release-repository.js';
import type { ConversationTable, MessageTable, TombstoneTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { groupBy } from '../util/group-by.js';
import { publicId, releasePseudonym } from '../services/public-ids.js';
import { labelsFrom, raterWeights } from '../services/answer-labels.js';
import { RowChannel } from './row-channel.js';

/** The views a release holds, in file order; each is written as Parquet and JSON Lines. */
export const RELEASE_VIEWS = ['conversations', 'feedback', 'sft', 'dpo', 'kto', 'battles'] as const;

/** Columns that hold free text (scanned for personal data before release); ids, names and codes are not. */
const TEXT_COLUMNS = new Set(['prompt', 'chosen', 'rejected', 'completion', 'text', 'note', 'title']);
const CONVERSATIONS_PER_PAGE = 500;

export interface ReleaseFileEntry {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ReleaseManifest {
  format: 'openfeedback-release';
  format_version: 1;
  version: string;
  created_at: string;
  cutoff: string;
  previous_version: string | null;
  records: ReleaseSummary['records'];
  views: Record<string, number>;
  excluded: ReleaseSummary['excluded'];
  rescrubbed: Record<string, number>;
  licences: Record<string, number>;
  removals: Record<string, number>;
  files: ReleaseFileEntry[];
}

/** What the builder needs besides the database: the release's identity and the pool's metadata. */
export interface ReleasePlan {
  version: string;
  created_at: string;
  cutoff: string;
  /** Keys: the pool's (public ids, stable across releases) and this release's (pseudonyms). */
  poolSecret: string;
  releaseSecret: string;
  previous: { version: string; created_at: string; cutoff: string }[];
  termsVersion: string;
  models: { id: string; slug: string; name: string; output_licences: string[]; versions: { id: string; version: string; trained_on: string[] }[] }[];
  communities: { id: string; slug: string; name: string; languages: string[]; rubric: { id: string; text: string }[] }[];
  unresolved: { conversations: number; feedback: number };
  credited: { contributor_id: string; name: string }[];
  /** Tombstones laid since the previous release's cutoff: the removals file. */
  removals: TombstoneTable[];
}

export interface BuildProgress {
  conversations: number;
  feedback: number;
}

export class ReleaseCheckFailed extends Error {}

/**
 * Builds a release into `outDir` (which must not exist): reads the snapshot a page of conversations
 * at a time, replaces every id by its public id and every contributor by this release's pseudonym,
 * scrubs every text again, writes each view as Parquet and JSON Lines in one pass, scans every
 * released text once more (the build fails if any detector still fires), then writes the cards,
 * the removals file and the manifest with the sha256 of every file. Nothing in it depends on the
 * clock: the same plan over the same database gives the same bytes.
 */
export async function buildRelease(db: Db, plan: ReleasePlan, outDir: string, onProgress?: (p: BuildProgress) => void): Promise<ReleaseManifest> {
  const partial = `${outDir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(join(partial, 'data'), { recursive: true });
  await mkdir(join(partial, 'jsonl'), { recursive: true });
  try {
    const summary = await writeViews(db, plan, partial, onProgress);
    const files: ReleaseDataFile[] = RELEASE_VIEWS.flatMap((view) => [
      { view, format: 'parquet' as const, path: `data/${view}.parquet` },
      { view, format: 'jsonl' as const, path: `jsonl/${view}.jsonl` },
    ]);
    const removalsText = plan.removals.map((t) => `${JSON.stringify({ public_id: t.public_id, record_kind: t.record_kind })}\n`).join('');
    await writeFile(join(partial, 'removals.jsonl'), removalsText);
    await writeFile(join(partial, 'README.md'), datasetCard(summary, files));
    const grades = gradeOpenness(summary);
    await writeFile(join(partial, 'OPENNESS.md'), opennessCardMarkdown(summary, grades));
    await writeFile(join(partial, 'openness.json'), `${JSON.stringify({ version: plan.version, axes: grades }, null, 2)}\n`);

    const paths = [...files.map((f) => f.path), 'removals.jsonl', 'README.md', 'OPENNESS.md', 'openness.json'];
    const entries: ReleaseFileEntry[] = [];
    for (const path of paths) entries.push({ path, bytes: (await stat(join(partial, path))).size, sha256: await sha256File(join(partial, path)) });
    const manifest: ReleaseManifest = {
      format: 'openfeedback-release',
      format_version: 1,
      version: plan.version,
      created_at: plan.created_at,
      cutoff: plan.cutoff,
      previous_version: plan.previous[0]?.version ?? null,
      records: summary.records,
      views: summary.views,
      excluded: summary.excluded,
      rescrubbed: summary.rescrubbed,
      licences: summary.licences,
      removals: summary.removals,
      files: entries,
    };
    await writeFile(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(dirname(outDir), { recursive: true });
    await rename(partial, outDir);
    return manifest;
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface ViewOutput {
  view: ExportView;
  columns: ColumnSpec[];
  jsonl: WriteStream;
  jsonlBuffer: string;
  parquet: RowChannel<Record<string, unknown>>;
  parquetDone: Promise<void>;
  parquetOut: WriteStream;
  rows: number;
}

async function writeViews(db: Db, plan: ReleasePlan, dir: string, onProgress?: (p: BuildProgress) => void): Promise<ReleaseSummary> {
  const outputs: ViewOutput[] = RELEASE_VIEWS.map((name) => {
    const view = exportView(name)!;
    const columns = view.columns({ form: 'conversational' });
    const parquet = new RowChannel<Record<string, unknown>>(2_500);
    const parquetOut = createWriteStream(join(dir, 'data', `${name}.parquet`));
    return { view, columns, jsonl: createWriteStream(join(dir, 'jsonl', `${name}.jsonl`)), jsonlBuffer: '', parquet, parquetOut, parquetDone: writeParquet(parquet, columns, parquetOut), rows: 0 };
  });
  const failures: unknown[] = [];
  for (const o of outputs) o.parquetDone = o.parquetDone.catch((e: unknown) => void failures.push(e));

  const summary = emptySummary(plan);
  const keys = new ReleaseKeys(plan);
  const contributors = new Set<string>();
  const previousCutoff = plan.previous[0]?.cutoff ?? null;
  let after: ConversationTable | undefined;
  const progress: BuildProgress = { conversations: 0, feedback: 0 };
  try {
    for (;;) {
      const page = await releasableConversations(db, plan.cutoff, after, CONVERSATIONS_PER_PAGE);
      if (page.length === 0) break;
      after = page.at(-1);
      const ids = page.map((c) => c.id);
      const [messages, feedback] = await Promise.all([releasableMessages(db, ids, plan.cutoff), releasableFeedback(db, ids, plan.cutoff)]);
      const messagesBy = groupBy(messages, (m) => m.conversation_id);
      const feedbackBy = groupBy(feedback, (f) => f.conversation_id);
      const weights = await raterWeights(db, feedback.map((f) => f.contributor_id));
      const clean = new Set<string>(); // texts of this page already scanned
      for (const c of page) {
        const rows = feedbackBy.get(c.id) ?? [];
        for (const f of rows) contributors.add(f.contributor_id);
        const events = rows.map(toFeedback);
        // Labelled before the events take their public ids: over the released events, by the raters' trust as the build reads it.
        const labels = labelsFrom(events, weights);
        const bundle = publicBundle(c, messagesBy.get(c.id) ?? [], events, keys, summary);
        bundle.labels = new Map([...labels].map(([id, label]) => [keys.message(id), label] as const));
        count(summary, c, bundle, contributors, previousCutoff);
        for (const o of outputs) {
          for (const row of o.view.rows(bundle, { form: 'conversational' })) {
            scanRow(o, row, clean);
            o.jsonlBuffer += `${JSON.stringify(row)}\n`;
            if (o.jsonlBuffer.length > 1 << 16) await flush(o);
            o.rows++;
            await o.parquet.push(row);
          }
        }
        if (failures.length > 0) throw failures[0];
      }
      progress.conversations += page.length;
      progress.feedback += feedback.length;
      onProgress?.({ ...progress });
    }
  } catch (e) {
    for (const o of outputs) o.parquet.fail(e);
    await Promise.all(outputs.map((o) => o.parquetDone));
    for (const o of outputs) o.jsonl.destroy();
    for (const o of outputs) o.parquetOut.destroy();
    throw e;
  }
  for (const o of outputs) {
    await flush(o);
    o.jsonl.end();
    o.parquet.close();
  }
  await Promise.all(outputs.map((o) => o.parquetDone));
  if (failures.length > 0) throw failures[0];
  for (const o of outputs) {
    o.parquetOut.end();
    await Promise.all([finished(o.jsonl), finished(o.parquetOut)]);
    summary.views[o.view.name] = o.rows;
  }
  summary.contributors = contributors.size;
  summary.credited_names = plan.credited.filter((c) => contributors.has(c.contributor_id)).map((c) => c.name).sort();
  return summary;
}

async function flush(o: ViewOutput): Promise<void> {
  if (o.jsonlBuffer === '') return;
  const ok = o.jsonl.write(o.jsonlBuffer);
  o.jsonlBuffer = '';
  if (!ok) await once(o.jsonl, 'drain');
}

/** The final scan: every free text of the row, as it will be written. */
function scanRow(o: ViewOutput, row: Record<string, unknown>, clean: Set<string>): void {
  for (const c of o.columns) {
    const value = row[c.name];
    if (c.type === 'messages' && Array.isArray(value)) for (const turn of value as { content: string }[]) scanText(o, c.name, turn.content, clean);
    else if (c.type === 'string' && TEXT_COLUMNS.has(c.name) && typeof value === 'string') scanText(o, c.name, value, clean);
  }
}

function scanText(o: ViewOutput, column: string, text: string, clean: Set<string>): void {
  if (clean.has(text)) return;
  const found = findPii(text);
  if (found.length > 0) {
    throw new ReleaseCheckFailed(`a personal-data detector still fires on released text (${found.map((f) => f.kind).join(', ')}) in ${o.view.name}.${column}, row ${o.rows + 1}: the release was not made`);
  }
  clean.add(text);
}

/** Ids to public ids, contributors to pseudonyms, model and community ids to their slugs. */
class ReleaseKeys {
  private readonly pseudonyms = new Map<string, string>();
  readonly modelSlugs: Map<string, string>;
  readonly versionNames: Map<string, string>;
  readonly communitySlugs: Map<string, string>;

  constructor(private readonly plan: ReleasePlan) {
    this.modelSlugs = new Map(plan.models.map((m) => [m.id, m.slug] as const));
    this.versionNames = new Map(plan.models.flatMap((m) => m.versions.map((v) => [v.id, `${m.slug}@${v.version}`] as const)));
    this.communitySlugs = new Map(plan.communities.map((c) => [c.id, c.slug] as const));
  }

  pseudonym(contributorId: string): string {
    let p = this.pseudonyms.get(contributorId);
    if (p === undefined) this.pseudonyms.set(contributorId, (p = releasePseudonym(this.plan.releaseSecret, contributorId)));
    return p;
  }

  conversation(id: string): string {
    return publicId(this.plan.poolSecret, 'conversation', id);
  }

  message(id: string): string {
    return publicId(this.plan.poolSecret, 'message', id);
  }

  feedback(id: string): string {
    return publicId(this.plan.poolSecret, 'feedback', id);
  }
}

function rescrub(text: string, summary: ReleaseSummary): string {
  const s = scrubText(text);
  if (s.spans.length > 0) summary.rescrubbed = mergeCounts(summary.rescrubbed as PiiCounts, s.removed) as Record<string, number>;
  return s.text;
}

/** The bundle as the release shows it: nothing internal left, every text scrubbed again. */
function publicBundle(c: ConversationTable, messages: MessageTable[], feedback: Feedback[], keys: ReleaseKeys, summary: ReleaseSummary): ExportBundle {
  const messageIds = new Map(messages.map((m) => [m.id, keys.message(m.id)] as const));
  const mid = (id: string) => messageIds.get(id) ?? keys.message(id);
  const conversationId = keys.conversation(c.id);
  const conversation = {
    ...toConversation(c),
    id: conversationId,
    contributor_id: keys.pseudonym(c.contributor_id),
    community_id: c.community_id === null ? null : (keys.communitySlugs.get(c.community_id) ?? null),
    title: c.title === null ? null : rescrub(c.title, summary),
    licence: c.release_licence,
  };
  const released: ExportMessage[] = messages.map((m) => {
    const { pii_removed: _p, ...message } = toMessage(m);
    return {
      ...message,
      id: mid(m.id),
      conversation_id: conversationId,
      parent_id: m.parent_id === null ? null : mid(m.parent_id),
      contributor_id: m.contributor_id === null ? null : keys.pseudonym(m.contributor_id),
      model_id: m.model_id === null ? null : (keys.modelSlugs.get(m.model_id) ?? null),
      model_version_id: m.model_version_id === null ? null : (keys.versionNames.get(m.model_version_id) ?? null),
      content: rescrub(m.content, summary),
      // Source-specific metadata (an imported dataset's own ids and judges) stays in the pool.
      source_meta: null,
    };
  });
  const ordered = orderTree(released);
  const events = feedback.map((f) => publicFeedback(f, conversationId, conversation.community_id, mid, keys, summary));
  return { conversation, messages: ordered.ok ? ordered.ordered : released, feedback: events };
}

function publicFeedback(f: Feedback, conversationId: string, communitySlug: string | null, mid: (id: string) => string, keys: ReleaseKeys, summary: ReleaseSummary): Feedback {
  // Assigned in place on the event read for this build alone (no copy, no delete: a million events).
  const e = f as Record<string, unknown>;
  e.id = keys.feedback(f.id);
  e.contributor_id = keys.pseudonym(f.contributor_id);
  e.conversation_id = conversationId;
  e.community_id = communitySlug;
  e.model_id = f.model_id === null ? null : (keys.modelSlugs.get(f.model_id) ?? null);
  e.licence = f.release_licence ?? null;
  e.release_licence = undefined;
  e.pii_removed = undefined;
  if (typeof e.message_id === 'string') e.message_id = mid(e.message_id);
  if (typeof e.other_message_id === 'string') e.other_message_id = mid(e.other_message_id);
  if (typeof e.source_message_id === 'string') e.source_message_id = mid(e.source_message_id);
  if (Array.isArray(e.ranking)) e.ranking = (e.ranking as string[]).map(mid);
  if (typeof e.text === 'string') e.text = rescrub(e.text, summary);
  if (typeof e.note === 'string') e.note = rescrub(e.note, summary);
  return f;
}

function emptySummary(plan: ReleasePlan): ReleaseSummary {
  return {
    version: plan.version,
    created_at: plan.created_at,
    cutoff: plan.cutoff,
    previous: plan.previous.map(({ version, created_at }) => ({ version, created_at })),
    terms_version: plan.termsVersion,
    records: { conversations: 0, messages: 0, feedback: 0 },
    views: {},
    excluded: { unresolved_licence: plan.unresolved },
    rescrubbed: {},
    licences: {},
    languages: {},
    feedback_kinds: {},
    annotator_roles: {},
    provenance: {},
    methodology_versions: {},
    sources: {},
    contributors: 0,
    credited_names: [],
    assistant_messages: { total: 0, with_model: 0 },
    models: plan.models.map(({ slug, name, output_licences, versions }) => ({ slug, name, output_licences, versions: versions.map(({ version, trained_on }) => ({ version, trained_on })) })),
    communities: plan.communities.map(({ slug, name, languages, rubric }) => ({ slug, name, languages, rubric })),
    first_record_at: null,
    last_record_at: null,
    additions: { conversations: 0, messages: 0, feedback: 0 },
    removals: plan.removals.reduce<Record<string, number>>((r, t) => ((r[t.reason] = (r[t.reason] ?? 0) + 1), r), {}),
  };
}

const bump = (r: Record<string, number>, key: string, by = 1) => void (r[key] = (r[key] ?? 0) + by);

function count(s: ReleaseSummary, c: ConversationTable, bundle: ExportBundle, contributors: Set<string>, previousCutoff: string | null): void {
  const isNew = (at: string) => previousCutoff === null || at > previousCutoff;
  s.records.conversations++;
  s.records.messages += bundle.messages.length;
  s.records.feedback += bundle.feedback.length;
  bump(s.licences, c.release_licence!);
  bump(s.sources, c.source);
  if (c.language !== null) bump(s.languages, c.language);
  contributors.add(c.contributor_id);
  if (isNew(c.created_at)) s.additions.conversations++;
  for (const m of bundle.messages) {
    if (isNew(m.created_at)) s.additions.messages++;
    if (m.role !== 'assistant') continue;
    s.assistant_messages.total++;
    if (m.model_id !== null || m.model_name !== null) s.assistant_messages.with_model++;
  }
  for (const f of bundle.feedback) {
    bump(s.licences, f.licence ?? 'unresolved');
    bump(s.feedback_kinds, f.kind);
    bump(s.annotator_roles, f.annotator_role);
    bump(s.provenance, f.provenance.type);
    bump(s.methodology_versions, f.methodology_version);
    if (isNew(f.created_at)) s.additions.feedback++;
  }
  for (const at of [c.created_at, ...bundle.feedback.map((f) => f.created_at)]) {
    if (s.first_record_at === null || at < s.first_record_at) s.first_record_at = at;
    if (s.last_record_at === null || at > s.last_record_at) s.last_record_at = at;
  }
}
