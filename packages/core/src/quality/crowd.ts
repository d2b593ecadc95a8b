import { agreementPValue } from './binomial.js';
import { weightedConsensus, type Consensus } from './consensus.js';
import { BINARY_LABELS, type BinaryLabel } from './gold.js';
import { addAnswer, emptyTally, reliability, TRUST_PRIOR, voteWeight, type AnswerTally } from './reliability.js';

/** One rater's binary judgement of one item (at most one per rater and item: their latest). */
export interface CrowdVote {
  rater: string;
  item: string;
  label: BinaryLabel;
}

/** One answer on a gold item, already scored against the known answer. */
export interface GoldAnswer {
  rater: string;
  /** The known answer (its binary reading), when it has one: it says which side the answer was tested on. */
  truth: BinaryLabel | null;
  correct: boolean;
}

export interface CrowdInput {
  /** Judgements of ordinary items (not gold). */
  votes: readonly CrowdVote[];
  gold: readonly GoldAnswer[];
  /** Raters whose votes count for nothing (restricted by a moderator). */
  muted?: ReadonlySet<string>;
  /** Rounds of "weigh votes by trust, then trust by agreement" (3–5 settle in practice). */
  rounds?: number;
  prior?: { alpha: number; beta: number };
}

export interface RaterQuality {
  rater: string;
  /** Reliability 0…1 (see `reliability`): gold answers and agreement with the others' consensus together. */
  trust: number;
  gold_answers: number;
  gold_correct: number;
  /** Votes on items where the others (without this rater) reached a consensus, and how many agreed with it. */
  consensus_votes: number;
  consensus_agreements: number;
  votes_up: number;
  votes_down: number;
  /** One-sided binomial p-value of agreeing this seldom at the pool's agreement rate; null without comparable votes. */
  agreement_p: number | null;
}

export interface CrowdResult {
  raters: Map<string, RaterQuality>;
  /** The label of each item, votes weighted by voteWeight(trust). */
  items: Map<string, Consensus<BinaryLabel>>;
  /** The typical rater's agreement with the others' consensus (see typicalAgreementRate): what the binomial test expects. */
  agreement_rate: number;
}

/**
 * Estimates every rater's reliability and every item's label together, from gold answers and
 * agreement. Round 0 trusts gold alone; each round then labels items by votes weighted by
 * voteWeight(trust) and
 * re-estimates trust from gold plus agreement with the consensus of the *other* raters on the same
 * item (leaving one's own vote out, so that nobody vouches for themselves).
 * @example estimateCrowdQuality({ votes, gold }).raters.get('alice')!.trust
 */
export function estimateCrowdQuality(input: CrowdInput): CrowdResult {
  const prior = input.prior ?? TRUST_PRIOR;
  const muted = input.muted ?? new Set<string>();
  const byItem = new Map<string, CrowdVote[]>();
  const raters = new Set<string>();
  for (const v of input.votes) {
    raters.add(v.rater);
    const list = byItem.get(v.item);
    if (list === undefined) byItem.set(v.item, [v]);
    else list.push(v);
  }
  const goldTally = new Map<string, AnswerTally>();
  const goldCounts = new Map<string, { answers: number; correct: number }>();
  for (const g of input.gold) {
    raters.add(g.rater);
    const counts = goldCounts.get(g.rater) ?? { answers: 0, correct: 0 };
    counts.answers++;
    if (g.correct) counts.correct++;
    goldCounts.set(g.rater, counts);
    if (g.truth === null) continue;
    const t = goldTally.get(g.rater) ?? emptyTally();
    addAnswer(t, g.truth, g.correct ? g.truth : flip(g.truth));
    goldTally.set(g.rater, t);
  }

  const trust = new Map<string, number>();
  const weightOf = (r: string) => (muted.has(r) ? 0 : voteWeight(trust.get(r)!));
  for (const r of raters) trust.set(r, muted.has(r) ? 0 : reliability(goldTally.get(r) ?? emptyTally(), prior));
  let agreement = new Map<string, { votes: number; agreed: number }>();
  for (let round = 0; round < (input.rounds ?? 5); round++) {
    const tallies = new Map<string, AnswerTally>();
    agreement = new Map();
    for (const votes of byItem.values()) {
      const total = { up: 0, down: 0 };
      for (const v of votes) total[v.label] += weightOf(v.rater);
      for (const v of votes) {
        // The others' consensus: this rater's own weight taken out.
        const others = { ...total, [v.label]: total[v.label] - weightOf(v.rater) };
        const truth = others.up > others.down + 1e-12 ? 'up' : others.down > others.up + 1e-12 ? 'down' : null;
        if (truth === null) continue;
        const t = tallies.get(v.rater) ?? cloneTally(goldTally.get(v.rater));
        addAnswer(t, truth, v.label);
        tallies.set(v.rater, t);
        const a = agreement.get(v.rater) ?? { votes: 0, agreed: 0 };
        a.votes++;
        if (v.label === truth) a.agreed++;
        agreement.set(v.rater, a);
      }
    }
    for (const r of raters) trust.set(r, muted.has(r) ? 0 : reliability(tallies.get(r) ?? goldTally.get(r) ?? emptyTally(), prior));
  }

  const rate = typicalAgreementRate([...agreement.values()]);
  const out = new Map<string, RaterQuality>();
  for (const r of raters) {
    const a = agreement.get(r) ?? { votes: 0, agreed: 0 };
    const g = goldCounts.get(r) ?? { answers: 0, correct: 0 };
    out.set(r, {
      rater: r,
      trust: trust.get(r)!,
      gold_answers: g.answers,
      gold_correct: g.correct,
      consensus_votes: a.votes,
      consensus_agreements: a.agreed,
      votes_up: 0,
      votes_down: 0,
      agreement_p: a.votes === 0 ? null : agreementPValue(a.agreed, a.votes, rate),
    });
  }
  for (const v of input.votes) out.get(v.rater)![v.label === 'up' ? 'votes_up' : 'votes_down']++;
  const items = new Map<string, Consensus<BinaryLabel>>();
  for (const [item, votes] of byItem) items.set(item, weightedConsensus(votes.map((v) => ({ value: v.label, weight: weightOf(v.rater) })), BINARY_LABELS));
  return { raters: out, items, agreement_rate: rate };
}

/** Raters with fewer compared votes do not set the typical rate. */
const RATE_MIN_VOTES = 5;

/**
 * The median of raters' agreement rates (raters with RATE_MIN_VOTES compared votes or more; else
 * the pooled rate). The median, not the pooled share: the adversaries the test is meant to catch
 * would otherwise lower the bar they are measured against.
 */
export function typicalAgreementRate(raters: readonly { votes: number; agreed: number }[]): number {
  const rates = raters.filter((a) => a.votes >= RATE_MIN_VOTES).map((a) => a.agreed / a.votes).sort((a, b) => a - b);
  if (rates.length === 0) {
    const votes = raters.reduce((n, a) => n + a.votes, 0);
    return votes === 0 ? 0 : raters.reduce((n, a) => n + a.agreed, 0) / votes;
  }
  const mid = rates.length >> 1;
  return rates.length % 2 === 1 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2;
}

const flip = (l: BinaryLabel): BinaryLabel => (l === 'up' ? 'down' : 'up');

function cloneTally(t: AnswerTally | undefined): AnswerTally {
  return t === undefined ? emptyTally() : { up: { ...t.up }, down: { ...t.down } };
}
