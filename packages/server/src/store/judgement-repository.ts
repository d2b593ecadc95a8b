import type { Db } from './store.js';
import { selectInChunks } from './id-chunks.js';

/** Which active feedback a leaderboard or an agreement figure reads. */
export interface JudgementScope {
  community_id?: string | undefined;
  language?: string | undefined;
}

export interface JudgementRow {
  id: string;
  contributor_id: string;
  message_id: string | null;
  /** The model of `message_id` (registered id), denormalised on the event. */
  model_id: string | null;
  payload: string;
}

/**
 * Active feedback of one kind in scope, a page at a time in id order (pairwise votes for the
 * leaderboard, ratings and thumbs for agreement). Invalidated arena votes are not active.
 */
export async function* activeJudgements(db: Db, kind: 'pairwise' | 'rating' | 'thumbs', scope: JudgementScope, pageSize = 10_000): AsyncGenerator<JudgementRow[]> {
  let after: string | null = null;
  for (;;) {
    let q = db.selectFrom('feedback').select(['id', 'contributor_id', 'message_id', 'model_id', 'payload']).where('kind', '=', kind).where('status', '=', 'active');
    if (scope.community_id !== undefined) q = q.where('community_id', '=', scope.community_id);
    if (scope.language !== undefined) q = q.where('language', '=', scope.language);
    if (after !== null) q = q.where('id', '>', after);
    const rows = await q.orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.id;
  }
}

/** The model that wrote each message: its registered id, else the name an imported source gives. */
export async function modelsOfMessages(db: Db, ids: readonly string[]): Promise<Map<string, string | null>> {
  const rows = await selectInChunks(ids, (chunk) => db.selectFrom('messages').select(['id', 'model_id', 'model_name']).where('id', 'in', chunk).execute());
  return new Map(rows.map((r) => [r.id, r.model_id ?? r.model_name] as const));
}
