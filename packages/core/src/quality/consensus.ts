/** One person's answer on an item, and how much it counts (their trust, 0…1). */
export interface WeightedVote<L extends string = string> {
  value: L;
  weight: number;
}

export interface Consensus<L extends string = string> {
  /** The answer with the most weight behind it; null without votes, without weight, or on a tie. */
  label: L | null;
  /**
   * The winning answer's share of the weight, with one pseudo-vote for every possible answer
   * (Laplace smoothing): few or light votes give a low confidence, many heavy ones approach 1.
   * 0 when there is no label.
   */
  confidence: number;
  /** The weight behind each answer. */
  weights: Record<string, number>;
  votes: number;
}

/**
 * Aggregates votes weighted by the voters' reliability.
 * `labels` names every possible answer (for the smoothing); by default the answers seen, at least two.
 * @example weightedConsensus([{ value: 'up', weight: 0.9 }, { value: 'down', weight: 0.1 }, { value: 'down', weight: 0.1 }], ['up', 'down'])
 * // { label: 'up', confidence: (0.9 + 1) / (1.1 + 2) ≈ 0.61, … }
 */
export function weightedConsensus<L extends string>(votes: readonly WeightedVote<L>[], labels?: readonly L[]): Consensus<L> {
  const weights: Record<string, number> = {};
  for (const l of labels ?? []) weights[l] = 0;
  let total = 0;
  for (const v of votes) {
    const w = Number.isFinite(v.weight) && v.weight > 0 ? v.weight : 0;
    weights[v.value] = (weights[v.value] ?? 0) + w;
    total += w;
  }
  const k = Math.max(2, Object.keys(weights).length);
  let label: L | null = null;
  let best = 0;
  let tied = false;
  for (const [l, w] of Object.entries(weights)) {
    if (w > best + 1e-12) {
      best = w;
      label = l as L;
      tied = false;
    } else if (w > 0 && Math.abs(w - best) <= 1e-12) {
      tied = true;
    }
  }
  if (tied || label === null) return { label: null, confidence: 0, weights, votes: votes.length };
  return { label, confidence: (best + 1) / (total + k), weights, votes: votes.length };
}

/**
 * The plain majority (every vote counts one), for comparison; null on a tie or without votes.
 * @example majorityLabel(['up', 'up', 'down']) // 'up'
 */
export function majorityLabel<L extends string>(values: readonly L[]): L | null {
  return weightedConsensus(values.map((value) => ({ value, weight: 1 }))).label;
}
