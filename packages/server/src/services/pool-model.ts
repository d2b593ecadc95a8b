import MiniSearch from 'minisearch';
import {
  POOL_RELEVANCE_THRESHOLD,
  evidenceFrom,
  inverseDocumentFrequency,
  poolTerms,
  promptRelevance,
  rankPoolAnswers,
  selectiveTerms,
  type Model,
  type PoolCandidate,
} from '@openfeedback/core';
import type { ChatTurn } from '../gateway/model-gateway.js';
import { findCommunity, toCommunity } from '../store/community-repository.js';
import { listMessages } from '../store/conversation-repository.js';
import { toFeedback } from '../store/feedback-repository.js';
import { communityPrompts, findPoolAnswers, findPoolFeedback, findPoolPrompts, newPromptsInIdRange, type PromptText } from '../store/pool-model-repository.js';
import type { ServiceContext } from './context.js';

/** What the built-in pool model says, and which pool answer it chose. */
export interface PoolAnswer {
  text: string;
  /** The pool message it answers with; null when it found nothing close. */
  source_message_id: string | null;
}

export interface PoolAnswerOptions {
  /**
   * The conversation being answered, when recorded: its own turns are not taken as pool answers
   * (no echo of the live conversation), and an answer it already gave to this prompt (a regeneration)
   * is not given again.
   */
  conversationId?: string | null;
}

/** What "nothing close" says, by the community's first language (primary subtag); English otherwise. */
const NOTHING_CLOSE: Record<string, string> = {
  en: 'The pool has nothing close to this question yet, so I have no answer to give. Try asking it another way, or choose another model.',
  pt: 'O pool ainda não tem nada parecido com esta pergunta, por isso não tenho resposta para dar. Tente perguntar de outra forma ou escolha outro modelo.',
  es: 'El pool todavía no tiene nada parecido a esta pregunta, así que no tengo ninguna respuesta que dar. Prueba a preguntarlo de otra forma o elige otro modelo.',
  fr: "Le pool ne contient encore rien de proche de cette question, je n'ai donc pas de réponse à donner. Essayez de la formuler autrement ou choisissez un autre modèle.",
  de: 'Im Pool gibt es noch nichts, das dieser Frage nahekommt, daher habe ich keine Antwort. Versuchen Sie, sie anders zu formulieren, oder wählen Sie ein anderes Modell.',
  it: 'Il pool non contiene ancora nulla di simile a questa domanda, quindi non ho una risposta da dare. Prova a formularla in un altro modo o scegli un altro modello.',
  nl: 'De pool bevat nog niets dat op deze vraag lijkt, dus ik heb geen antwoord. Probeer het anders te formuleren of kies een ander model.',
};
/** Texts never given as pool answers: what this model says when it has nothing, and the placeholder of an empty answer. */
const NOT_ANSWERS = new Set([...Object.values(NOTHING_CLOSE), '(empty answer)']);

/** Postings a search may touch (see selectiveTerms): about 2 ms on 100k prompts. */
const POSTINGS_BUDGET = 5000;
/** How many prompts the BM25 search hands on to be re-scored with every query term and read fresh. */
const RERANK_DEPTH = 50;
/** Prompts indexed between two turns of the event loop while building (about 20 ms of work), so that other requests are not held up. */
const BUILD_CHUNK = 1000;
/** A full rebuild this often drops withdrawn prompts and finds imported ones whose ids are not time-ordered. */
const REBUILD_AFTER_MS = 10 * 60_000;
/**
 * Ids are minted before their transaction commits, so a write in flight when a sync looks may land
 * behind it: each window of ids is read again once it is this old (its writes surely ended).
 */
const SETTLE_MS = 10_000;
/** Other processes' clocks may run ahead of this one: reads reach this far past now. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The built-in pool model: answers with the best-rated answer to the most similar earlier prompt of
 * its community's pool, or says plainly that it has nothing close. Prompts are found with BM25+
 * (MiniSearch) over an in-memory index per community, kept current on every call; the candidates,
 * their answers and the votes on them are read fresh from the database, so that a vote changes the
 * next answer and nothing withdrawn or removed is ever repeated.
 */
export async function poolModelAnswer(ctx: ServiceContext, model: Model, turns: readonly ChatTurn[], options: PoolAnswerOptions = {}): Promise<PoolAnswer> {
  const index = await promptIndex(ctx, model.community_id);
  const nothing = { text: nothingClose(index.languages), source_message_id: null };
  const asked = [...turns].reverse().find((t) => t.role === 'user')?.content ?? '';
  const query = new Set(poolTerms(asked));
  if (query.size === 0) return nothing;

  const n = Math.max(index.search.documentCount, 1);
  const chosen = selectiveTerms([...query], (t) => index.df.get(t) ?? 0, POSTINGS_BUDGET);
  const hits = index.search.search(chosen.join(' ')).slice(0, RERANK_DEPTH);
  if (hits.length === 0) return nothing;

  const live = options.conversationId ?? null;
  const idf = (t: string) => inverseDocumentFrequency(index.df.get(t) ?? 0, n);
  const relevance = new Map<string, number>();
  for (const p of await findPoolPrompts(ctx.store.db, model.community_id, hits.map((h) => h.id as string))) {
    if (p.conversation_id === live) continue;
    const r = promptRelevance(query, new Set(poolTerms(p.content)), idf);
    if (r >= POOL_RELEVANCE_THRESHOLD) relevance.set(p.id, r);
  }
  if (relevance.size === 0) return nothing;

  const given = live === null ? new Set<string>() : await answersAlreadyGiven(ctx, live, asked);
  const answers = (await findPoolAnswers(ctx.store.db, [...relevance.keys()])).filter((a) => !NOT_ANSWERS.has(a.content.trim()) && !given.has(normalise(a.content)));
  if (answers.length === 0) return nothing;

  const candidates: PoolCandidate[] = answers.map((a) => ({ id: a.id, conversation_id: a.conversation_id, text: a.content, relevance: relevance.get(a.parent_id)!, created_at: a.created_at }));
  const events = (await findPoolFeedback(ctx.store.db, [...new Set(candidates.map((c) => c.conversation_id))], candidates.map((c) => c.id))).map(toFeedback);
  const best = rankPoolAnswers(candidates, evidenceFrom(events, candidates))[0]!;
  return { text: best.text, source_message_id: best.id };
}

function nothingClose(languages: readonly string[]): string {
  const primary = (languages[0] ?? 'en').toLowerCase().split(/[-_]/)[0]!;
  return NOTHING_CLOSE[primary] ?? NOTHING_CLOSE.en!;
}

const normalise = (text: string) => text.trim().replace(/\s+/g, ' ');

/** The answers the live conversation already holds to a prompt with this text (a regeneration asks for another). */
async function answersAlreadyGiven(ctx: ServiceContext, conversationId: string, asked: string): Promise<Set<string>> {
  const messages = await listMessages(ctx.store.db, conversationId);
  const prompts = new Set(messages.filter((m) => m.role === 'user' && normalise(m.content) === normalise(asked)).map((m) => m.id));
  return new Set(messages.filter((m) => m.role === 'assistant' && m.parent_id !== null && prompts.has(m.parent_id)).map((m) => normalise(m.content)));
}

// ---- The prompt index of each community ----

interface IndexedPrompt {
  id: string;
  /** The prompt's terms (poolTerms), space-separated: tokenised once, here, for both BM25 and the df below. */
  terms: string;
}

interface PromptIndex {
  search: MiniSearch<IndexedPrompt>;
  /** In how many indexed prompts each term occurs (MiniSearch keeps it but does not expose it). */
  df: Map<string, number>;
  languages: string[];
  builtAt: number;
  /** Every id minted before this time (wall clock, as ids are minted) has been read once. */
  readTo: number;
  /** …and read again after SETTLE_MS, so that writes in flight at the first read were found too. */
  settledTo: number;
}

interface IndexSlot {
  current?: PromptIndex | undefined;
  building?: Promise<PromptIndex> | undefined;
  syncing?: Promise<void> | undefined;
}

/** One set of indexes per running app (tests run several side by side). */
const slots = new WeakMap<ServiceContext, Map<string, IndexSlot>>();

/**
 * Drops the in-memory prompt indexes (after a deletion, withdrawal or takedown): the removed text
 * leaves memory at once, and the next answer builds the index again from what the pool holds.
 */
export function forgetPoolIndexes(ctx: ServiceContext): void {
  slots.delete(ctx);
}

/**
 * The community's prompt index, current: built on first use (awaited: a few seconds for 100k
 * prompts), then brought up to date on every call with what was written since (a primary-key range,
 * usually empty), and rebuilt in the background every REBUILD_AFTER_MS while the old one serves.
 */
async function promptIndex(ctx: ServiceContext, communityId: string): Promise<PromptIndex> {
  let byCommunity = slots.get(ctx);
  if (byCommunity === undefined) slots.set(ctx, (byCommunity = new Map()));
  let slot = byCommunity.get(communityId);
  if (slot === undefined) byCommunity.set(communityId, (slot = {}));
  const s = slot;
  if (s.current === undefined || Date.now() - s.current.builtAt > REBUILD_AFTER_MS) {
    s.building ??= buildIndex(ctx, communityId)
      .then((built) => (s.current = built))
      .finally(() => (s.building = undefined));
    if (s.current === undefined) return s.building;
    s.building.catch(() => {}); // a failed background rebuild leaves the current index; the next call tries again
  }
  const current = s.current;
  s.syncing ??= syncIndex(ctx, communityId, current).finally(() => (s.syncing = undefined));
  await s.syncing;
  return current;
}

async function buildIndex(ctx: ServiceContext, communityId: string): Promise<PromptIndex> {
  const startedAt = Date.now();
  const community = await findCommunity(ctx.store.db, communityId);
  const index: PromptIndex = {
    search: new MiniSearch<IndexedPrompt>({ fields: ['terms'], tokenize: (text) => text.split(' '), processTerm: (term) => term }),
    df: new Map(),
    languages: community === undefined ? [] : toCommunity(community).languages,
    builtAt: startedAt,
    readTo: startedAt,
    settledTo: startedAt - SETTLE_MS,
  };
  const prompts = await communityPrompts(ctx.store.db, communityId);
  for (let i = 0; i < prompts.length; i += BUILD_CHUNK) {
    addPrompts(index, prompts.slice(i, i + BUILD_CHUNK));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return index;
}

/**
 * Adds what was written since the last look: the ids minted since then, and, once more, those of a
 * window now old enough to have settled. Each id range is read twice in all, through the primary
 * key, whatever the pool's size; usually both reads are empty.
 */
async function syncIndex(ctx: ServiceContext, communityId: string, index: PromptIndex): Promise<void> {
  const now = Date.now();
  const known = (id: string) => index.search.has(id);
  const fresh = await newPromptsInIdRange(ctx.store.db, communityId, uuidv7Prefix(index.readTo), uuidv7Prefix(now + CLOCK_SKEW_MS), known);
  addPrompts(index, fresh);
  index.readTo = now;
  const settled = now - SETTLE_MS;
  if (settled > index.settledTo) {
    addPrompts(index, await newPromptsInIdRange(ctx.store.db, communityId, uuidv7Prefix(index.settledTo), uuidv7Prefix(settled), known));
    index.settledTo = settled;
  }
}

function addPrompts(index: PromptIndex, prompts: readonly PromptText[]): void {
  for (const p of prompts) {
    if (index.search.has(p.id)) continue;
    const terms = poolTerms(p.content);
    for (const t of new Set(terms)) index.df.set(t, (index.df.get(t) ?? 0) + 1);
    index.search.add({ id: p.id, terms: terms.join(' ') });
  }
}

/**
 * A string that sorts after every UUIDv7 minted before `ms` and before every one minted at or after
 * it: the 48-bit millisecond timestamp such an id starts with, in its hex form (`tttttttt-tttt`).
 */
function uuidv7Prefix(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}
