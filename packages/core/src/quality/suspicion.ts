import { AGAINST_CONSENSUS_P } from './binomial.js';

/** What the quality pass knows of one account, for the board of suspicious accounts. */
export interface AccountSignals {
  /** p-value of their agreement with consensus (see agreementPValue); null: no comparable votes. */
  agreement_p: number | null;
  consensus_votes: number;
  consensus_agreements: number;
  /** The typical rater's agreement rate, which the binomial test expected (CrowdResult.agreement_rate). */
  agreement_rate: number;
  gold_answers: number;
  gold_correct: number;
  votes_up: number;
  votes_down: number;
  /** Their prompts that near-duplicate a prompt of another account, and how many accounts. */
  cross_account_duplicates: number;
  duplicate_accounts: number;
  /** Their prompts that near-duplicate another prompt of their own. */
  repeated_prompts: number;
  /** Active `flag` feedback by others on their conversations. */
  flags_received: number;
}

export const SuspicionSignal = ['against_consensus', 'gold_failures', 'one_sided', 'cross_account_duplicates', 'repeated_prompts', 'flagged_content'] as const;
export type SuspicionSignal = (typeof SuspicionSignal)[number];

export interface Evidence {
  signal: SuspicionSignal;
  /** How much this signal counts in the score (its weight times its strength, 0…weight). */
  points: number;
  /** In words, with the numbers. */
  detail: string;
}

/** Thresholds of the signals (documented on the board's route). */
export const SUSPICION_RULES = Object.freeze({
  /** Gold accuracy below this, over at least `goldMinAnswers`, is a signal. */
  goldAccuracyBelow: 0.5,
  goldMinAnswers: 3,
  /** At least `oneSidedMinVotes` votes, this share or more of them the same. */
  oneSidedShare: 0.95,
  oneSidedMinVotes: 20,
  repeatedMin: 3,
});

/**
 * How suspicious an account looks, from independent signals, each worth up to its weight:
 * pasting the same text as other accounts (4: the plainest mark of spam), against consensus beyond
 * chance (3, in proportion to how far below the typical agreement), failing gold items (3), flagged by others (2), always the same vote over many (2: a
 * button pressed without reading), repeating its own prompts (1).
 * The evidence says which signals fired and why.
 * @example suspicionScore({ ...noSignals, agreement_p: 1e-9, consensus_votes: 40, consensus_agreements: 0, agreement_rate: 0.8 }).score // 3
 */
export function suspicionScore(s: AccountSignals): { score: number; evidence: Evidence[] } {
  const evidence: Evidence[] = [];
  const add = (signal: SuspicionSignal, weight: number, strength: number, detail: string) => {
    evidence.push({ signal, points: round(weight * Math.max(0, Math.min(1, strength))), detail });
  };
  if (s.agreement_p !== null && s.agreement_p < AGAINST_CONSENSUS_P) {
    // How sure (p down to 1e-6 counts fully) times how far below the typical rate: a coin-tosser
    // (0.5 against a typical 0.8) scores well under someone who answers the opposite (0 against 0.8).
    const shortfall = s.agreement_rate <= 0 ? 1 : (s.agreement_rate - s.consensus_agreements / Math.max(1, s.consensus_votes)) / s.agreement_rate;
    add(
      'against_consensus',
      3,
      Math.min(1, -Math.log10(Math.max(s.agreement_p, 1e-300)) / 6) * Math.max(0, Math.min(1, shortfall)),
      `agreed with the consensus on ${s.consensus_agreements} of ${s.consensus_votes} items where ${Math.round(s.agreement_rate * 100)} % is typical (binomial p = ${s.agreement_p.toExponential(2)} < ${AGAINST_CONSENSUS_P})`,
    );
  }
  if (s.gold_answers >= SUSPICION_RULES.goldMinAnswers && s.gold_correct / s.gold_answers < SUSPICION_RULES.goldAccuracyBelow) {
    add('gold_failures', 3, 1 - s.gold_correct / s.gold_answers / SUSPICION_RULES.goldAccuracyBelow, `${s.gold_correct} of ${s.gold_answers} gold items right`);
  }
  if (s.cross_account_duplicates > 0) {
    add(
      'cross_account_duplicates',
      4,
      Math.min(1, s.cross_account_duplicates / 3) * Math.min(1, 0.5 + s.duplicate_accounts / 4),
      `${s.cross_account_duplicates} prompts near-identical to prompts of ${s.duplicate_accounts} other account${s.duplicate_accounts === 1 ? '' : 's'}`,
    );
  }
  if (s.flags_received > 0) add('flagged_content', 2, s.flags_received / 5, `${s.flags_received} flags by others on their conversations`);
  const votes = s.votes_up + s.votes_down;
  const share = votes === 0 ? 0 : Math.max(s.votes_up, s.votes_down) / votes;
  if (votes >= SUSPICION_RULES.oneSidedMinVotes && share >= SUSPICION_RULES.oneSidedShare) {
    add('one_sided', 2, 1, `${Math.max(s.votes_up, s.votes_down)} of ${votes} votes "${s.votes_up >= s.votes_down ? 'up' : 'down'}"`);
  }
  if (s.repeated_prompts >= SUSPICION_RULES.repeatedMin) add('repeated_prompts', 1, s.repeated_prompts / 10, `${s.repeated_prompts} prompts near-identical to other prompts of their own`);
  evidence.sort((a, b) => b.points - a.points);
  return { score: round(evidence.reduce((sum, e) => sum + e.points, 0)), evidence };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
