import {
  valenceOf,
  type Feedback,
  type ImportedConversation,
  type ImportedFeedback,
  type ImportFormat,
  type ImportResult,
  type Message,
} from '@openfeedback/core';
import { contentId, resolveReleaseLicence } from '@openfeedback/core';
import { AppError } from '../errors.js';
import type { SourceRecord } from '../interchange/read-records.js';
import { findCommunity } from '../store/community-repository.js';
import { findContributorsByIds, insertContributor } from '../store/contributor-repository.js';
import { findConversations, insertConversationRows, insertMessages } from '../store/conversation-repository.js';
import { insertFeedback, toFeedbackRow } from '../store/feedback-repository.js';
import { piiColumn, scrub, scrubFeedback, scrubMessage } from './privacy-gate.js';
import { feedbackReleaseLicence } from './release-licences.js';
import type { Db } from '../store/store.js';
import { timestamp, type ServiceContext } from './context.js';
import { requireAdmin, type Principal } from './principal.js';

export interface ImportOptions {
  format: ImportFormat;
  /** Prefix of ids and people (defaults to the format's name). */
  source?: string | undefined;
  /** The dataset's licence (SPDX); defaults to the format's usual licence. */
  licence?: string | undefined;
  /** Community (id or slug) the conversations belong to. */
  community?: string | undefined;
  /** Stop at the first record that cannot be imported. */
  strict?: boolean | undefined;
}

export interface ImportError {
  file: string;
  position: number;
  code: string;
  message: string;
}

export interface ImportReport {
  format: string;
  source: string;
  licence: string;
  records: number;
  conversations: { imported: number; duplicate: number };
  messages: { imported: number; skipped: Record<string, number> };
  feedback: { imported: number };
  /** Records not imported, by reason (invalid_json, invalid_record, invalid_tree, empty_record). */
  rejected: Record<string, number>;
  /** Things worth knowing that did not stop a record (e.g. HH-RLHF pairs whose prompts differ). */
  notes: Record<string, number>;
  /** The first 1,000 problems, by file and position. */
  errors: ImportError[];
  /** Set when --strict stopped the import at a problem. */
  stopped: boolean;
}

const CONVERSATIONS_PER_TRANSACTION = 500;
const ROWS_PER_INSERT = 500;
const MAX_REPORTED_ERRORS = 1000;

/**
 * Imports a dataset: each record becomes conversations, message trees and typed feedback, keeping
 * the source's ids (prefixed with the source's name), its people (as external pseudonymous
 * contributors who cannot sign in), its licence and the provenance of every event. Conversations
 * already in the pool are skipped, so importing a file again adds nothing. Admins only: whoever
 * imports attests the dataset's licence.
 */
export async function importRecords(
  ctx: ServiceContext,
  principal: Principal,
  options: ImportOptions,
  files: AsyncIterable<{ file: string; records: AsyncIterable<SourceRecord> }> | Iterable<{ file: string; records: AsyncIterable<SourceRecord> }>,
): Promise<ImportReport> {
  requireAdmin(principal, 'importing a dataset');
  const source = options.source ?? options.format.name;
  if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(source)) throw new AppError('validation_failed', 'source must be 1–32 lowercase letters, digits, "_" or "-"', 'source');
  const licence = options.licence ?? options.format.defaultLicence;
  if (licence === null || licence === undefined) {
    throw new AppError('validation_failed', `the ${options.format.name} format has no usual licence: name the dataset's licence (e.g. CC-BY-4.0)`, 'licence');
  }
  let communityId: string | null = null;
  if (options.community !== undefined) {
    const community = await findCommunity(ctx.store.db, options.community);
    if (community === undefined) throw new AppError('invalid_reference', 'no such community', 'community');
    communityId = community.id;
  }
  const report: ImportReport = {
    format: options.format.name,
    source,
    licence,
    records: 0,
    conversations: { imported: 0, duplicate: 0 },
    messages: { imported: 0, skipped: {} },
    feedback: { imported: 0 },
    rejected: {},
    notes: {},
    errors: [],
    stopped: false,
  };
  const reader = options.format.createReader({ source });
  const target: Target = { source, licence, communityId, methodology: `import:${options.format.name}` };
  let batch: ImportedConversation[] = [];
  let file = '';
  const take = async (results: ImportResult[]): Promise<boolean> => {
    for (const r of results) {
      if (!r.ok) {
        for (const sk of r.skipped ?? []) report.messages.skipped[sk.reason] = (report.messages.skipped[sk.reason] ?? 0) + sk.messages;
        // A record whose every message was left out on purpose (a synthetic tree) is counted there, not as a problem.
        if (r.code === 'empty_record' && (r.skipped?.length ?? 0) > 0) continue;
        report.rejected[r.code] = (report.rejected[r.code] ?? 0) + 1;
        if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ file, position: r.position, code: r.code, message: r.message });
        if (options.strict === true) return false;
        continue;
      }
      for (const s of r.skipped) report.messages.skipped[s.reason] = (report.messages.skipped[s.reason] ?? 0) + s.messages;
      for (const n of r.notes) report.notes[n] = (report.notes[n] ?? 0) + 1;
      batch.push(r.conversation);
      if (batch.length >= CONVERSATIONS_PER_TRANSACTION) {
        await writeBatch(ctx, target, batch, report);
        batch = [];
      }
    }
    return true;
  };
  outer: for await (const input of files) {
    file = input.file;
    for await (const record of input.records) {
      report.records++;
      const results = 'error' in record ? [{ ok: false as const, position: record.position, code: record.error.code, message: record.error.message }] : reader.read(record.value, record.position);
      if (!(await take(results))) {
        report.stopped = true;
        break outer;
      }
    }
  }
  if (!report.stopped) await take(reader.finish());
  if (batch.length > 0) await writeBatch(ctx, target, batch, report);
  return report;
}

interface Target {
  source: string;
  licence: string;
  communityId: string | null;
  methodology: string;
}

/** External people get ids and handles no sign-up can take (sign-up handles have no ":"). */
function personId(source: string, author: string | null): string {
  return author === null ? `ext:${source}` : `ext:${source}:${contentId(author)}`;
}

async function writeBatch(ctx: ServiceContext, target: Target, conversations: ImportedConversation[], report: ImportReport): Promise<void> {
  const tally = await ctx.store.write(async (trx) => {
    // Already in the pool, or twice in this batch (a dataset that repeats a record): taken once.
    const seen = new Set((await findConversations(trx, conversations.map((c) => c.id))).map((c) => c.id));
    const fresh: ImportedConversation[] = [];
    for (const c of conversations) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      fresh.push(c);
    }
    await ensurePeople(ctx, trx, target.source, fresh);
    const now = timestamp(ctx);
    const rows = fresh.map((c) => toRows(c, target, now));
    await insertConversationRows(
      trx,
      rows.map((r) => r.conversation),
    );
    const messages = rows.flatMap((r) => r.messages);
    for (let i = 0; i < messages.length; i += ROWS_PER_INSERT) await insertMessages(trx, messages.slice(i, i + ROWS_PER_INSERT));
    const feedback = rows.flatMap((r) => r.feedback);
    for (let i = 0; i < feedback.length; i += ROWS_PER_INSERT) await insertFeedback(trx, feedback.slice(i, i + ROWS_PER_INSERT));
    return { conversations: fresh.length, duplicate: conversations.length - fresh.length, messages: messages.length, feedback: feedback.length };
  });
  report.conversations.imported += tally.conversations;
  report.conversations.duplicate += tally.duplicate;
  report.messages.imported += tally.messages;
  report.feedback.imported += tally.feedback;
}

/** Creates the contributors the batch names that are not in the pool yet. */
async function ensurePeople(ctx: ServiceContext, trx: Db, source: string, conversations: ImportedConversation[]): Promise<void> {
  const authors = new Set<string | null>([null]);
  for (const c of conversations) {
    authors.add(c.author);
    for (const m of c.messages) if (m.role === 'user' || m.author !== null) authors.add(m.author);
    for (const f of c.feedback) authors.add(f.author);
  }
  const wanted = new Map([...authors].map((a) => [personId(source, a), a] as const));
  const known = new Set((await findContributorsByIds(trx, [...wanted.keys()])).map((c) => c.id));
  const now = timestamp(ctx);
  for (const [id, author] of wanted) {
    if (known.has(id)) continue;
    await insertContributor(trx, {
      id,
      handle: author === null ? `${source}:people` : `${source}:${id.split(':').at(-1)!.slice(0, 16)}`,
      display_name: null,
      roles: [],
      demographics: {},
      expertise: [],
      trust: 0.5,
      created_at: now,
      password_hash: null,
      source,
    });
  }
}

function toRows(c: ImportedConversation, target: Target, now: string) {
  // Imported text passes the same privacy gate as text typed here; the source's licence is the grant.
  const title = c.title === null ? null : scrub(c.title);
  const releaseLicence = resolveReleaseLicence({ grants: [target.licence], modelTerms: [] });
  const conversation = {
    id: c.id,
    community_id: target.communityId,
    contributor_id: personId(target.source, c.author),
    title: title?.text ?? null,
    language: c.language,
    source: target.source,
    licence: target.licence,
    status: 'active',
    created_at: c.created_at ?? now,
    updated_at: c.created_at ?? now,
    pii_removed: title === null ? null : piiColumn(title.removed),
    release_licence: releaseLicence,
  };
  const byId = new Map(c.messages.map((m) => [m.id, m] as const));
  const messages = c.messages.map((m) => scrubMessage<Message & { source_meta: string | null }>({
    id: m.id,
    conversation_id: c.id,
    parent_id: m.parent_id,
    role: m.role,
    content: m.content,
    model_id: null,
    model_version_id: null,
    model_name: m.model_name,
    // People wrote the user turns, and in some datasets (OpenAssistant) the answers too.
    contributor_id: m.role === 'user' || m.author !== null ? personId(target.source, m.author) : null,
    language: m.language ?? c.language,
    status: 'active',
    created_at: m.created_at ?? conversation.created_at,
    source_meta: m.source_meta === null ? null : JSON.stringify(m.source_meta),
  }));
  const feedbackLicence = feedbackReleaseLicence(target.licence, releaseLicence);
  const feedback = c.feedback.map((f) => {
    const { event, pii_removed } = scrubFeedback(toFeedback(f, c, byId, target, conversation.created_at));
    return toFeedbackRow(event, null, { pii_removed, release_licence: feedbackLicence });
  });
  return { conversation, messages, feedback };
}

function toFeedback(f: ImportedFeedback, c: ImportedConversation, byId: Map<string, ImportedConversation['messages'][number]>, target: Target, at: string): Feedback {
  const targetId = 'message_id' in f ? f.message_id : null;
  const message = targetId === null ? undefined : byId.get(targetId);
  const common = {
    id: f.id,
    contributor_id: personId(target.source, f.author),
    conversation_id: c.id,
    annotator_role: f.annotator_role,
    provenance: { type: 'human' as const },
    methodology_version: target.methodology,
    licence: target.licence,
    status: 'active' as const,
    model_id: null,
    community_id: target.communityId,
    language: message?.language ?? c.language,
    created_at: f.created_at ?? at,
    updated_at: f.created_at ?? at,
  };
  const { author: _a, annotator_role: _r, created_at: _c, id: _i, ...fields } = f;
  // A dataset's labels (OpenAssistant's "toxicity", "humor", …) say nothing of their direction: no valence.
  const valence = f.kind === 'ranking' || (f.kind === 'rating' && f.question_id !== null) ? null : valenceOf(f as Parameters<typeof valenceOf>[0]);
  return Object.assign(common, fields, { valence }) as unknown as Feedback;
}
