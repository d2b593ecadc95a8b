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
  /** The model of `message_id` as the message names it now: its registered id, else an imported source's name. */
  message_model_id: string | null;
  message_model_name: string | null;
  community_id: string | null;
  /** JSON Provenance: model-extracted judgements are no person's vote. */
  provenance: string;
  payload: string;
  created_at: string;
}

/**
 * Active feedback of one kind in scope, a page at a time in id order (pairwise votes for the
 * leaderboard, ratings and thumbs for agreement), with the model of the message judged. Invalidated
 * arena votes are not active. Each page is an ordered range of the feedback_kind_status_id index.
 */
export async function* activeJudgements(db: Db, kind: 'pairwise' | 'rating' | 'thumbs', scope: JudgementScope, pageSize = 10_000): AsyncGenerator<JudgementRow[]> {
  let after: string | null = null;
  for (;;) {
    let q = db
      .selectFrom('feedback')
      .leftJoin('messages', 'messages.id', 'feedback.message_id')
      .select([
        'feedback.id',
        'feedback.contributor_id',
        'feedback.message_id',
        'feedback.model_id',
        'messages.model_id as message_model_id',
        'messages.model_name as message_model_name',
        'feedback.community_id',
        'feedback.provenance',
        'feedback.payload',
        'feedback.created_at',
      ])
      .where('feedback.kind', '=', kind)
      .where('feedback.status', '=', 'active');
    if (scope.community_id !== undefined) q = q.where('feedback.community_id', '=', scope.community_id);
    if (scope.language !== undefined) q = q.where('feedback.language', '=', scope.language);
    if (after !== null) q = q.where('feedback.id', '>', after);
    const rows = await q.orderBy('feedback.id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}

/** The model of the message a judgement is about: the event's, else the message's registered model, else its imported name. */
export const judgedModel = (row: Pick<JudgementRow, 'model_id' | 'message_model_id' | 'message_model_name'>): string | null => row.model_id ?? row.message_model_id ?? row.message_model_name;

/** The model that wrote each message: its registered id, else the name an imported source gives. */
export async function modelsOfMessages(db: Db, ids: readonly string[]): Promise<Map<string, string | null>> {
  const rows = await selectInChunks(ids, (chunk) => db.selectFrom('messages').select(['id', 'model_id', 'model_name']).where('id', 'in', chunk).execute());
  return new Map(rows.map((r) => [r.id, r.model_id ?? r.model_name] as const));
}

/**
 * The user turns on the way from the root of the conversation down to each message, oldest first
 * (the prompts an answer answered, for the leaderboard's prompt categories). Walks up the tree two
 * levels per query (a message and its parent: an answer and its prompt), each level looked up in
 * chunks; the text of assistant turns is never read.
 */
export async function userTurnsAbove(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const nodes = new Map<string, { parent: string | null; prompt: string | null }>();
  let frontier = [...new Set(ids)];
  while (frontier.length > 0) {
    const rows = await selectInChunks(frontier, (chunk) =>
      // The parent through scalar subqueries, not a join: with a join PostgreSQL scanned the whole
      // table for each chunk (57 ms a chunk against 11 ms, 100,000 answers in 7 s against 1 s).
      db
        .selectFrom('messages as m')
        .select((eb) => [
          'm.id',
          'm.parent_id',
          eb.case().when('m.role', '=', 'user').then(eb.ref('m.content')).else(null).end().as('prompt'),
          eb.selectFrom('messages as p').select('p.parent_id').whereRef('p.id', '=', 'm.parent_id').as('grandparent_id'),
          eb
            .selectFrom('messages as p')
            .select((p) => p.case().when('p.role', '=', 'user').then(p.ref('p.content')).else(null).end().as('prompt'))
            .whereRef('p.id', '=', 'm.parent_id')
            .as('parent_prompt'),
        ])
        .where('m.id', 'in', chunk)
        .execute(),
    );
    const next = new Set<string>();
    for (const r of rows) {
      nodes.set(r.id, { parent: r.parent_id, prompt: r.prompt });
      if (r.parent_id === null) continue;
      nodes.set(r.parent_id, { parent: r.grandparent_id, prompt: r.parent_prompt });
      if (r.grandparent_id !== null) next.add(r.grandparent_id);
    }
    frontier = [...next].filter((id) => !nodes.has(id));
  }
  const paths = new Map<string, string[]>();
  const pathOf = (id: string): string[] => {
    // Iterative, so that a very long conversation cannot overflow the stack; a cycle ends the walk.
    const chain: string[] = [];
    const seen = new Set<string>();
    let at: string | null = id;
    while (at !== null && !paths.has(at) && !seen.has(at) && nodes.has(at)) {
      seen.add(at);
      chain.push(at);
      at = nodes.get(at)!.parent;
    }
    let prompts = at !== null && paths.has(at) ? paths.get(at)! : [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const prompt = nodes.get(chain[i]!)!.prompt;
      if (prompt !== null) prompts = [...prompts, prompt];
      paths.set(chain[i]!, prompts);
    }
    return prompts;
  };
  return new Map(ids.map((id) => [id, pathOf(id)] as const));
}
