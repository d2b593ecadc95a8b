import { z } from 'zod';
import type { ChatFailure } from './chat.js';
import type { Message } from './conversation.js';
import { PairwiseOutcome } from './feedback.js';
import { Id, MAX_MESSAGE_CHARS, Text, Timestamp } from './primitives.js';

/*
 * The blind arena: one prompt to two anonymous models of a community, both answers streamed side by
 * side, a vote (a / b / tie / both bad), and only then the names. The vote is stored as pairwise
 * feedback; a battle in which a model names itself is not blind, and its vote does not count.
 */

export const ArenaSide = z.enum(['a', 'b']);
export type ArenaSide = z.infer<typeof ArenaSide>;

/** open: answers may continue and a vote may be given; voted / invalid: closed, names shown. */
export const ArenaBattleStatus = z.enum(['open', 'voted', 'invalid']);
export type ArenaBattleStatus = z.infer<typeof ArenaBattleStatus>;

/**
 * Why a battle does not count: an answer failed or was stopped (it cannot be compared whole), a
 * model named itself (the vote was not blind), or it was left open without a turn or a vote for
 * longer than the server allows (`arenaBattleExpiryMinutes`).
 */
export const ArenaInvalidReason = z.enum(['model_failed', 'stopped', 'self_identified', 'expired']);
export type ArenaInvalidReason = z.infer<typeof ArenaInvalidReason>;

const Prompt = Text.min(1, 'must not be empty').max(MAX_MESSAGE_CHARS);

export const ArenaBattleInput = z.strictObject({
  /** The community (id or slug) whose models battle. */
  community_id: Id,
  content: Prompt,
});
export type ArenaBattleInput = z.infer<typeof ArenaBattleInput>;

export const ArenaTurnInput = z.strictObject({ content: Prompt });
export type ArenaTurnInput = z.infer<typeof ArenaTurnInput>;

export const ArenaVoteInput = z.strictObject({ winner: PairwiseOutcome });
export type ArenaVoteInput = z.infer<typeof ArenaVoteInput>;

/** A model as the arena reveals it, once voting is closed. */
export const ArenaModel = z.object({ id: Id, slug: z.string(), name: z.string() });
export type ArenaModel = z.infer<typeof ArenaModel>;

/** One turn of a battle: the user turn each side answered (the same one at first), and the answers. */
export const ArenaTurn = z.object({
  prompt_a: Id,
  prompt_b: Id,
  /** null while the answer is coming, or when it failed. */
  answer_a: Id.nullable(),
  answer_b: Id.nullable(),
});
export type ArenaTurn = z.infer<typeof ArenaTurn>;

export const ArenaBattle = z.object({
  id: Id,
  conversation_id: Id,
  community_id: Id,
  contributor_id: Id,
  status: ArenaBattleStatus,
  outcome: PairwiseOutcome.nullable(),
  invalid_reason: ArenaInvalidReason.nullable(),
  /** The pairwise feedback event the vote was stored as (status `removed` when the vote does not count). */
  feedback_id: Id.nullable(),
  turns: z.array(ArenaTurn),
  /** null while the battle is open: the names are shown only once voting has closed. */
  model_a: ArenaModel.nullable(),
  model_b: ArenaModel.nullable(),
  created_at: Timestamp,
  voted_at: Timestamp.nullable(),
});
export type ArenaBattle = z.infer<typeof ArenaBattle>;

/**
 * Server-sent events of `POST /v1/arena/battles` and `…/turns`, both answers in one stream: `start`,
 * then `token`, `done` or `error` of each side as they come (interleaved), then `end`. No event
 * names a model.
 */
export type ArenaEvent =
  | { type: 'start'; battle_id: string; conversation_id: string; prompts: Record<ArenaSide, Message> }
  | { type: 'token'; side: ArenaSide; text: string }
  | { type: 'done'; side: ArenaSide; message: Message }
  | { type: 'error'; side: ArenaSide; code: ChatFailure | 'consent_required' | 'internal_error'; message: string; partial: string }
  | { type: 'end'; status: ArenaBattleStatus; invalid_reason: ArenaInvalidReason | null };

// ---- Drawing two models ----

export interface ArenaCandidate {
  id: string;
  weight: number;
}

/**
 * Draws two different models, each with probability proportional to its weight (the second among
 * those left), then tosses a coin for which is side a. Weight 0 is never drawn; null when fewer than
 * two models have weight.
 * @example drawArenaPair([{ id: 'x', weight: 1 }, { id: 'y', weight: 3 }], seededRandom(1)) // { a: 'y', b: 'x' } or { a: 'x', b: 'y' }
 */
export function drawArenaPair(candidates: readonly ArenaCandidate[], random: () => number): { a: string; b: string } | null {
  const pool = candidates.filter((c) => Number.isFinite(c.weight) && c.weight > 0);
  if (pool.length < 2) return null;
  const first = drawWeighted(pool, random);
  const second = drawWeighted(pool.filter((c) => c !== first), random);
  return random() < 0.5 ? { a: first.id, b: second.id } : { a: second.id, b: first.id };
}

function drawWeighted(pool: readonly ArenaCandidate[], random: () => number): ArenaCandidate {
  const total = pool.reduce((sum, c) => sum + c.weight, 0);
  let r = random() * total;
  for (const c of pool) {
    r -= c.weight;
    if (r < 0) return c;
  }
  return pool.at(-1)!;
}

/**
 * A small seeded generator (mulberry32) of numbers in [0, 1): the same seed, the same draws.
 * @example const random = seededRandom(42); random() // 0.6011…
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- Does an answer name its model? ----

/**
 * Words of model names that say nothing about which model it is (sizes, tunings, formats), never
 * taken as a family word on their own.
 */
const GENERIC_WORDS = new Set([
  'ai', 'alpha', 'assistant', 'awq', 'base', 'beta', 'bot', 'chat', 'code', 'coder', 'exp', 'experimental', 'fp', 'gguf', 'gptq', 'hf', 'instruct',
  'instruction', 'it', 'large', 'latest', 'lite', 'llm', 'medium', 'mini', 'model', 'nano', 'new', 'online', 'open', 'plus', 'preview', 'pro', 'small',
  'the', 'tiny', 'turbo', 'ultra', 'vision', 'xl', 'xxl',
]);

/** A name cut at separators and between letters and digits: "llama3.1:8b-instruct" → llama, 3, 1, 8, b, instruct. */
function chunksOf(name: string): string[] {
  return name.toLowerCase().match(/\p{L}+|\p{N}+/gu) ?? [];
}

/**
 * What would give a model away in its own answer: its display name, slug and model name as phrases,
 * and its family words (the words of its names that are not generic: "llama" of "llama3.1:8b",
 * "gpt" of "gpt-4o-mini", "claude" and "sonnet" of "claude-3-5-sonnet").
 * @example identityTerms({ name: 'Llama 3 8B', slug: 'llama-3-8b', model_name: 'llama3:8b' }) // ['llama 3 8 b', 'llama']
 */
export function identityTerms(model: { name: string; slug: string; model_name: string }): string[] {
  const terms = new Set<string>();
  for (const name of [model.name, model.slug, model.model_name]) {
    const chunks = chunksOf(name);
    if (chunks.join('').length >= 3) terms.add(chunks.join(' '));
    for (const c of chunks) if (/^\p{L}{3,}$/u.test(c) && !GENERIC_WORDS.has(c)) terms.add(c);
  }
  return [...terms];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Between the parts of a name: any separator, or none ("Llama 3", "llama-3", "llama3"). */
const PART_SEPARATOR = '[\\s._:/-]*';
/** Words that say "I, the speaker, am called…" (English and Portuguese), a few words before a name. */
const FIRST_PERSON = "(?:i am|i['’]m|my name is|my name['’]s|call me|eu sou|sou|me chamo|meu nome é)";
/** Words that introduce a name only right before it ("as Claude", "called Sabiá"). */
const NAMING = '(?:as|called|named|known as|como|chamad[oa])';
const ARTICLE = '(?:(?:an?|the|o|a|um|uma)\\s+)?';

/** The regular expression of a term, on word boundaries: a word ends where a letter meets a non-letter. */
function termPattern(term: string): string {
  const pattern = term.split(' ').map(escape).join(PART_SEPARATOR);
  const before = /^\p{N}/u.test(term) ? '(?<!\\p{N})' : '(?<!\\p{L})';
  const after = /\p{N}$/u.test(term) ? '(?!\\p{N})' : '(?!\\p{L})';
  return `${before}${pattern}${after}`;
}

/**
 * Whether a text names one of `terms` (identityTerms), case-insensitive. A name of several parts
 * ("llama 3 8 b", "gpt 4 o mini") counts wherever it appears, with any separator (or none) between
 * its parts. A single word, which may also be an ordinary word ("sonnet", "pool", "sabiá", "mistral"),
 * counts only where it is used as a model's name: with a version right after it ("llama3", "GPT-4"),
 * a few words after "I am" / "my name is" / "sou" ("I'm Claude", "Sou o Sabiá"), right after "as" /
 * "called" ("as Claude"), or before "here" ("Claude here!"). So "write a sonnet" or "the pool is
 * 25 m long" void no vote, while "I am Claude 3.5 Sonnet" does.
 * @example namesItself('I am Llama 3, a model by Meta.', identityTerms({ name: 'Llama', slug: 'llama', model_name: 'llama3:8b' })) // true
 */
export function namesItself(text: string, terms: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return terms.some((term) => {
    const name = termPattern(term);
    if (term.includes(' ')) return new RegExp(name, 'u').test(lower);
    const versioned = `${name.replace(/\(\?!\\p\{[LN]\}\)$/u, '')}${PART_SEPARATOR}\\p{N}`;
    const introduced = `(?<!\\p{L})(?:${FIRST_PERSON}(?:[\\s,:;()"“”'‘’-]+[\\p{L}\\p{N}.'’-]+){0,3}?|${NAMING}\\s+${ARTICLE}[("“'‘]?)[\\s,:;()"“”'‘’-]*${name}`;
    const signed = `${name}[\\s,!]+here(?!\\p{L})`;
    return new RegExp(`${versioned}|${introduced}|${signed}`, 'u').test(lower);
  });
}
