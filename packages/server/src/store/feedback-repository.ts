import type { AnnotatorRole, Feedback, FeedbackFilter, Provenance, RecordStatus } from '@openfeedback/core';
import { selectInChunks } from './id-chunks.js';
import type { Db } from './store.js';
import type { FeedbackTable } from './schema.js';
import { olderThan, type Keyset } from './keyset.js';
import { parseJson } from './json-column.js';

/** The columns every event has; the rest of its fields live in `payload`. */
const COMMON_COLUMNS = new Set([
  'id', 'kind', 'contributor_id', 'conversation_id', 'message_id', 'valence', 'annotator_role', 'provenance',
  'methodology_version', 'licence', 'status', 'model_id', 'community_id', 'language', 'created_at', 'updated_at',
  'pii_removed', 'release_licence',
]);

/** Splits an API-shaped event into its row: common columns plus a JSON payload of the kind's own fields. */
export function toFeedbackRow(f: Feedback, consentId: string | null, terms: Pick<FeedbackTable, 'pii_removed' | 'release_licence'> = NO_TERMS): FeedbackTable {
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (!COMMON_COLUMNS.has(k)) payload[k] = v;
  return {
    id: f.id,
    kind: f.kind,
    contributor_id: f.contributor_id,
    conversation_id: f.conversation_id,
    message_id: 'message_id' in f ? f.message_id : null,
    payload: JSON.stringify(payload),
    valence: f.valence,
    annotator_role: f.annotator_role,
    provenance: JSON.stringify(f.provenance),
    methodology_version: f.methodology_version,
    licence: f.licence,
    consent_id: consentId,
    status: f.status,
    model_id: f.model_id,
    community_id: f.community_id,
    language: f.language,
    created_at: f.created_at,
    updated_at: f.updated_at,
    pii_removed: terms.pii_removed,
    release_licence: terms.release_licence,
  };
}

const NO_TERMS = { pii_removed: null, release_licence: null };

export function toFeedback(row: FeedbackTable): Feedback {
  // Assigned onto the parsed payload rather than spread into a new literal: V8 builds wide object
  // spreads slowly (see buildFeedback), and listings convert thousands of rows.
  return Object.assign(parseJson<Record<string, unknown>>(row.payload), {
    id: row.id,
    kind: row.kind,
    contributor_id: row.contributor_id,
    conversation_id: row.conversation_id,
    message_id: row.message_id,
    valence: row.valence,
    annotator_role: row.annotator_role as AnnotatorRole,
    provenance: parseJson<Provenance>(row.provenance),
    methodology_version: row.methodology_version,
    licence: row.licence,
    status: row.status as RecordStatus,
    model_id: row.model_id,
    community_id: row.community_id,
    language: row.language,
    created_at: row.created_at,
    updated_at: row.updated_at,
    release_licence: row.release_licence ?? null,
    ...(row.pii_removed !== null && row.pii_removed !== undefined && { pii_removed: parseJson<Record<string, number>>(row.pii_removed) }),
  }) as Feedback;
}

export async function insertFeedback(db: Db, rows: readonly FeedbackTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('feedback').values([...rows]).execute();
}

export async function findFeedback(db: Db, id: string): Promise<FeedbackTable | undefined> {
  return db.selectFrom('feedback').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function existingFeedbackIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const rows = await selectInChunks(ids, (chunk) => db.selectFrom('feedback').select('id').where('id', 'in', chunk).execute());
  return new Set(rows.map((r) => r.id));
}

export async function setFeedbackStatus(db: Db, id: string, status: RecordStatus, at: string): Promise<void> {
  await db.updateTable('feedback').set({ status, updated_at: at }).where('id', '=', id).execute();
}

export async function listFeedback(
  db: Db,
  filter: Omit<FeedbackFilter, 'cursor' | 'limit'>,
  after: Keyset | undefined,
  limit: number,
): Promise<FeedbackTable[]> {
  let q = db.selectFrom('feedback').selectAll().where('status', '=', filter.status);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.community_id !== undefined) q = q.where('community_id', '=', filter.community_id);
  if (filter.model_id !== undefined) q = q.where('model_id', '=', filter.model_id);
  if (filter.language !== undefined) q = q.where('language', '=', filter.language);
  if (filter.contributor_id !== undefined) q = q.where('contributor_id', '=', filter.contributor_id);
  if (filter.conversation_id !== undefined) q = q.where('conversation_id', '=', filter.conversation_id);
  if (filter.since !== undefined) q = q.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) q = q.where('created_at', '<', filter.until);
  if (after !== undefined) q = q.where(olderThan(after));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function deleteFeedbackRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('feedback').where('id', '=', id).execute();
}

/** Who gave each of these events, for the ids that exist. */
export async function feedbackOwners(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await selectInChunks(ids, (chunk) => db.selectFrom('feedback').select(['id', 'contributor_id']).where('id', 'in', chunk).execute());
  return new Map(rows.map((r) => [r.id, r.contributor_id] as const));
}
