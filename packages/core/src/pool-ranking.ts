import type { Feedback } from './feedback.js';

/*
 * The built-in pool model's judgement, pure: the words a prompt is made of, how close an earlier
 * prompt is to a new one, how good an answer is by the feedback on it, and which answer to give.
 * The server finds the candidates (a BM25 index and the database); this file decides.
 */

/**
 * Below this relevance (promptRelevance) the pool model says it has nothing close rather than guess.
 * Why 0.65: in the unit tests' pool the same question with added context scores 0.73 and a rewording
 * 0.84, while a question about another country or another fact of the same one scores 0.59.
 */
export const POOL_RELEVANCE_THRESHOLD = 0.65;

const TERM = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+$/u;

/**
 * The terms of a text, in order: lower-cased, accents dropped (a question typed without them still
 * matches), split on anything that is not a letter or digit. Chinese and Japanese, written without
 * spaces, become overlapping character pairs, the usual cheap substitute for a word segmenter.
 * @example poolTerms('Qual é a capital de Portugal?') // ['qual', 'e', 'a', 'capital', 'de', 'portugal']
 */
export function poolTerms(text: string): string[] {
  const words = text.normalize('NFKD').replace(MARKS, '').toLowerCase().match(TERM) ?? [];
  const terms: string[] = [];
  for (const w of words) {
    if (w.length > 2 && CJK.test(w)) for (let i = 0; i + 2 <= w.length; i++) terms.push(w.slice(i, i + 2));
    else terms.push(w);
  }
  return terms;
}

/**
 * BM25's inverse document frequency: how much finding a term says, for a term in `df` of `n` prompts.
 * @example inverseDocumentFrequency(1, 1000) > inverseDocumentFrequency(500, 1000) // true
 */
export function inverseDocumentFrequency(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * The rarest terms of a query whose postings together stay within `budget` (at least one term).
 * Why: scoring the common words of a question ("what", "is", "the") touches most of a large pool;
 * on 100k prompts that took 150-400 ms a search, against about 2 ms with a 5,000-posting budget.
 * They also say the least; the candidates are then re-scored with every term (promptRelevance).
 * @example selectiveTerms(['the', 'tagus'], (t) => (t === 'the' ? 90_000 : 12), 5000) // ['tagus']
 */
export function selectiveTerms(terms: readonly string[], df: (term: string) => number, budget: number): string[] {
  const byRarity = [...new Set(terms)].map((t) => ({ t, df: df(t) })).sort((a, b) => a.df - b.df);
  const kept: string[] = [];
  let postings = 0;
  for (const { t, df: n } of byRarity) {
    if (kept.length > 0 && postings + n > budget) break;
    kept.push(t);
    postings += n;
  }
  return kept;
}

/** How much of the relevance comes from covering the query (the rest: from the prompt being about nothing else). */
const QUERY_SIDE = 0.7;

/**
 * How close an earlier prompt is to the query, from 0 to 1 (1: the same terms): the information
 * (idf) of the terms they share over a blend of each one's own. Why not the BM25 score itself: it
 * has no scale, so it cannot say "nothing close"; this can. A query word the pool has never seen
 * carries the most information and, unmatched, pulls the relevance down, as it should.
 * Leaning on the query side (0.7) forgives a prompt that adds context ("… for my essay") more than
 * one that misses what was asked.
 * @example promptRelevance(new Set(['capital', 'portugal']), new Set(['capital', 'portugal']), () => 3) // 1
 */
export function promptRelevance(query: ReadonlySet<string>, prompt: ReadonlySet<string>, idf: (term: string) => number): number {
  let shared = 0;
  let queryMass = 0;
  let promptMass = 0;
  for (const t of query) {
    const w = idf(t);
    queryMass += w;
    if (prompt.has(t)) shared += w;
  }
  for (const t of prompt) promptMass += idf(t);
  const scale = QUERY_SIDE * queryMass + (1 - QUERY_SIDE) * promptMass;
  return scale === 0 ? 0 : Math.min(1, shared / scale);
}

/** Positive and negative evidence about one answer, in votes (fractions allowed). */
export interface AnswerEvidence {
  positive: number;
  negative: number;
}

/**
 * How many votes each kind of event counts for. Why these: an explicit judgement of the answer
 * (thumbs, overall rating, a comparison, a ranking, a correction) is one vote; a rubric question is one
 * facet of it (half); implicit or extracted signals (regenerate, natural feedback, a critique's
 * sentiment) are weaker (half); a flag (spam, unsafe, personal data…) says the answer should not be
 * repeated, so it weighs two. An event on the whole conversation counts half for each of its answers.
 */
const WEIGHTS = { vote: 1, facet: 0.5, implicit: 0.5, flag: 2, conversationWide: 0.5, modelExtracted: 0.5 } as const;

/** An answer the evidence may be about: its id and its conversation (for events on a whole conversation). */
export interface EvidenceTarget {
  id: string;
  conversation_id: string;
}

/**
 * Reads feedback events as votes for and against each target answer: valenced events split by
 * valence (+1 all for, -1 all against), a pairwise win is a vote for the winner and against the
 * loser (a tie half of each, "both bad" against both), a ranking of k answers gives each the share
 * of the others it beat. Events counting for several people (imports' `count`) count that often;
 * model-extracted ones half. Events on answers that are not targets are ignored.
 * @example evidenceFrom([{ kind: 'thumbs', value: 'up', message_id: 'a', … }], [{ id: 'a', conversation_id: 'c' }]).get('a') // { positive: 1, negative: 0 }
 */
export function evidenceFrom(events: readonly Feedback[], targets: readonly EvidenceTarget[]): Map<string, AnswerEvidence> {
  const evidence = new Map<string, AnswerEvidence>(targets.map((t) => [t.id, { positive: 0, negative: 0 }] as const));
  const byConversation = new Map<string, string[]>();
  for (const t of targets) byConversation.set(t.conversation_id, [...(byConversation.get(t.conversation_id) ?? []), t.id]);
  const vote = (id: string, positive: number, negative: number) => {
    const e = evidence.get(id);
    if (e === undefined) return;
    e.positive += positive;
    e.negative += negative;
  };
  const valenced = (id: string, valence: number, weight: number) => vote(id, (weight * (1 + valence)) / 2, (weight * (1 - valence)) / 2);

  for (const f of events) {
    const people = 'count' in f && f.count !== undefined ? f.count : 1;
    const scale = people * (f.provenance.type === 'model_extracted' ? WEIGHTS.modelExtracted : 1);
    switch (f.kind) {
      case 'pairwise': {
        const [first, second] = f.outcome === 'b' ? [f.other_message_id, f.message_id] : [f.message_id, f.other_message_id];
        if (f.outcome === 'a' || f.outcome === 'b') {
          vote(first, scale, 0);
          vote(second, 0, scale);
        } else if (f.outcome === 'tie') {
          vote(first, scale / 2, scale / 2);
          vote(second, scale / 2, scale / 2);
        } else {
          vote(first, 0, scale);
          vote(second, 0, scale);
        }
        break;
      }
      case 'ranking': {
        const last = f.ranking.length - 1;
        f.ranking.forEach((id, i) => vote(id, (scale * (last - i)) / last, (scale * i) / last));
        break;
      }
      default: {
        if (f.valence === null) break;
        const weight =
          f.kind === 'flag' ? WEIGHTS.flag : (f.kind === 'rating' && f.question_id !== null) ? WEIGHTS.facet : ['regenerate', 'natural', 'critique'].includes(f.kind) ? WEIGHTS.implicit : WEIGHTS.vote;
        if (f.message_id !== null) valenced(f.message_id, f.valence, scale * weight);
        else for (const id of byConversation.get(f.conversation_id) ?? []) valenced(id, f.valence, scale * weight * WEIGHTS.conversationWide);
      }
    }
  }
  return evidence;
}

/** The prior, in votes on each side: what an answer nobody rated is assumed to be (even odds, held lightly). */
const PRIOR_VOTES = 2;

/**
 * How good an answer is by its feedback, from 0 to 1: the share of positive votes, as a lower
 * bound, one standard deviation under the mean of its Beta(2 + positive, 2 + negative) posterior.
 * Why: a raw share would rank an unrated answer either best or worst, and the posterior mean alone
 * would put 4 up-votes (0.75) almost level with 100 up and 20 down (0.82). With the bound,
 * an unrated answer (0.28) sits between one voted down once (0.20) and one voted up once (0.40), and
 * many consistent votes beat few (100/20: 0.79; 4/0: 0.61).
 * @example answerQuality({ positive: 0, negative: 0 }) // ≈ 0.276
 */
export function answerQuality(e: AnswerEvidence): number {
  const a = PRIOR_VOTES + e.positive;
  const b = PRIOR_VOTES + e.negative;
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  return Math.max(0, mean - sd);
}

/** An answer in the pool to a prompt close to the query. */
export interface PoolCandidate {
  id: string;
  conversation_id: string;
  text: string;
  /** The relevance of the prompt it answers (promptRelevance). */
  relevance: number;
  created_at: string;
}

export interface RankedPoolAnswer {
  /** The earliest message with this text: the original, when the others are the pool model's copies of it. */
  id: string;
  text: string;
  relevance: number;
  quality: number;
  score: number;
  evidence: AnswerEvidence;
  /** Every candidate message with this text. */
  ids: string[];
}

/**
 * How much relevance outweighs quality. Why a power: with relevance alone a near-duplicate prompt
 * (0.95) and a loosely related one (0.65) would be 1.5x apart, so a well-rated answer to a different
 * question would win; to the 4th they are 4.6x apart and answers to the same question compete on
 * quality, while a related prompt's answer wins only over clearly bad ones.
 */
const RELEVANCE_POWER = 4;

/**
 * Ranks candidate answers, best first, by relevance^4 × quality. Answers with the same text (the
 * pool model's own answers are copies of pool answers; imports repeat answers) are one answer: their
 * votes add up, so rating the pool model's answer rates the answer it copied.
 * @example rankPoolAnswers(candidates, evidenceFrom(events, candidates))[0]?.text
 */
export function rankPoolAnswers(candidates: readonly PoolCandidate[], evidence: ReadonlyMap<string, AnswerEvidence>): RankedPoolAnswer[] {
  const groups = new Map<string, { first: PoolCandidate; relevance: number; positive: number; negative: number; ids: string[] }>();
  for (const c of candidates) {
    const key = c.text.trim().replace(/\s+/g, ' ');
    const e = evidence.get(c.id) ?? { positive: 0, negative: 0 };
    const g = groups.get(key);
    if (g === undefined) {
      groups.set(key, { first: c, relevance: c.relevance, positive: e.positive, negative: e.negative, ids: [c.id] });
      continue;
    }
    if (c.created_at < g.first.created_at || (c.created_at === g.first.created_at && c.id < g.first.id)) g.first = c;
    g.relevance = Math.max(g.relevance, c.relevance);
    g.positive += e.positive;
    g.negative += e.negative;
    g.ids.push(c.id);
  }
  const ranked = [...groups.values()].map((g): RankedPoolAnswer => {
    const e = { positive: g.positive, negative: g.negative };
    const quality = answerQuality(e);
    return { id: g.first.id, text: g.first.text, relevance: g.relevance, quality, score: g.relevance ** RELEVANCE_POWER * quality, evidence: e, ids: g.ids };
  });
  return ranked.sort((x, y) => y.score - x.score || y.relevance - x.relevance || x.id.localeCompare(y.id));
}
