import { z } from 'zod';
import { ConversationInput, FeedbackInput, referencedMessageIds, type RubricQuestion } from '@openfeedback/core';
import { AppError } from '../errors.js';
import { findCommunitiesByIds, toCommunity } from '../store/community-repository.js';
import { findConversation, findConversations, findMessages } from '../store/conversation-repository.js';
import { feedbackOwners, insertFeedback, toFeedbackRow } from '../store/feedback-repository.js';
import { scrubFeedback } from './privacy-gate.js';
import { feedbackReleaseLicence } from './release-licences.js';
import { isUniqueViolation } from '../store/database-errors.js';
import type { FeedbackTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { requireActiveConsent } from './consent.js';
import { timestamp, type ServiceContext } from './context.js';
import { insertNewConversation, NATIVE_SOURCE } from './conversations.js';
import { buildFeedback } from './feedback-rules.js';
import { dailyCapReached, remainingDailyFeedback } from './daily-cap.js';
import { raiseFlag } from './moderation-queue.js';
import { requireScope, type Principal } from './principal.js';
import { fieldOfIssue, pathToNul } from './validation.js';
import { readableConversationIds } from './visibility.js';

/** The kinds of line a bulk NDJSON body holds, told apart by `type`; the rest of a line is a ConversationInput or a FeedbackInput. */
const LINE_SCHEMAS = { conversation: ConversationInput, feedback: FeedbackInput } as const;

export interface IngestError {
  line: number;
  code: string;
  message: string;
  field?: string;
}

export interface IngestReport {
  lines: number;
  conversations: number;
  messages: number;
  feedback: number;
  /** Lines whose id is already in the pool under this contributor: re-sending a file adds nothing. */
  duplicates: number;
  rejected: number;
  /** The first errors, by line number (1-based); `rejected` counts them all. */
  errors: IngestError[];
}

// Lines per transaction. Each commit rewrites the index pages it touched into the WAL, so bigger
// batches write less: 2,000 → 5,000 took SQLite ingest from 25k to 33k events/s (bench/bulk-ingest.ts).
// The price: other writers wait for a batch (about 0.15 s) on SQLite.
const BATCH_LINES = 5000;
const INSERT_CHUNK = 1000; // rows per INSERT: 18 columns × 1,000 stays under both databases' parameter limits
const MAX_REPORTED_ERRORS = 1000;

type LineError = { code: string; message: string; field?: string | undefined };

type Parsed =
  | { line: number; type: 'conversation'; input: ConversationInput }
  | { line: number; type: 'feedback'; input: FeedbackInput };

/**
 * Bulk ingest: reads NDJSON lines, validates each, and writes them in batches of a few thousand,
 * one transaction per batch. A bad line is reported by number and reason; the others go in.
 * Lines carrying an id already stored for this contributor count as duplicates, so a retried
 * upload is harmless. Acknowledged (the response) only after every batch has committed.
 * `null` stands for a line too long to read, rejected like a bad one.
 */
export async function ingestLines(ctx: ServiceContext, principal: Principal, lines: AsyncIterable<string | null>): Promise<IngestReport> {
  requireScope(principal, 'ingest');
  await requireActiveConsent(ctx.store.db, principal.contributorId);
  const report: IngestReport = { lines: 0, conversations: 0, messages: 0, feedback: 0, duplicates: 0, rejected: 0, errors: [] };
  const reject = (line: number, e: LineError) => {
    report.rejected++;
    if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ line, code: e.code, message: e.message, ...(e.field !== undefined && { field: e.field }) });
  };
  let batch: Parsed[] = [];
  for await (const text of lines) {
    const line = ++report.lines;
    if (text === null) {
      reject(line, { code: 'body_too_large', message: 'the line is longer than the server accepts' });
      continue;
    }
    if (text.trim() === '') continue;
    const parsed = parseLine(text, line);
    if ('code' in parsed) reject(line, parsed);
    else batch.push(parsed);
    if (batch.length >= BATCH_LINES) {
      tallyInto(report, reject, await writeBatch(ctx, principal, batch));
      batch = [];
    }
  }
  if (batch.length > 0) tallyInto(report, reject, await writeBatch(ctx, principal, batch));
  // Within a batch, lines that fail to parse are found before those that fail to fit the pool.
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

function parseLine(text: string, line: number): Parsed | LineError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: 'invalid_json', message: 'the line is not valid JSON' };
  }
  const nul = pathToNul(json);
  if (nul !== undefined) return { code: 'validation_failed', message: `${nul}: must not contain the NUL character (U+0000)`, field: nul };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { code: 'validation_failed', message: 'a line must be a JSON object' };
  // `type` is read and removed by hand: one schema parse per line (each line is parsed once, not
  // as a union and then again as its kind).
  const { type, ...rest } = json as { type?: unknown };
  if (type !== 'conversation' && type !== 'feedback') {
    return { code: 'validation_failed', message: 'type: must be "conversation" or "feedback"', field: 'type' };
  }
  if (type === 'conversation') {
    const conversation = LINE_SCHEMAS.conversation.safeParse(rest);
    return conversation.success ? { line, type, input: conversation.data } : validationError(conversation.error);
  }
  const feedback = LINE_SCHEMAS.feedback.safeParse(rest);
  return feedback.success ? { line, type, input: feedback.data } : validationError(feedback.error);
}

function validationError(error: z.ZodError) {
  const issue = error.issues[0]!;
  return { code: 'validation_failed', message: issue.message, field: fieldOfIssue(issue) };
}

/** What one batch did; added to the report only once its transaction has committed. */
interface Tally {
  conversations: number;
  messages: number;
  feedback: number;
  duplicates: number;
  rejected: { line: number; error: LineError }[];
}

function tallyInto(report: IngestReport, reject: (line: number, e: LineError) => void, t: Tally): void {
  report.conversations += t.conversations;
  report.messages += t.messages;
  report.feedback += t.feedback;
  report.duplicates += t.duplicates;
  for (const r of t.rejected) reject(r.line, r.error);
}

/**
 * Writes one batch in one transaction. If another upload committed the same ids meanwhile (a unique
 * index refuses the insert), the batch runs once more: it then finds those ids and counts them as
 * duplicates, so sending one file twice at once is as harmless as sending it twice.
 */
async function writeBatch(ctx: ServiceContext, principal: Principal, batch: readonly Parsed[]): Promise<Tally> {
  const attempt = () => ctx.store.write((trx) => writeBatchIn(ctx, trx, principal, batch));
  try {
    return await attempt();
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return attempt();
  }
}

async function writeBatchIn(ctx: ServiceContext, trx: Db, principal: Principal, batch: readonly Parsed[]): Promise<Tally> {
  const tally: Tally = { conversations: 0, messages: 0, feedback: 0, duplicates: 0, rejected: [] };
  // Checked in every batch's transaction: a withdrawal during a long upload stops it at the next batch.
  const consent = await requireActiveConsent(trx, principal.contributorId);
  for (const item of batch) {
    if (item.type !== 'conversation') continue;
    try {
      if (item.input.id !== undefined && (await isOwnDuplicate(trx, item.input.id, principal.contributorId))) {
        tally.duplicates++;
        continue;
      }
      const c = await insertNewConversation(ctx, trx, principal.contributorId, item.input, NATIVE_SOURCE);
      tally.conversations++;
      tally.messages += c.messages.length;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      tally.rejected.push({ line: item.line, error: e });
    }
  }
  const events = batch.filter((b): b is Extract<Parsed, { type: 'feedback' }> => b.type === 'feedback');
  if (events.length > 0) await writeFeedbackBatch(ctx, trx, principal, consent, events, tally);
  return tally;
}

async function isOwnDuplicate(trx: Db, id: string, contributorId: string): Promise<boolean> {
  const existing = await findConversation(trx, id);
  if (existing === undefined) return false;
  if (existing.contributor_id !== contributorId) throw new AppError('conflict', `a conversation with id "${id}" exists`, 'id');
  return true;
}

/**
 * Feedback lines are checked with the same rules as single events, against data loaded once per
 * batch; lines past the account's daily cap are rejected (`daily_cap_reached`), the others go in.
 */
async function writeFeedbackBatch(
  ctx: ServiceContext,
  trx: Db,
  principal: Principal,
  consent: { id: string; licence: string },
  events: readonly Extract<Parsed, { type: 'feedback' }>[],
  tally: Tally,
): Promise<void> {
  const conversations = new Map((await findConversations(trx, [...new Set(events.map((e) => e.input.conversation_id))])).map((c) => [c.id, c] as const));
  const readable = await readableConversationIds(trx, principal, [...conversations.values()]);
  const messages = new Map((await findMessages(trx, [...new Set(events.flatMap((e) => referencedMessageIds(e.input)))])).map((m) => [m.id, m] as const));
  const owners = await feedbackOwners(trx, events.flatMap((e) => (e.input.id === undefined ? [] : [e.input.id])));
  const rubrics = await loadRubrics(trx, [...conversations.values()].map((c) => c.community_id));
  const now = timestamp(ctx);
  const rows: FeedbackTable[] = [];
  const seen = new Set<string>();
  const remaining = await remainingDailyFeedback(ctx, trx, principal.contributorId);
  const flags: { conversation_id: string; message_id: string | null; reason: string; author: string }[] = [];
  for (const { line, input } of events) {
    try {
      const conversation = conversations.get(input.conversation_id);
      if (conversation === undefined || !readable.has(conversation.id)) {
        throw new AppError('invalid_reference', 'no such conversation', 'conversation_id');
      }
      const id = input.id ?? ctx.newId();
      const owner = owners.get(id);
      if (owner !== undefined && owner !== principal.contributorId) throw new AppError('conflict', `a feedback event with id "${id}" exists`, 'id');
      if (owner !== undefined || seen.has(id)) {
        tally.duplicates++;
        continue;
      }
      const feedback = buildFeedback(input, {
        id,
        now,
        contributorId: principal.contributorId,
        licence: consent.licence,
        conversation,
        messages,
        rubric: rubrics.get(conversation.community_id ?? '') ?? [],
      });
      if (rows.length >= remaining) throw dailyCapReached(ctx);
      seen.add(id);
      const { event, pii_removed } = scrubFeedback(feedback);
      if (event.kind === 'flag') flags.push({ conversation_id: event.conversation_id, message_id: event.message_id, reason: event.reason, author: conversation.contributor_id });
      rows.push(toFeedbackRow(event, consent.id, { pii_removed, release_licence: feedbackReleaseLicence(consent.licence, conversation.release_licence) }));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      tally.rejected.push({ line, error: e });
    }
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await insertFeedback(trx, rows.slice(i, i + INSERT_CHUNK));
  for (const f of flags) await raiseFlag(ctx, trx, f, f.author);
  tally.feedback += rows.length;
}

async function loadRubrics(trx: Db, communityIds: readonly (string | null)[]): Promise<Map<string, RubricQuestion[]>> {
  const ids = [...new Set(communityIds.filter((c): c is string => c !== null))];
  return new Map((await findCommunitiesByIds(trx, ids)).map((c) => [c.id, toCommunity(c).rubric] as const));
}
