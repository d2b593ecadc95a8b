import { inPromptCategory, type PairwiseOutcome, type PromptCategory } from '@openfeedback/core';
import { activeJudgements, judgedModel, modelsOfMessages, userTurnsAbove, type JudgementRow, type JudgementScope } from '../store/judgement-repository.js';
import type { Db } from '../store/store.js';

/*
 * Reading people's judgements for the leaderboard and the agreement figures: active feedback in
 * scope, a page at a time; model-extracted events left out (they are no person's judgement); one
 * judgement per person and thing judged, their latest.
 */

/** Was this event extracted by a model rather than given by a person? */
export function isModelExtracted(row: Pick<JudgementRow, 'provenance'>): boolean {
  return row.provenance.includes('model_extracted') && (JSON.parse(row.provenance) as { type?: string }).type === 'model_extracted';
}

/** Is `row` later than `than` (creation time, then id)? */
export const isLater = (row: Pick<JudgementRow, 'created_at' | 'id'>, than: Pick<JudgementRow, 'created_at' | 'id'>): boolean =>
  row.created_at > than.created_at || (row.created_at === than.created_at && row.id > than.id);

/** One pairwise vote as the leaderboard counts it: the models of both answers (null: unknown). */
export interface PairwiseVote {
  id: string;
  created_at: string;
  contributor_id: string;
  message_id: string;
  other_message_id: string;
  /** The model of message_id (side a) and of other_message_id (side b). */
  a: string | null;
  b: string | null;
  winner: PairwiseOutcome;
}

const OUTCOMES = new Set<string>(['a', 'b', 'tie', 'both_bad']);

/**
 * Every person's latest active pairwise vote on each pair of answers in scope, with the models of
 * both answers: the feedback's model for message_id (set at the vote for arena battles), else the
 * message's; the message's for other_message_id (looked up a page at a time, unless `models` is
 * false: agreement needs none).
 */
export async function pairwiseVotes(db: Db, scope: JudgementScope, options: { models?: boolean; pageSize?: number } = {}): Promise<PairwiseVote[]> {
  const votes: PairwiseVote[] = [];
  const byPersonAndPair = new Map<string, number>();
  for await (const page of activeJudgements(db, 'pairwise', scope, options.pageSize)) {
    const fresh: PairwiseVote[] = [];
    for (const row of page) {
      if (row.message_id === null || isModelExtracted(row)) continue;
      const p = JSON.parse(row.payload) as { other_message_id?: unknown; outcome?: unknown };
      if (typeof p.other_message_id !== 'string' || typeof p.outcome !== 'string' || !OUTCOMES.has(p.outcome)) continue;
      const vote: PairwiseVote = { id: row.id, created_at: row.created_at, contributor_id: row.contributor_id, message_id: row.message_id, other_message_id: p.other_message_id, a: judgedModel(row), b: null, winner: p.outcome as PairwiseOutcome };
      const pair = row.message_id < p.other_message_id ? `${row.message_id}\u0000${p.other_message_id}` : `${p.other_message_id}\u0000${row.message_id}`;
      const key = `${row.contributor_id}\u0000${pair}`;
      const seen = byPersonAndPair.get(key);
      if (seen === undefined) {
        byPersonAndPair.set(key, votes.length);
        votes.push(vote);
      } else if (isLater(vote, votes[seen]!)) votes[seen] = vote;
      else continue;
      fresh.push(vote);
    }
    if (options.models === false) continue;
    const models = await modelsOfMessages(db, fresh.map((v) => v.other_message_id));
    for (const v of fresh) v.b = models.get(v.other_message_id) ?? null;
  }
  return votes;
}

/** How many messages' prompts are read at once when sorting them into categories. */
const CATEGORY_CHUNK = 5_000;

/**
 * Which of these answers belong to a prompt category, from the user turns on the way down to each
 * (see `promptCategories` in core), read a chunk at a time; `overall` keeps them all.
 */
export async function messagesInCategory(db: Db, messageIds: readonly string[], category: PromptCategory): Promise<Set<string>> {
  const unique = [...new Set(messageIds)];
  if (category === 'overall') return new Set(unique);
  const kept = new Set<string>();
  for (let i = 0; i < unique.length; i += CATEGORY_CHUNK) {
    const prompts = await userTurnsAbove(db, unique.slice(i, i + CATEGORY_CHUNK));
    for (const [id, turns] of prompts) if (inPromptCategory(turns, category)) kept.add(id);
  }
  return kept;
}
