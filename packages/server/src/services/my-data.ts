import { AppError, notFound } from '../errors.js';
import { csvRecord } from '../interchange/write-csv.js';
import { toConsent } from '../store/consent-repository.js';
import { findContributorById, toContributor } from '../store/contributor-repository.js';
import { toConversation, toMessage } from '../store/conversation-repository.js';
import { listApiKeys, toApiKey } from '../store/credential-repository.js';
import { toFeedback } from '../store/feedback-repository.js';
import { listIdentitiesOf } from '../store/identity-repository.js';
import { countMyRecords, listMyConsents, messagesOfConversations, pageMyConversations, pageMyFeedback } from '../store/my-data-repository.js';
import { listAssignmentsOf } from '../store/queue-repository.js';
import type { ConversationTable, FeedbackTable, MessageTable } from '../store/schema.js';
import { timestamp, type ServiceContext } from './context.js';
import { qualityFiguresOf } from './quality.js';
import { requireScope, type Principal } from './principal.js';
import { groupBy } from '../util/group-by.js';

/** What the "my data" page shows: everything stored of mine, whatever its status. */
export interface MyStats {
  conversations: number;
  /** Messages in my conversations (the model's answers included). */
  messages: number;
  feedback: number;
  feedback_by_kind: Record<string, number>;
  /** Feedback I gave on other people's conversations. */
  third_party_feedback: number;
  /** Conversations the rate-the-pool queue served me. */
  served_from_queue: number;
}

export async function myStats(ctx: ServiceContext, principal: Principal): Promise<MyStats> {
  requireScope(principal, 'read');
  const c = await countMyRecords(ctx.store.db, principal.contributorId);
  return {
    conversations: c.conversations,
    messages: c.messages,
    feedback: Object.values(c.feedbackByKind).reduce((a, b) => a + b, 0),
    feedback_by_kind: c.feedbackByKind,
    third_party_feedback: c.thirdPartyFeedback,
    served_from_queue: c.servedFromQueue,
  };
}

export const MY_DATA_TABLES = ['conversations', 'messages', 'feedback'] as const;
export type MyDataTable = (typeof MY_DATA_TABLES)[number];

export interface MyDataRequest {
  format: 'json' | 'csv';
  /** CSV holds one table: which one. */
  table?: MyDataTable | undefined;
}

export interface Download {
  filename: string;
  contentType: string;
  /** The file's text, produced as it is sent: memory stays flat however much there is. */
  chunks: AsyncIterable<string>;
}

const PAGE = 500;

/**
 * Everything about me as one download: a JSON document (profile, consents, API keys without
 * secrets, linked sign-in identities, what the queue served me, my quality figures, my
 * conversations with their messages, my feedback), or one of its tables as CSV (RFC 4180).
 */
export function exportMyData(ctx: ServiceContext, principal: Principal, request: MyDataRequest): Download {
  requireScope(principal, 'read');
  const me = principal.contributorId;
  if (request.format === 'json') {
    return { filename: 'openfeedback-my-data.json', contentType: 'application/json; charset=utf-8', chunks: jsonDocument(ctx, me) };
  }
  const table = request.table;
  if (table === undefined) throw new AppError('validation_failed', `CSV holds one table: add table=${MY_DATA_TABLES.join('|')}`, 'table');
  return { filename: `openfeedback-my-${table}.csv`, contentType: 'text/csv; charset=utf-8', chunks: csvTable(ctx, me, table) };
}

async function* jsonDocument(ctx: ServiceContext, me: string): AsyncGenerator<string> {
  const db = ctx.store.db;
  const profile = await findContributorById(db, me);
  if (profile === undefined) throw notFound('contributor');
  const head = {
    format: 'openfeedback-my-data',
    version: 1,
    exported_at: timestamp(ctx),
    profile: toContributor(profile),
    consents: (await listMyConsents(db, me)).map(toConsent),
    api_keys: (await listApiKeys(db, me)).map(toApiKey),
    identities: (await listIdentitiesOf(db, me)).map(({ issuer, subject, created_at }) => ({ issuer, subject, created_at })),
    queue: await listAssignmentsOf(db, me),
    quality: await qualityFiguresOf(ctx, me),
  };
  yield `${JSON.stringify(head).slice(0, -1)},"conversations":[`;
  let first = true;
  for await (const page of conversationPages(ctx, me)) {
    const byConversation = groupBy(page.messages, (m) => m.conversation_id);
    const parts = page.conversations.map((c) => JSON.stringify({ ...toConversation(c), messages: (byConversation.get(c.id) ?? []).map(toMessage) }));
    yield (first ? '' : ',') + parts.join(',');
    first = false;
  }
  yield '],"feedback":[';
  first = true;
  for await (const rows of feedbackPages(ctx, me)) {
    yield (first ? '' : ',') + rows.map((f) => JSON.stringify(toFeedback(f))).join(',');
    first = false;
  }
  yield ']}\n';
}

const CSV_COLUMNS = {
  conversations: ['id', 'community_id', 'title', 'language', 'source', 'licence', 'status', 'created_at', 'updated_at'],
  messages: ['id', 'conversation_id', 'parent_id', 'role', 'content', 'model_id', 'model_version_id', 'model_name', 'language', 'status', 'created_at'],
  // `details` holds the fields of the event's kind (value, score, text, span …) as JSON.
  feedback: ['id', 'kind', 'conversation_id', 'message_id', 'annotator_role', 'valence', 'details', 'provenance', 'methodology_version', 'licence', 'status', 'model_id', 'community_id', 'language', 'created_at', 'updated_at'],
} as const satisfies Record<MyDataTable, readonly string[]>;

async function* csvTable(ctx: ServiceContext, me: string, table: MyDataTable): AsyncGenerator<string> {
  const columns = CSV_COLUMNS[table];
  yield csvRecord(columns);
  const rows = (records: readonly object[], pick: (r: Record<string, unknown>, column: string) => unknown) =>
    records.map((r) => csvRecord(columns.map((column) => pick(r as Record<string, unknown>, column)))).join('');
  const plain = (r: Record<string, unknown>, column: string) => r[column];
  if (table === 'feedback') {
    for await (const page of feedbackPages(ctx, me)) yield rows(page, (r, column) => (column === 'details' ? r.payload : r[column]));
    return;
  }
  for await (const page of conversationPages(ctx, me)) {
    const text = table === 'conversations' ? rows(page.conversations, plain) : rows(page.messages, plain);
    if (text !== '') yield text;
  }
}

async function* conversationPages(ctx: ServiceContext, me: string): AsyncGenerator<{ conversations: ConversationTable[]; messages: MessageTable[] }> {
  let after: ConversationTable | undefined;
  for (;;) {
    const conversations = await pageMyConversations(ctx.store.db, me, after, PAGE);
    if (conversations.length === 0) return;
    after = conversations.at(-1);
    yield { conversations, messages: await messagesOfConversations(ctx.store.db, conversations.map((c) => c.id)) };
  }
}

async function* feedbackPages(ctx: ServiceContext, me: string): AsyncGenerator<FeedbackTable[]> {
  let after: FeedbackTable | undefined;
  for (;;) {
    const rows = await pageMyFeedback(ctx.store.db, me, after, PAGE);
    if (rows.length === 0) return;
    after = rows.at(-1);
    yield rows;
  }
}

