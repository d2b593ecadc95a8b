/*
 * The storage contract: the store layer (schema, migrations, repositories, store.write) driven directly,
 * with no HTTP in between, and run unchanged on every database in TEST_DATABASES. Every assertion compares
 * against values computed here, independently of the database, so a test that passes on both databases
 * proves they behave the same; the last block also runs one workload on both and compares the outputs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Migrator } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationInput,
  Feedback as FeedbackSchema,
  MessageInput,
  type Community,
  type Consent,
  type Contributor,
  type Conversation,
  type Feedback,
  type FeedbackFilter,
  type FeedbackKind,
  type Message,
  type Model,
  type ModelVersion,
  type PoolFilter,
  type RecordStatus,
} from '@openfeedback/core';
import { migrateToLatest, openStore, type Store } from '../src/store/store.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import type { FeedbackTable } from '../src/store/schema.js';
import type { Keyset } from '../src/store/keyset.js';
import {
  countContributors,
  findContributorByHandle,
  findContributorById,
  insertContributor,
  listContributors,
  toContributor,
  updateContributor,
} from '../src/store/contributor-repository.js';
import { countConsentedContributors, findLatestConsent, insertConsent, toConsent, withdrawConsents } from '../src/store/consent-repository.js';
import { findCommunitiesByIds, findCommunity, insertCommunity, listCommunities, replaceCommunity, toCommunity } from '../src/store/community-repository.js';
import {
  findModel,
  findModelsByIds,
  findModelVersion,
  findModelVersionByName,
  findModelVersionsByIds,
  insertModel,
  insertModelVersion,
  listModels,
  listModelVersions,
  replaceModel,
  toModel,
  toModelVersion,
} from '../src/store/model-repository.js';
import {
  existingMessageIds,
  findConversation,
  findConversations,
  findMessages,
  insertConversation,
  insertMessages,
  listConversations,
  listMessages,
  toConversation,
  toMessage,
  touchConversation,
} from '../src/store/conversation-repository.js';
import {
  deleteFeedbackRow,
  existingFeedbackIds,
  findFeedback,
  insertFeedback,
  listFeedback,
  setFeedbackStatus,
  toFeedback,
  toFeedbackRow,
} from '../src/store/feedback-repository.js';
import { findIdempotentResponse, insertIdempotentResponse } from '../src/store/idempotency-repository.js';
import { countActive, countFeedbackBy } from '../src/store/stats-repository.js';
import {
  deleteSession,
  findActiveApiKey,
  findApiKey,
  findLiveSession,
  insertApiKey,
  insertSession,
  listApiKeys,
  revokeApiKey,
  toApiKey,
} from '../src/store/credential-repository.js';
import { POSTGRES_AVAILABLE, POSTGRES_TEST_DATABASE, SQLITE_TEST_DATABASE, TEST_DATABASES, type TestDatabase } from './support/databases.js';

/** Every migration the code holds, in order: a fresh database runs them all, once. */
const ALL_MIGRATIONS = Object.keys(await migrationProvider.getMigrations()).sort();

// ---------------------------------------------------------------------------------------------------------
// Databases

interface Opened {
  store: Store;
  url: string;
  drop(): Promise<void>;
}

const TABLES = [
  'contributors', 'sessions', 'api_keys', 'consents', 'communities', 'models', 'model_versions',
  'conversations', 'messages', 'feedback', 'idempotency_keys',
] as const;

/**
 * A fresh, migrated database for the repository tests. On PostgreSQL the migration tables are pinned to
 * the test's own schema: migrateToLatest itself does not pin them, and then fails whenever another schema
 * of the same database is already migrated (the test "migrates a fresh database while another one beside
 * it is already migrated" shows it). Pinning keeps the rest of this suite independent of that bug and of
 * other test files migrating their own schemas at the same time; the migration tests use migrateToLatest.
 */
async function openMigrated(database: TestDatabase): Promise<Opened> {
  const { url, drop } = database.fresh();
  const store = await openStore(url);
  if (store.raw.kind === 'sqlite' || store.raw.schema === null) {
    await migrateToLatest(store);
  } else {
    const { error } = await new Migrator({ db: store.db, provider: migrationProvider, migrationTableSchema: store.raw.schema }).migrateToLatest();
    if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  }
  return { store, url, drop };
}

async function closeAll(stores: readonly Store[], drop: () => Promise<void>): Promise<void> {
  for (const s of stores) await s.close().catch(() => {});
  await drop();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STORE_MODULE = new URL('../src/store/store.ts', import.meta.url).href;
const IDEMPOTENCY_MODULE = new URL('../src/store/idempotency-repository.ts', import.meta.url).href;

/**
 * Another process on the same database (a second server, or a CLI command next to the server): a real child
 * process, because on SQLite two connections in one process cannot wait for each other (better-sqlite3's busy
 * wait blocks the whole thread). The child opens the store, prints "ready", waits for `go()`, runs `action`
 * (an async function body with `store` and `args` in scope), and prints its result as JSON, or "FAILED: message".
 */
function otherProcess(url: string, action: string, args: unknown = null) {
  const dir = mkdtempSync(join(tmpdir(), 'openfeedback-child-'));
  const file = join(dir, 'child.mts');
  writeFileSync(
    file,
    `import { openStore, migrateToLatest } from ${JSON.stringify(STORE_MODULE)};
import { insertIdempotentResponse } from ${JSON.stringify(IDEMPOTENCY_MODULE)};
void migrateToLatest; void insertIdempotentResponse;
const args = JSON.parse(process.argv[2]);
const store = await openStore(${JSON.stringify(url)});
const go = new Promise((resolve) => process.stdin.once('data', resolve));
console.log('ready');
await go;
let out;
try { out = JSON.stringify(await (async () => { ${action} })()); } catch (e) { out = 'FAILED: ' + (e instanceof Error ? e.message : String(e)); }
await store.close();
console.log(out);
process.exit(0);
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(args)], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('ready\n')) onReady();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<string>((resolve) => {
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const last = stdout.trim().split('\n').at(-1) ?? '';
      resolve(code === 0 && last !== 'ready' ? last : `FAILED: the process exited with ${code}: ${stderr.slice(-500)}`);
    });
  });
  return { ready, go: () => child.stdin.write('go\n'), result };
}

/** migrateToLatest, with the known PostgreSQL failure named (see the "beside another" migration test). */
async function migrateExplained(store: Store): Promise<string[]> {
  try {
    return await migrateToLatest(store);
  } catch (e) {
    const message = (e as Error).message;
    if (store.kind === 'postgres' && /kysely_migration(_lock)? /.test(message + ' ')) {
      throw new Error(
        `migrateToLatest failed: ${message}. Another schema of this PostgreSQL database already holds Kysely's migration ` +
          'tables (another test file, or a leftover), and migrateToLatest does not pin them to its own schema: see the test ' +
          '"migrates a fresh database while another database beside it is already migrated".',
      );
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Domain objects, built the way the services build them (UUIDv7 ids, toISOString timestamps)

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
let serial = 0;
const next = () => ++serial;

type StoredContributor = Contributor & { password_hash: string | null };

function newContributor(over: Partial<StoredContributor> = {}): StoredContributor {
  return {
    id: uuidv7(),
    handle: `person-${process.pid}-${next()}`,
    password_hash: 'scrypt$32768$8$1$c2FsdA$aGFzaA',
    display_name: 'Zoë “Zo” Ñúñez 🌍',
    roles: ['contributor', 'reviewer'],
    demographics: { age_range: '25-34', gender: 'não-binário', country: 'PT', languages: ['pt-PT', 'en', 'tlh'], education: 'tertiary' },
    expertise: [
      { domain: 'medicine', level: 'professional' },
      { domain: 'direito — português', level: 'some' },
    ],
    trust: 0.30000000000000004,
    created_at: at(0),
    ...over,
  };
}

const withoutHash = ({ password_hash: _h, ...c }: StoredContributor): Contributor => c;
/** Rows written straight to the store, past the privacy gate (these tests are about storage). */
const unscrubbed = (m: Message) => ({ ...m, pii_removed: null });

function newConsent(contributorId: string, over: Partial<Consent> = {}): Consent {
  return {
    id: uuidv7(),
    contributor_id: contributorId,
    terms_version: '2026-11',
    accepted_at: at(1000),
    adult_confirmed: true,
    licence: 'CC-BY-4.0',
    attribution: 'name',
    attribution_name: 'Zoë Ñúñez',
    withdrawn_at: null,
    ...over,
  };
}

function newCommunity(over: Partial<Community> = {}): Community {
  const n = next();
  return {
    id: uuidv7(),
    slug: `community-${process.pid}-${n}`,
    name: `Português europeu ${n}`,
    kind: 'language',
    languages: ['pt-PT', 'pt'],
    description: 'Conversas em português — com “aspas”, acentos e emoji 🇵🇹',
    guidelines: 'Line one\nLine two\ttabbed\r\nWindows line',
    rubric: [
      { id: 'accuracy', text: 'A resposta está correta?', min: 1, max: 5, labels: ['não', 'pouco', 'mais ou menos', 'quase', 'sim'] },
      { id: 'tone', text: 'Respectful? 🙂', min: -2, max: 2 },
    ],
    created_at: at(2000),
    ...over,
  };
}

function newModel(communityId: string, ownerId: string, over: Partial<Model> = {}): Model {
  const n = next();
  return {
    id: uuidv7(),
    slug: `model-${process.pid}-${n}`,
    name: `Gervásio ${n}`,
    community_id: communityId,
    owner_id: ownerId,
    api_key_env: null,
    arena_weight: 1,
    base_url: 'http://localhost:11434/v1',
    model_name: 'qwen2.5:7b-instruct-q4_K_M',
    output_terms: 'Apache-2.0 weights; outputs unrestricted',
    output_licences: ['Apache-2.0', 'CC-BY-4.0'],
    created_at: at(3000),
    ...over,
  };
}

function newVersion(modelId: string, over: Partial<ModelVersion> = {}): ModelVersion {
  return {
    id: uuidv7(),
    model_id: modelId,
    version: `1.${next()}.0+pt`,
    trained_on: ['of-release-2026-01', 'of-release-2026-02.1'],
    notes: 'Afinado com o pool — notas “longas” ✓',
    created_at: at(4000),
    ...over,
  };
}

function newConversation(contributorId: string, over: Partial<Conversation> = {}): Conversation {
  return {
    id: uuidv7(),
    community_id: null,
    contributor_id: contributorId,
    title: 'Qual é a capital? 🏛️',
    language: 'pt-PT',
    source: 'chat',
    licence: null,
    release_licence: null,
    status: 'active',
    created_at: at(5000),
    updated_at: at(5000),
    ...over,
  };
}

function newMessage(conversationId: string, over: Partial<Message> = {}): Message {
  return {
    id: uuidv7(),
    conversation_id: conversationId,
    parent_id: null,
    role: 'user',
    content: 'Olá!',
    model_name: null,
    model_id: null,
    model_version_id: null,
    contributor_id: null,
    language: 'pt-PT',
    status: 'active',
    created_at: at(6000),
    ...over,
  };
}

/** What every feedback event carries; the kind's own fields are added by the caller. */
function eventMeta(
  target: { contributor_id: string; conversation_id: string; model_id?: string | null; community_id?: string | null; language?: string | null },
  over: Partial<Pick<Feedback, 'id' | 'status' | 'created_at' | 'updated_at' | 'licence' | 'annotator_role' | 'provenance' | 'valence'>> = {},
) {
  return {
    id: uuidv7(),
    contributor_id: target.contributor_id,
    conversation_id: target.conversation_id,
    annotator_role: 'interlocutor' as const,
    provenance: { type: 'human' } as Feedback['provenance'],
    methodology_version: 'of-1',
    valence: -1 as number | null,
    licence: 'CC-BY-4.0' as string | null,
    release_licence: null as string | null,
    status: 'active' as RecordStatus,
    model_id: target.model_id ?? null,
    community_id: target.community_id ?? null,
    language: target.language ?? null,
    created_at: at(7000),
    updated_at: at(7000),
    ...over,
  };
}

/** Text that exercises the text columns: several scripts, emoji (astral, ZWJ, flags), combining marks, RTL. */
const UNICODE_TEXT = 'Ação, naïve café — 東京 · Ελληνικά · עברית · العربية · हिन्दी · 🦀🧑‍🚀👩🏽‍💻🏳️‍🌈🇵🇹 · e\u0301 · \u202Eevil\u202C · 𝔘𝔫𝔦𝔠𝔬𝔡𝔢';
/** Every C0 control character except NUL (PostgreSQL text cannot hold NUL), DEL, C1 and Unicode separators. */
const CONTROL_TEXT =
  Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') + '\u007f\u0080\u0085\u009f\u00a0\u2028\u2029\ufeff\ufffd' + '\\ " \' ` ${x} %s %d; DROP TABLE feedback; --';
/** 200,000 UTF-16 code units (the longest message the pool accepts), emoji included, not cut inside a pair. */
const LONG_TEXT = (() => {
  const unit = 'Lorem ipsum dolor sit amet, ação 🦀 東京 — ';
  const s = unit.repeat(Math.ceil(200_000 / unit.length) + 1).slice(0, 199_999);
  return /[\ud800-\udbff]$/.test(s) ? s.slice(0, -1) + 'xx' : s + 'x';
})();

// ---------------------------------------------------------------------------------------------------------
// Listings

const newestFirst = (a: { created_at: string; id: string }, b: { created_at: string; id: string }) =>
  a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;

/** Follows a keyset listing to its end, the way the API's cursors do. */
async function pageAll<R extends { created_at: string; id: string }>(
  fetch: (after: Keyset | undefined, limit: number) => Promise<R[]>,
  limit: number,
  between?: (pageNumber: number) => Promise<void>,
): Promise<R[]> {
  const all: R[] = [];
  let after: Keyset | undefined;
  for (let n = 0; n < 5000; n++) {
    const page = await fetch(after, limit);
    expect(page.length, 'a page never holds more than its limit').toBeLessThanOrEqual(limit);
    all.push(...page);
    if (page.length < limit) return all;
    const last = page[page.length - 1]!;
    after = { created_at: last.created_at, id: last.id };
    if (between !== undefined) await between(n);
  }
  throw new Error('the listing never ended');
}

type FeedbackWhere = Omit<FeedbackFilter, 'cursor' | 'limit'>;
type ConversationWhere = Omit<PoolFilter, 'cursor' | 'limit'>;

function feedbackMatches(r: FeedbackTable, f: FeedbackWhere): boolean {
  return (
    r.status === f.status &&
    (f.kind === undefined || r.kind === f.kind) &&
    (f.community_id === undefined || r.community_id === f.community_id) &&
    (f.model_id === undefined || r.model_id === f.model_id) &&
    (f.language === undefined || r.language === f.language) &&
    (f.contributor_id === undefined || r.contributor_id === f.contributor_id) &&
    (f.conversation_id === undefined || r.conversation_id === f.conversation_id) &&
    (f.since === undefined || r.created_at >= f.since) &&
    (f.until === undefined || r.created_at < f.until)
  );
}

/** A small deterministic PRNG, so that a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { random, pick: <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]! };
}

interface Pool {
  contributors: string[];
  communities: string[];
  models: string[];
  conversations: Conversation[];
  messages: Message[];
  feedback: FeedbackTable[];
  stamps: string[];
}

/**
 * A pool for the listing tests: many rows on few distinct timestamps (so that most pages end inside a run
 * of equal created_at values), ids of mixed shapes (UUIDv7, and client ids with upper and lower case,
 * digits and punctuation), several statuses, and every filterable column varied, null included.
 */
async function seedPool(store: Store, seed: number): Promise<Pool> {
  // Deterministic: the same seed gives the same rows, ids included, so two databases can be compared.
  const { random, pick } = prng(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuidShaped = () => `${hex(8)}-${hex(4)}-7${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  const stamps = ['2026-01-31T23:59:59.999Z', '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.001Z', '2026-02-01T10:00:00.000Z', '2026-02-02T00:00:00.000Z'];
  const ids = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => pick([uuidShaped, () => `${prefix}:A-${i}`, () => `${prefix}:a-${i}`, () => `${prefix}.${i}_Z`, () => `${prefix}${i}`])());
  const tag = `s${seed}`;
  const people = [0, 1, 2].map((i) => newContributor({ id: `${tag}-person-${i}`, handle: `${tag}-person-${i}` }));
  for (const p of people) await insertContributor(store.db, p);
  const communities = [0, 1].map((i) => newCommunity({ id: `${tag}-community-${i}`, slug: `${tag}-community-${i}`, name: `Comunidade ${i}` }));
  for (const c of communities) await insertCommunity(store.db, c);
  const models = [0, 1].map((i) => newModel(communities[i]!.id, people[0]!.id, { id: `${tag}-model-${i}`, slug: `${tag}-model-${i}`, name: `Modelo ${i}` }));
  for (const m of models) await insertModel(store.db, m);

  const conversations: Conversation[] = ids('conv', 70).map((id) =>
    newConversation(pick(people).id, {
      id,
      community_id: pick([communities[0]!.id, communities[1]!.id, null]),
      language: pick(['pt-PT', 'en', null]),
      status: random() < 0.15 ? pick(['withdrawn', 'removed'] as const) : 'active',
      created_at: pick(stamps),
      updated_at: pick(stamps),
    }),
  );
  for (const c of conversations) await insertConversation(store.db, c, null);
  const texts = [UNICODE_TEXT, CONTROL_TEXT, LONG_TEXT, 'Lisboa.'];
  const messages: Message[] = [];
  for (const [i, c] of conversations.entries()) {
    const question = newMessage(c.id, { id: `${c.id}/q`, contributor_id: c.contributor_id, content: texts[i % texts.length]!, created_at: c.created_at });
    const model = pick([models[0]!.id, models[1]!.id, null]);
    const answer = newMessage(c.id, { id: `${c.id}/a`, parent_id: question.id, role: 'assistant', content: 'Lisboa. 🏛️', model_id: model, created_at: c.created_at });
    messages.push(question, answer);
  }
  for (let i = 0; i < messages.length; i += 20) await insertMessages(store.db, messages.slice(i, i + 20).map(unscrubbed));

  const kinds: FeedbackKind[] = ['thumbs', 'rating', 'flag', 'critique', 'regenerate'];
  const feedback: FeedbackTable[] = ids('fb', 180).map((id) => {
    const c = pick(conversations);
    const kind = pick(kinds);
    const meta = eventMeta(
      { contributor_id: pick(people).id, conversation_id: c.id, model_id: pick([models[0]!.id, models[1]!.id, null]), community_id: pick([communities[0]!.id, communities[1]!.id, null]), language: pick(['pt-PT', 'en', null]) },
      { id, status: random() < 0.2 ? pick(['withdrawn', 'removed'] as const) : 'active', created_at: pick(stamps), updated_at: pick(stamps) },
    );
    const message_id = `${c.id}/a`;
    const f: Feedback =
      kind === 'thumbs' ? { ...meta, kind, message_id, value: 'down' }
      : kind === 'rating' ? { ...meta, kind, message_id, question_id: 'accuracy', score: 2, scale_min: 1, scale_max: 4, valence: -1 / 3 }
      : kind === 'flag' ? { ...meta, kind, message_id: null, reason: 'spam', note: null }
      : kind === 'critique' ? { ...meta, kind, message_id, text: UNICODE_TEXT, span: { start: 1, end: 3 }, sentiment: -1 }
      : { ...meta, kind: 'regenerate', message_id };
    return toFeedbackRow(f, null);
  });
  for (let i = 0; i < feedback.length; i += 50) await insertFeedback(store.db, feedback.slice(i, i + 50));
  return {
    contributors: people.map((p) => p.id),
    communities: communities.map((c) => c.id),
    models: models.map((m) => m.id),
    conversations,
    messages,
    feedback,
    stamps,
  };
}

/** The same items in a shuffled (but reproducible) order. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const { random } = prng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function feedbackFilters(pool: Pool): FeedbackWhere[] {
  const [s0, s1, , s3] = pool.stamps;
  return [
    { status: 'active' },
    { status: 'withdrawn' },
    { status: 'removed' },
    { status: 'active', kind: 'rating' },
    { status: 'active', kind: 'flag' },
    { status: 'active', model_id: pool.models[0]! },
    { status: 'active', community_id: pool.communities[1]! },
    { status: 'active', language: 'pt-PT' },
    { status: 'active', contributor_id: pool.contributors[2]! },
    { status: 'active', conversation_id: pool.conversations[0]!.id },
    { status: 'active', since: s1! },
    { status: 'active', until: s3! },
    { status: 'active', since: s0!, until: s1! },
    { status: 'active', kind: 'thumbs', language: 'en', since: s1! },
    { status: 'withdrawn', model_id: pool.models[1]!, community_id: pool.communities[0]! },
  ];
}

function conversationFilters(pool: Pool): ConversationWhere[] {
  const [, s1, s2, s3] = pool.stamps;
  return [
    { status: 'active' },
    { status: 'withdrawn' },
    { status: 'active', community_id: pool.communities[0]! },
    { status: 'active', contributor_id: pool.contributors[1]! },
    { status: 'active', language: 'en' },
    { status: 'active', model_id: pool.models[1]! },
    { status: 'active', since: s2! },
    { status: 'active', until: s1! },
    { status: 'active', since: s1!, until: s3! },
    { status: 'active', model_id: pool.models[0]!, language: 'pt-PT', contributor_id: pool.contributors[0]! },
  ];
}

function expectedConversations(pool: Pool, f: ConversationWhere): string[] {
  return pool.conversations
    .filter(
      (c) =>
        c.status === f.status &&
        (f.community_id === undefined || c.community_id === f.community_id) &&
        (f.contributor_id === undefined || c.contributor_id === f.contributor_id) &&
        (f.language === undefined || c.language === f.language) &&
        (f.since === undefined || c.created_at >= f.since) &&
        (f.until === undefined || c.created_at < f.until) &&
        (f.model_id === undefined || pool.messages.some((m) => m.conversation_id === c.id && m.model_id === f.model_id)),
    )
    .sort(newestFirst)
    .map((c) => c.id);
}

const idempotencyRow = (principal: string, key: string) => ({
  principal_id: principal,
  key,
  request_hash: `sha256:${key}`,
  status_code: 201,
  response_body: JSON.stringify({ key, text: UNICODE_TEXT }),
  created_at: at(9000),
});

async function storedKeys(store: Store, principal: string): Promise<string[]> {
  const rows = await store.db.selectFrom('idempotency_keys').select('key').where('principal_id', '=', principal).execute();
  return rows.map((r) => r.key).sort();
}

/** Whether another connection sees the row right now: on SQLite synchronously, at the very moment of the call. */
function seenElsewhere(reader: Store, principal: string, key: string): boolean | Promise<boolean> {
  if (reader.raw.kind === 'sqlite') {
    return reader.raw.database.prepare('select 1 from idempotency_keys where principal_id = ? and key = ?').get(principal, key) !== undefined;
  }
  return findIdempotentResponse(reader.db, principal, key).then((r) => r !== undefined);
}

// =========================================================================================================

describe.each(TEST_DATABASES)('store contract on $name', (database) => {
  describe('migrations', () => {
    it('creates every table on an empty database, and running again migrates nothing', async () => {
      const { url, drop } = database.fresh();
      const store = await openStore(url);
      const again = await openStore(url);
      try {
        expect(await migrateExplained(store)).toEqual(ALL_MIGRATIONS);
        for (const table of TABLES) {
          const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
          expect(Number(row.n), `${table} exists and is empty`).toBe(0);
        }
        expect(await migrateToLatest(store)).toEqual([]);
        expect(await migrateToLatest(again), 'a second process starting on the migrated database').toEqual([]);
      } finally {
        await closeAll([store, again], drop);
      }
    });

    it('migrates a fresh database while another database beside it is already migrated', async () => {
      // On PostgreSQL "beside" means another schema of the same database: how the tests isolate themselves,
      // and how one PostgreSQL server hosts several pools (`?schema=`).
      const first = database.fresh();
      const second = database.fresh();
      const a = await openStore(first.url);
      const b = await openStore(second.url);
      try {
        expect(await migrateToLatest(a)).toEqual(ALL_MIGRATIONS);
        let ran: string[] | Error;
        try {
          ran = await migrateToLatest(b);
        } catch (e) {
          ran = e as Error;
        }
        expect(
          ran,
          'migrateToLatest on a fresh database failed because another database beside it is migrated. On PostgreSQL, ' +
            "Kysely's Migrator looks for kysely_migration/kysely_migration_lock in every schema of the database " +
            '(PostgresIntrospector.getTables) unless migrationTableSchema is set, skips creating them in this schema, then ' +
            'queries them through search_path: "relation kysely_migration_lock does not exist". Fix: in migrateToLatest pass ' +
            'migrationTableSchema: store.raw.schema when it is set.',
        ).toEqual(ALL_MIGRATIONS);
        await insertContributor(b.db, newContributor());
        expect(await countContributors(b.db)).toBe(1);
        expect(await countContributors(a.db), 'the two databases are separate').toBe(0);
      } finally {
        await closeAll([a], first.drop);
        await closeAll([b], second.drop);
      }
    });

    it('lets several processes start on one fresh database at once: each succeeds and the migration runs once', async () => {
      // The server and every CLI command migrate when they open the pool, so two of them starting together race.
      const { url, drop } = database.fresh();
      await (await openStore(url)).close(); // creates the PostgreSQL schema first: only the migration races here
      const children = [0, 1, 2].map(() => otherProcess(url, 'return await migrateToLatest(store);'));
      try {
        await Promise.all(children.map((c) => c.ready));
        for (const c of children) c.go();
        const results = await Promise.all(children.map((c) => c.result));
        expect(
          results.filter((r) => r.startsWith('FAILED')),
          'concurrent migrateToLatest calls failed. SQLite: Kysely\'s SqliteAdapter takes no migration lock (acquireMigrationLock ' +
            'is a no-op, it assumes one connection) and its transaction is a deferred BEGIN, so the processes race to CREATE TABLE ' +
            '("table contributors already exists"). Fix: take the write lock (BEGIN IMMEDIATE) before reading the migration table.',
        ).toEqual([]);
        expect(results.flatMap((r) => JSON.parse(r) as string[])).toEqual(ALL_MIGRATIONS);
        const store = await openStore(url);
        expect(await migrateToLatest(store)).toEqual([]);
        await store.close();
      } finally {
        await Promise.all(children.map((c) => c.result));
        await drop();
      }
    }, 60_000);
  });

  describe('repositories', () => {
    let opened: Opened;
    let store: Store;
    beforeAll(async () => {
      opened = await openMigrated(database);
      store = opened.store;
    });
    afterAll(() => closeAll([store], opened.drop));

    it('round-trips contributors, JSON columns included, and applies profile updates', async () => {
      const a = newContributor();
      const b = newContributor({ password_hash: null, display_name: null, roles: ['contributor'], demographics: {}, expertise: [], trust: 1 });
      const before = await countContributors(store.db);
      await insertContributor(store.db, a);
      await insertContributor(store.db, b);
      expect(await countContributors(store.db)).toBe(before + 2);

      const rowA = await findContributorById(store.db, a.id);
      expect(rowA?.password_hash).toBe(a.password_hash);
      expect(toContributor(rowA!)).toEqual(withoutHash(a));
      expect(toContributor((await findContributorByHandle(store.db, b.handle))!)).toEqual(withoutHash(b));
      expect((await findContributorById(store.db, b.id))?.password_hash).toBeNull();
      expect(await findContributorById(store.db, 'no-such-id')).toBeUndefined();
      expect(await findContributorByHandle(store.db, a.handle.toUpperCase()), 'handles match exactly').toBeUndefined();

      await updateContributor(store.db, a.id, {});
      expect(toContributor((await findContributorById(store.db, a.id))!), 'an empty patch changes nothing').toEqual(withoutHash(a));
      const patch = {
        display_name: null,
        demographics: { age_range: 'prefer_not_to_say', country: 'prefer_not_to_say', languages: ['zh-Hant-TW'] },
        expertise: [{ domain: '中文 法律', level: 'expert' }],
        roles: ['contributor', 'trainer', 'admin'],
      } satisfies Parameters<typeof updateContributor>[2];
      await updateContributor(store.db, a.id, patch);
      expect(toContributor((await findContributorById(store.db, a.id))!)).toEqual({ ...withoutHash(a), ...patch });
      expect(toContributor((await findContributorById(store.db, b.id))!), 'other rows untouched').toEqual(withoutHash(b));
    });

    it('lists contributors by id, page after page, each exactly once', async () => {
      const all = (await listContributors(store.db, undefined, 10_000)).map((r) => r.id);
      expect(all).toEqual([...all].sort());
      expect(all.length).toBe(await countContributors(store.db));
      const paged: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await listContributors(store.db, after, 1);
        if (page.length === 0) break;
        paged.push(page[0]!.id);
        after = page[0]!.id;
      }
      expect(paged).toEqual(all);
    });

    it('round-trips consents (booleans, nullable fields), picks the latest, and withdraws them all', async () => {
      const person = newContributor();
      const other = newContributor();
      await insertContributor(store.db, person);
      await insertContributor(store.db, other);
      const consentedBefore = await countConsentedContributors(store.db);
      expect(await findLatestConsent(store.db, person.id)).toBeUndefined();

      // Ids from one UUIDv7 generator, as the service makes them: three within the same millisecond.
      const first = newConsent(person.id, { adult_confirmed: false, licence: 'CC0-1.0', attribution: 'none', attribution_name: null });
      const second = newConsent(person.id, { licence: 'ODC-By-1.0', attribution: 'pseudonym', attribution_name: null });
      const latest = newConsent(person.id, { licence: 'CC-BY-SA-4.0', attribution: 'name', attribution_name: 'Zoë Ñúñez 🌍' });
      const others = newConsent(other.id);
      // Inserted newest first, so that neither insertion order nor physical order can pass for "latest".
      for (const c of [latest, others, second, first]) await insertConsent(store.db, c);

      expect(toConsent((await findLatestConsent(store.db, person.id))!)).toEqual(latest);
      expect(toConsent((await findLatestConsent(store.db, other.id))!)).toEqual(others);
      const rows = await store.db.selectFrom('consents').selectAll().where('contributor_id', '=', person.id).orderBy('id').execute();
      expect(rows.map(toConsent)).toEqual([first, second, latest]);
      expect(await countConsentedContributors(store.db)).toBe(consentedBefore + 2);

      const withdrawnAt = at(86_400_000);
      expect(await withdrawConsents(store.db, person.id, withdrawnAt)).toBe(3);
      expect(toConsent((await findLatestConsent(store.db, person.id))!)).toEqual({ ...latest, withdrawn_at: withdrawnAt });
      expect(await withdrawConsents(store.db, person.id, at(86_400_001)), 'already withdrawn: nothing to update').toBe(0);
      const after = await store.db.selectFrom('consents').selectAll().where('contributor_id', '=', person.id).orderBy('id').execute();
      expect(after.map(toConsent)).toEqual([first, second, latest].map((c) => ({ ...c, withdrawn_at: withdrawnAt })));
      expect(toConsent((await findLatestConsent(store.db, other.id))!), "another person's consent is untouched").toEqual(others);
      expect(await countConsentedContributors(store.db)).toBe(consentedBefore + 1);

      const renewed = newConsent(person.id, { accepted_at: at(86_400_002) });
      await insertConsent(store.db, renewed);
      expect(toConsent((await findLatestConsent(store.db, person.id))!), 'consenting again after a withdrawal').toEqual(renewed);
      expect(await countConsentedContributors(store.db)).toBe(consentedBefore + 2);
    });

    it('round-trips communities with their rubric, by id and by slug, and replaces them', async () => {
      const owner = newContributor();
      await insertContributor(store.db, owner);
      const c = newCommunity();
      const bare = newCommunity({ kind: 'culture', languages: [], description: '', guidelines: '', rubric: [] });
      await insertCommunity(store.db, c);
      await insertCommunity(store.db, bare);
      expect(toCommunity((await findCommunity(store.db, c.id))!)).toEqual(c);
      expect(toCommunity((await findCommunity(store.db, c.slug))!)).toEqual(c);
      expect(toCommunity((await findCommunity(store.db, bare.slug))!)).toEqual(bare);
      expect(await findCommunity(store.db, 'no-such-community')).toBeUndefined();

      const replaced: Community = { ...c, name: 'Galego', languages: ['gl'], description: UNICODE_TEXT, guidelines: CONTROL_TEXT, rubric: [{ id: 'clarity', text: 'Clara?', min: 0, max: 10 }] };
      await replaceCommunity(store.db, replaced);
      expect(toCommunity((await findCommunity(store.db, c.slug))!)).toEqual(replaced);
      expect(toCommunity((await findCommunity(store.db, bare.id))!)).toEqual(bare);

      const found = await findCommunitiesByIds(store.db, [bare.id, 'unknown', c.id]);
      expect(found.map(toCommunity).sort(newestFirst)).toEqual([replaced, bare].sort(newestFirst));
      expect(await findCommunitiesByIds(store.db, [])).toEqual([]);
    });

    it('lists communities and models by name in the same (code point) order', async () => {
      const owner = newContributor();
      await insertContributor(store.db, owner);
      // Upper case before lower case, accented letters after "z": binary order, which both databases must share.
      const names = ['zulu', 'Zulu', 'alpha', 'Éire', 'beta', 'Beta', 'ação', 'acao', '日本', '10 x', '9 x'];
      const communities = names.map((name) => newCommunity({ name: `~order ${name}` }));
      for (const c of communities) await insertCommunity(store.db, c);
      const listed = (await listCommunities(store.db)).map((r) => r.name).filter((n) => n.startsWith('~order '));
      expect(listed).toEqual(communities.map((c) => c.name).sort());
      const models = names.map((name) => newModel(communities[0]!.id, owner.id, { name: `~order ${name}` }));
      for (const m of models) await insertModel(store.db, m);
      const listedModels = (await listModels(store.db, communities[0]!.id)).map((r) => r.name);
      expect(listedModels).toEqual(models.map((m) => m.name).sort());
    });

    it('round-trips models and their versions (trained_on), finds and lists them', async () => {
      const owner = newContributor();
      await insertContributor(store.db, owner);
      const home = newCommunity();
      const away = newCommunity();
      await insertCommunity(store.db, home);
      await insertCommunity(store.db, away);
      const m = newModel(home.id, owner.id);
      const pool = newModel(home.id, owner.id, { base_url: null, output_terms: '', output_licences: [] });
      const elsewhere = newModel(away.id, owner.id);
      for (const x of [m, pool, elsewhere]) await insertModel(store.db, x);
      expect(toModel((await findModel(store.db, m.id))!)).toEqual(m);
      expect(toModel((await findModel(store.db, pool.slug))!)).toEqual(pool);
      expect(await findModel(store.db, 'no-such-model')).toBeUndefined();
      expect((await listModels(store.db, home.id)).map(toModel).sort(newestFirst)).toEqual([m, pool].sort(newestFirst));
      const everywhere = (await listModels(store.db, undefined)).map((r) => r.id);
      expect(everywhere).toEqual(expect.arrayContaining([m.id, pool.id, elsewhere.id]));
      expect((await findModelsByIds(store.db, [elsewhere.id, 'nope', m.id])).map(toModel).sort(newestFirst)).toEqual([m, elsewhere].sort(newestFirst));
      expect(await findModelsByIds(store.db, [])).toEqual([]);

      const replaced: Model = { ...m, name: 'Gervásio 2 🦙', base_url: null, model_name: 'llama3.1:8b', output_terms: UNICODE_TEXT, output_licences: ['LicenseRef-Llama-3.1'] };
      await replaceModel(store.db, replaced);
      expect(toModel((await findModel(store.db, m.slug))!)).toEqual(replaced);
      expect(toModel((await findModel(store.db, pool.id))!)).toEqual(pool);

      // Two versions at one instant: the listing breaks the tie by id, newest (largest) first.
      const v1 = newVersion(m.id, { version: '1.0.0', trained_on: [], notes: '', created_at: at(10) });
      const v2 = newVersion(m.id, { version: '1.1.0-rc.1+pt', created_at: at(20) });
      const v3 = newVersion(m.id, { version: '2.0.0', trained_on: ['of-release-2026-03'], created_at: at(20) });
      const otherModels = newVersion(pool.id, { version: '1.0.0' });
      for (const v of [v3, v1, otherModels, v2]) await insertModelVersion(store.db, v);
      expect(toModelVersion((await findModelVersion(store.db, v2.id))!)).toEqual(v2);
      expect(toModelVersion((await findModelVersionByName(store.db, m.id, '1.0.0'))!)).toEqual(v1);
      expect(toModelVersion((await findModelVersionByName(store.db, pool.id, '1.0.0'))!)).toEqual(otherModels);
      expect(await findModelVersionByName(store.db, m.id, '9.9.9')).toBeUndefined();
      expect(await findModelVersion(store.db, 'no-such-version')).toBeUndefined();
      expect((await listModelVersions(store.db, m.id)).map(toModelVersion)).toEqual([v3, v2, v1]);
      expect((await findModelVersionsByIds(store.db, [v1.id, otherModels.id])).map(toModelVersion).sort(newestFirst)).toEqual([v1, otherModels].sort(newestFirst));
      expect(await findModelVersionsByIds(store.db, [])).toEqual([]);
    });

    it('round-trips a conversation and its message tree, text of every kind included', async () => {
      const person = newContributor();
      await insertContributor(store.db, person);
      const community = newCommunity();
      await insertCommunity(store.db, community);
      const model = newModel(community.id, person.id);
      await insertModel(store.db, model);
      const version = newVersion(model.id);
      await insertModelVersion(store.db, version);
      const conv = newConversation(person.id, { community_id: community.id, title: UNICODE_TEXT });
      const bare = newConversation(person.id, { title: null, language: null, source: 'import:oasst2' });
      await insertConversation(store.db, conv, null);
      await insertConversation(store.db, bare, null);

      // root question → two regenerated answers (siblings) → a follow-up; and an edited question (a second root branch).
      const q = newMessage(conv.id, { contributor_id: person.id, content: UNICODE_TEXT, created_at: at(100) });
      const a1 = newMessage(conv.id, { parent_id: q.id, role: 'assistant', content: LONG_TEXT, model_id: model.id, model_version_id: version.id, language: null, created_at: at(200) });
      const a2 = newMessage(conv.id, { parent_id: q.id, role: 'assistant', content: CONTROL_TEXT, model_id: model.id, model_version_id: null, created_at: at(200) });
      const follow = newMessage(conv.id, { parent_id: a2.id, contributor_id: person.id, content: '  leading and trailing spaces\n\n', created_at: at(300) });
      const edited = newMessage(conv.id, { contributor_id: person.id, content: '0', status: 'withdrawn', created_at: at(150) });
      const system = newMessage(conv.id, { role: 'system', content: 'null', language: null, created_at: at(50) });
      await insertMessages(store.db, [q, a1, a2, follow, edited, system].map(unscrubbed));
      await insertMessages(store.db, []);

      expect(toConversation((await findConversation(store.db, conv.id))!)).toEqual(conv);
      expect(toConversation((await findConversation(store.db, bare.id))!)).toEqual(bare);
      expect(await findConversation(store.db, 'no-such-conversation')).toBeUndefined();
      const listed = (await listMessages(store.db, conv.id)).map(toMessage);
      expect(listed).toEqual([system, q, edited, ...[a1, a2].sort((x, y) => (x.id < y.id ? -1 : 1)), follow]);
      expect(listed.find((m) => m.id === a1.id)!.content.length).toBe(200_000);
      expect(await listMessages(store.db, bare.id)).toEqual([]);

      const children = (id: string | null) => listed.filter((m) => m.parent_id === id).map((m) => m.id).sort();
      expect(children(null)).toEqual([q.id, edited.id, system.id].sort());
      expect(children(q.id)).toEqual([a1.id, a2.id].sort());
      expect(children(a2.id)).toEqual([follow.id]);

      expect((await findMessages(store.db, [follow.id, 'nope', a1.id])).map(toMessage).sort(newestFirst)).toEqual([follow, a1].sort(newestFirst));
      expect(await findMessages(store.db, [])).toEqual([]);
      expect(await existingMessageIds(store.db, [q.id, 'nope', edited.id])).toEqual(new Set([q.id, edited.id]));
      expect(await existingMessageIds(store.db, [])).toEqual(new Set());
      expect((await findConversations(store.db, [bare.id, conv.id, 'nope'])).map(toConversation).sort(newestFirst)).toEqual([conv, bare].sort(newestFirst));
      expect(await findConversations(store.db, [])).toEqual([]);

      await touchConversation(store.db, conv.id, at(999_999));
      expect(toConversation((await findConversation(store.db, conv.id))!)).toEqual({ ...conv, updated_at: at(999_999) });
      expect(toConversation((await findConversation(store.db, bare.id))!)).toEqual(bare);
    });

    it('stores a message cut inside an emoji (a lone surrogate) as the same well-formed text on both databases', async () => {
      // A client that truncates at a UTF-16 length can cut a surrogate pair in two. Left as it is, the two databases
      // store the broken half differently (better-sqlite3 writes invalid UTF-8 read back as three U+FFFD; pg sends one
      // U+FFFD), so text enters the store only through core's schemas, which make it well-formed first.
      const person = newContributor();
      await insertContributor(store.db, person);
      const cut = '🦀🦀'.slice(0, 3); // '🦀' + '\ud83e'
      const title = ConversationInput.parse({ title: 'a\ud800b\udc00c' + cut }).title!;
      const conv = newConversation(person.id, { title });
      await insertConversation(store.db, conv, null);
      const m = newMessage(conv.id, { content: MessageInput.parse({ role: 'user', content: `truncated: ${cut}` }).content });
      await insertMessages(store.db, [m].map(unscrubbed));
      expect(m.content).toBe('truncated: 🦀\ufffd');
      expect(title).toBe('a\ufffdb\ufffdc🦀\ufffd');
      const stored = toMessage((await findMessages(store.db, [m.id]))[0]!);
      const storedTitle = (await findConversation(store.db, conv.id))!.title;
      expect({ content: stored.content, title: storedTitle }).toEqual({ content: m.content, title });
    });

    it('stores the largest conversation the API accepts (1,000 messages) in one insert', async () => {
      const person = newContributor();
      await insertContributor(store.db, person);
      const conv = newConversation(person.id);
      await insertConversation(store.db, conv, null);
      const messages: Message[] = [];
      for (let i = 0; i < 1000; i++) {
        messages.push(newMessage(conv.id, { parent_id: messages[i - 1]?.id ?? null, role: i % 2 === 0 ? 'user' : 'assistant', content: `turn ${i} 🦀`, created_at: at(i) }));
      }
      await insertMessages(store.db, messages.map(unscrubbed));
      expect((await listMessages(store.db, conv.id)).map(toMessage)).toEqual(messages);
    });

    it("looks up as many message ids as one ingest batch can reference (2,000 rankings of 50: 100,000 ids)", async () => {
      const person = newContributor();
      await insertContributor(store.db, person);
      const conv = newConversation(person.id);
      await insertConversation(store.db, conv, null);
      const present = [newMessage(conv.id), newMessage(conv.id), newMessage(conv.id)];
      await insertMessages(store.db, present.map(unscrubbed));
      const ids = Array.from({ length: 100_000 }, (_, i) => `ranked-${i}`);
      ids.splice(10, 0, present[0]!.id);
      ids.splice(40_000, 0, present[1]!.id);
      ids.push(present[2]!.id);
      let found: string[] | Error;
      try {
        found = (await findMessages(store.db, ids)).map((r) => r.id).sort();
      } catch (e) {
        found = e as Error;
      }
      expect(
        found,
        'findMessages binds one parameter per id: SQLite refuses more than 32,766 ("too many SQL variables"), PostgreSQL more ' +
          'than 65,535, so the two databases already differ between those sizes, and bulk ingest (BATCH_LINES 2,000, rankings of ' +
          'up to 50 ids, one findMessages per batch) can exceed both. Chunk the ids (or bind one array parameter).',
      ).toEqual(present.map((m) => m.id).sort());
    });

    it('round-trips feedback of every kind through toFeedbackRow and toFeedback', async () => {
      const person = newContributor();
      await insertContributor(store.db, person);
      const community = newCommunity();
      await insertCommunity(store.db, community);
      const model = newModel(community.id, person.id);
      await insertModel(store.db, model);
      const conv = newConversation(person.id, { community_id: community.id });
      await insertConversation(store.db, conv, null);
      const q = newMessage(conv.id, { contributor_id: person.id });
      const a = newMessage(conv.id, { parent_id: q.id, role: 'assistant', content: 'Lisboa.', model_id: model.id });
      const b = newMessage(conv.id, { parent_id: q.id, role: 'assistant', content: 'Porto.', model_id: model.id });
      const next = newMessage(conv.id, { parent_id: a.id, contributor_id: person.id, content: 'Não, eu perguntei sobre o Porto.' });
      await insertMessages(store.db, [q, a, b, next].map(unscrubbed));
      const consent = newConsent(person.id);
      await insertConsent(store.db, consent);

      const target = { contributor_id: person.id, conversation_id: conv.id, model_id: model.id, community_id: community.id, language: 'pt-PT' };
      const events: Feedback[] = [
        { ...eventMeta(target, { valence: 1 }), kind: 'thumbs', message_id: a.id, value: 'up' },
        { ...eventMeta(target, { valence: -1 / 3 }), kind: 'rating', message_id: a.id, question_id: 'accuracy', score: 2, scale_min: 1, scale_max: 4 },
        { ...eventMeta(target, { valence: 0.30000000000000004, annotator_role: 'third_party' }), kind: 'rating', message_id: null, question_id: null, score: 3.5, scale_min: -10, scale_max: 100 },
        { ...eventMeta(target, { valence: null }), kind: 'pairwise', message_id: a.id, other_message_id: b.id, outcome: 'tie' },
        { ...eventMeta(target, { valence: null, licence: null }), kind: 'ranking', message_id: null, ranking: [b.id, a.id] },
        { ...eventMeta(target), kind: 'correction', message_id: a.id, text: LONG_TEXT },
        { ...eventMeta(target, { provenance: { type: 'human_aided', extractor: { name: 'spellcheck', version: '2.1' } } }), kind: 'critique', message_id: a.id, text: UNICODE_TEXT, span: { start: 0, end: 4 }, sentiment: -1 },
        { ...eventMeta(target, { valence: null, provenance: { type: 'human_aided' } }), kind: 'critique', message_id: null, text: CONTROL_TEXT, span: null, sentiment: null },
        { ...eventMeta(target, { status: 'removed' }), kind: 'flag', message_id: a.id, reason: 'pii', note: 'tem um número de telefone ☎️' },
        { ...eventMeta(target), kind: 'flag', message_id: null, reason: 'other', note: null },
        { ...eventMeta(target, { status: 'withdrawn' }), kind: 'regenerate', message_id: a.id },
        { ...eventMeta(target, { provenance: { type: 'model_extracted', extractor: { name: 'natural-feedback', version: '0.3.0' } } }), kind: 'natural', message_id: a.id, source_message_id: next.id, category: 'UR2', span: { start: 0, end: 31 } },
      ];
      for (const e of events) FeedbackSchema.parse(e); // the fixtures are valid stored events
      const rows = events.map((e, i) => toFeedbackRow(e, i % 3 === 0 ? null : consent.id));
      await insertFeedback(store.db, rows);
      await insertFeedback(store.db, []);

      for (const [i, e] of events.entries()) {
        const row = await findFeedback(store.db, e.id);
        expect(row, `${e.kind} #${i}: the stored row`).toEqual(rows[i]);
        expect(toFeedback(row!), `${e.kind} #${i}: the event read back`).toEqual(e);
      }
      expect(await findFeedback(store.db, 'no-such-event')).toBeUndefined();
      expect(await existingFeedbackIds(store.db, [events[3]!.id, 'nope', events[7]!.id])).toEqual(new Set([events[3]!.id, events[7]!.id]));
      expect(await existingFeedbackIds(store.db, [])).toEqual(new Set());

      await setFeedbackStatus(store.db, events[0]!.id, 'withdrawn', at(123_456));
      expect(toFeedback((await findFeedback(store.db, events[0]!.id))!)).toEqual({ ...events[0], status: 'withdrawn', updated_at: at(123_456) });
      expect(toFeedback((await findFeedback(store.db, events[1]!.id))!)).toEqual(events[1]);
      await deleteFeedbackRow(store.db, events[2]!.id);
      expect(await findFeedback(store.db, events[2]!.id)).toBeUndefined();
      expect(await findFeedback(store.db, events[3]!.id)).toBeDefined();
    });

    it('round-trips idempotency rows, keyed by principal and key', async () => {
      const principal = `principal-${uuidv7()}`;
      const row = idempotencyRow(principal, 'key-é-🔑');
      await insertIdempotentResponse(store.db, row);
      const sameKeyOtherPrincipal = { ...idempotencyRow(`${principal}-2`, row.key), status_code: 200, response_body: '' };
      await insertIdempotentResponse(store.db, sameKeyOtherPrincipal);
      expect(await findIdempotentResponse(store.db, principal, row.key)).toEqual(row);
      expect(await findIdempotentResponse(store.db, sameKeyOtherPrincipal.principal_id, row.key)).toEqual(sameKeyOtherPrincipal);
      expect(await findIdempotentResponse(store.db, principal, 'KEY-É-🔑')).toBeUndefined();
      await expect(insertIdempotentResponse(store.db, { ...row, request_hash: 'other' }), 'a key is stored once per principal').rejects.toThrow();
      expect(await findIdempotentResponse(store.db, principal, row.key)).toEqual(row);
    });

    it('stores sessions and API keys: live sessions by expiry, active keys until revoked', async () => {
      const person = newContributor({ roles: ['contributor', 'trainer'] });
      await insertContributor(store.db, person);
      const session = { id: `sha256-${uuidv7()}`, contributor_id: person.id, created_at: at(0), expires_at: at(60_000) };
      await insertSession(store.db, session);
      expect(await findLiveSession(store.db, session.id, at(59_999))).toEqual({ contributor_id: person.id, roles: person.roles });
      expect(await findLiveSession(store.db, session.id, at(60_000)), 'expired at expires_at').toBeUndefined();
      await deleteSession(store.db, session.id);
      expect(await findLiveSession(store.db, session.id, at(0))).toBeUndefined();

      const older = { id: uuidv7(), contributor_id: person.id, name: 'ingest bot 🤖', secret_hash: 'scrypt$a', scopes: ['read' as const, 'ingest' as const], created_at: at(1), revoked_at: null };
      const newer = { ...older, id: uuidv7(), name: 'reader', scopes: ['read' as const], created_at: at(2) };
      await insertApiKey(store.db, older);
      await insertApiKey(store.db, newer);
      expect(await findActiveApiKey(store.db, older.id)).toEqual({ contributor_id: person.id, roles: person.roles, secret_hash: 'scrypt$a', scopes: ['read', 'ingest'] });
      expect((await listApiKeys(store.db, person.id)).map(toApiKey)).toEqual([newer, older].map(({ contributor_id: _c, secret_hash: _s, ...k }) => k));
      await revokeApiKey(store.db, older.id, at(3));
      await revokeApiKey(store.db, older.id, at(4));
      expect(await findActiveApiKey(store.db, older.id)).toBeUndefined();
      expect((await findApiKey(store.db, older.id))?.revoked_at, 'revoked once, at the first revocation').toBe(at(3));
      expect(await findActiveApiKey(store.db, newer.id)).toBeDefined();
    });
  });

  describe('constraints', () => {
    let opened: Opened;
    let store: Store;
    beforeAll(async () => {
      opened = await openMigrated(database);
      store = opened.store;
    });
    afterAll(() => closeAll([store], opened.drop));

    it('refuses a second contributor handle, community slug, model slug, version of a model, or primary key', async () => {
      const person = newContributor();
      await insertContributor(store.db, person);
      await expect(insertContributor(store.db, newContributor({ handle: person.handle })), 'handle').rejects.toThrow();
      await expect(insertContributor(store.db, newContributor({ id: person.id })), 'contributor id').rejects.toThrow();
      expect(toContributor((await findContributorByHandle(store.db, person.handle))!)).toEqual(withoutHash(person));
      expect(await countContributors(store.db)).toBe(1);

      const community = newCommunity();
      await insertCommunity(store.db, community);
      await expect(insertCommunity(store.db, newCommunity({ slug: community.slug })), 'community slug').rejects.toThrow();
      const model = newModel(community.id, person.id);
      await insertModel(store.db, model);
      await expect(insertModel(store.db, newModel(community.id, person.id, { slug: model.slug })), 'model slug').rejects.toThrow();
      const sibling = newModel(community.id, person.id);
      await insertModel(store.db, sibling);
      const v = newVersion(model.id, { version: '1.0.0' });
      await insertModelVersion(store.db, v);
      await expect(insertModelVersion(store.db, newVersion(model.id, { version: '1.0.0' })), 'model version').rejects.toThrow();
      await insertModelVersion(store.db, newVersion(sibling.id, { version: '1.0.0' })); // the same version of another model is fine
      await insertModelVersion(store.db, newVersion(model.id, { version: '1.0.0-rc' }));
      expect((await listModelVersions(store.db, model.id)).map((r) => r.version).sort()).toEqual(['1.0.0', '1.0.0-rc']);
      expect(toModelVersion((await findModelVersionByName(store.db, model.id, '1.0.0'))!)).toEqual(v);

      const conv = newConversation(person.id);
      await insertConversation(store.db, conv, null);
      await expect(insertConversation(store.db, newConversation(person.id, { id: conv.id }), null), 'conversation id').rejects.toThrow();
      const m = newMessage(conv.id);
      await insertMessages(store.db, [m].map(unscrubbed));
      // A batch with one taken id stores none of the batch.
      const fresh = newMessage(conv.id);
      await expect(insertMessages(store.db, [fresh, newMessage(conv.id, { id: m.id })].map(unscrubbed)), 'message id').rejects.toThrow();
      expect(await existingMessageIds(store.db, [fresh.id])).toEqual(new Set());
      const f = toFeedbackRow({ ...eventMeta({ contributor_id: person.id, conversation_id: conv.id }), kind: 'regenerate', message_id: m.id }, null);
      await insertFeedback(store.db, [f]);
      await expect(insertFeedback(store.db, [{ ...f, kind: 'flag' }]), 'feedback id').rejects.toThrow();
      expect(await findFeedback(store.db, f.id)).toEqual(f);
    });

    it('refuses rows that point at nothing (foreign keys)', async () => {
      const person = newContributor();
      await insertContributor(store.db, person);
      const community = newCommunity();
      await insertCommunity(store.db, community);
      const model = newModel(community.id, person.id);
      await insertModel(store.db, model);
      const version = newVersion(model.id);
      await insertModelVersion(store.db, version);
      const conv = newConversation(person.id);
      await insertConversation(store.db, conv, null);
      const m = newMessage(conv.id);
      await insertMessages(store.db, [m].map(unscrubbed));
      const consent = newConsent(person.id);
      await insertConsent(store.db, consent);
      const ghost = 'ghost-id';

      const refused: [string, () => Promise<unknown>][] = [
        ['consent of nobody', () => insertConsent(store.db, newConsent(ghost))],
        ['session of nobody', () => insertSession(store.db, { id: uuidv7(), contributor_id: ghost, created_at: at(0), expires_at: at(1) })],
        ['API key of nobody', () => insertApiKey(store.db, { id: uuidv7(), contributor_id: ghost, name: 'k', secret_hash: 'h', scopes: ['read'], created_at: at(0), revoked_at: null })],
        ['model in no community', () => insertModel(store.db, newModel(ghost, person.id))],
        ['model of no owner', () => insertModel(store.db, newModel(community.id, ghost))],
        ['version of no model', () => insertModelVersion(store.db, newVersion(ghost))],
        ['conversation of nobody', () => insertConversation(store.db, newConversation(ghost), null)],
        ['conversation in no community', () => insertConversation(store.db, newConversation(person.id, { community_id: ghost }), null)],
        ['message in no conversation', () => insertMessages(store.db, [newMessage(ghost)].map(unscrubbed))],
        ['message under no parent', () => insertMessages(store.db, [newMessage(conv.id, { parent_id: ghost })].map(unscrubbed))],
        ['message of no model', () => insertMessages(store.db, [newMessage(conv.id, { model_id: ghost })].map(unscrubbed))],
        ['message of no model version', () => insertMessages(store.db, [newMessage(conv.id, { model_id: model.id, model_version_id: ghost })].map(unscrubbed))],
        ['message by nobody', () => insertMessages(store.db, [newMessage(conv.id, { contributor_id: ghost })].map(unscrubbed))],
      ];
      const event = (over: { contributor_id?: string; conversation_id?: string; message_id?: string }, consentId: string | null) =>
        toFeedbackRow({ ...eventMeta({ contributor_id: over.contributor_id ?? person.id, conversation_id: over.conversation_id ?? conv.id }), kind: 'regenerate', message_id: over.message_id ?? m.id }, consentId);
      refused.push(
        ['feedback by nobody', () => insertFeedback(store.db, [event({ contributor_id: ghost }, null)])],
        ['feedback on no conversation', () => insertFeedback(store.db, [event({ conversation_id: ghost }, null)])],
        ['feedback on no message', () => insertFeedback(store.db, [event({ message_id: ghost }, null)])],
        ['feedback under no consent', () => insertFeedback(store.db, [event({}, ghost)])],
      );
      const countAll = async () =>
        Object.fromEntries(
          await Promise.all(TABLES.map(async (t) => [t, Number((await store.db.selectFrom(t).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n)] as const)),
        );
      const before = await countAll();
      const accepted: string[] = [];
      for (const [what, insert] of refused) {
        try {
          await insert();
          accepted.push(what);
        } catch {
          // refused, as it should be
        }
      }
      expect(accepted, 'rows with a dangling reference were stored').toEqual([]);

      expect(await countAll(), 'nothing of the refused rows was stored').toEqual(before);
      // …and the same rows with real references go in.
      await insertFeedback(store.db, [event({}, consent.id)]);
      await insertMessages(store.db, [newMessage(conv.id, { parent_id: m.id, model_id: model.id, model_version_id: version.id, contributor_id: person.id })].map(unscrubbed));
    });
  });

  describe('keyset pagination', () => {
    let opened: Opened;
    let store: Store;
    let pool: Pool;
    beforeAll(async () => {
      opened = await openMigrated(database);
      store = opened.store;
      pool = await seedPool(store, 20260301);
    });
    afterAll(() => closeAll([store], opened.drop));

    it('lists feedback newest first, every row exactly once, whatever the page size and filter', async () => {
      const byId = new Map(pool.feedback.map((r) => [r.id, r]));
      for (const filter of feedbackFilters(pool)) {
        const expected = pool.feedback.filter((r) => feedbackMatches(r, filter)).sort(newestFirst).map((r) => r.id);
        for (const limit of [1, 7, 50, 1000]) {
          const rows = await pageAll((after, n) => listFeedback(store.db, filter, after, n), limit);
          expect(rows.map((r) => r.id), `${JSON.stringify(filter)} in pages of ${limit}`).toEqual(expected);
          if (limit === 1000) for (const r of rows) expect(r).toEqual(byId.get(r.id));
        }
      }
      expect(pool.feedback.filter((r) => feedbackMatches(r, { status: 'active' })).length).toBeGreaterThan(100);
    });

    it('lists conversations newest first, every row exactly once, whatever the page size and filter', async () => {
      const byId = new Map(pool.conversations.map((c) => [c.id, c]));
      for (const filter of conversationFilters(pool)) {
        const expected = expectedConversations(pool, filter);
        for (const limit of [1, 4, 1000]) {
          const rows = await pageAll((after, n) => listConversations(store.db, filter, after, n), limit);
          expect(rows.map((r) => r.id), `${JSON.stringify(filter)} in pages of ${limit}`).toEqual(expected);
          if (limit === 1000) for (const r of rows) expect(toConversation(r)).toEqual(byId.get(r.id));
        }
      }
    });

    it('pages through runs of equal timestamps whose ids differ only in case and punctuation', async () => {
      const person = pool.contributors[0]!;
      const conv = newConversation(person, { id: `tie-conv-${uuidv7()}` });
      await insertConversation(store.db, conv, null);
      const stamp = '2020-06-15T12:00:00.000Z';
      const ids = ['tie:A', 'tie:a', 'tie:B', 'tie:b', 'tie:A-1', 'tie:A.1', 'tie:A_1', 'tie:A:1', 'tie:A1', 'tie:a1', 'tie:Z', 'tie:0', 'tie:9', 'tie:-'];
      const rows = ids.map((id) => toFeedbackRow({ ...eventMeta({ contributor_id: person, conversation_id: conv.id }, { id, created_at: stamp, updated_at: stamp }), kind: 'flag', message_id: null, reason: 'spam', note: null }, null));
      await insertFeedback(store.db, rows);
      const filter: FeedbackWhere = { status: 'active', conversation_id: conv.id };
      const expected = [...ids].sort().reverse(); // code unit order = byte order for ASCII ids
      for (const limit of [1, 2, 3, 100]) {
        expect((await pageAll((after, n) => listFeedback(store.db, filter, after, n), limit)).map((r) => r.id), `pages of ${limit}`).toEqual(expected);
      }
    });

    it('sorts timestamps as text in time order, and filters since (inclusive) and until (exclusive) to the millisecond', async () => {
      const person = pool.contributors[1]!;
      const conv = newConversation(person, { id: `time-conv-${uuidv7()}` });
      await insertConversation(store.db, conv, null);
      const instants = [
        '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '2024-03-01T00:00:00.000Z',
        '2026-01-09T23:59:59.999Z', '2026-01-10T00:00:00.000Z', '2026-09-30T09:00:00.000Z', '2026-10-01T08:00:00.000Z',
        '2026-10-01T08:00:00.009Z', '2026-10-01T08:00:00.010Z', '2026-10-01T08:00:00.100Z', '2026-10-01T08:00:01.000Z',
        '2026-10-01T08:00:10.000Z', '2026-10-01T08:01:00.000Z', '2026-10-01T10:00:00.000Z', '2026-10-01T19:59:59.999Z',
        '2099-12-31T23:59:59.999Z', '2100-01-01T00:00:00.000Z',
      ].map((s) => new Date(s).toISOString());
      const order = shuffled(instants, 99);
      const rows = order.map((created_at) =>
        toFeedbackRow({ ...eventMeta({ contributor_id: person, conversation_id: conv.id }, { created_at, updated_at: created_at }), kind: 'thumbs', message_id: pool.messages[1]!.id, value: 'up' }, null),
      );
      await insertFeedback(store.db, rows);
      const chrono = [...instants].sort((a, b) => Date.parse(a) - Date.parse(b));
      const listed = await listFeedback(store.db, { status: 'active', conversation_id: conv.id }, undefined, 100);
      expect(listed.map((r) => r.created_at)).toEqual([...chrono].reverse());

      for (const [since, until] of [
        ['2026-10-01T08:00:00.009Z', '2026-10-01T08:00:00.100Z'],
        ['2024-02-29T23:59:59.999Z', '2026-01-10T00:00:00.000Z'],
        ['2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z'],
      ] as const) {
        const got = await listFeedback(store.db, { status: 'active', conversation_id: conv.id, since, until }, undefined, 100);
        const want = chrono.filter((t) => Date.parse(t) >= Date.parse(since) && Date.parse(t) < Date.parse(until)).reverse();
        expect(got.map((r) => r.created_at), `since ${since} until ${until}`).toEqual(want);
      }

      // Messages list oldest first by the same text order.
      const c2 = newConversation(person, { id: `time-conv2-${uuidv7()}` });
      await insertConversation(store.db, c2, null);
      await insertMessages(store.db, order.map((created_at) => unscrubbed(newMessage(c2.id, { created_at }))));
      expect((await listMessages(store.db, c2.id)).map((m) => m.created_at)).toEqual(chrono);
    });

    it('keeps every page boundary exact while newer rows arrive between pages', async () => {
      const filter: FeedbackWhere = { status: 'active', language: 'en' };
      const before = (await listFeedback(store.db, filter, undefined, 100_000)).map((r) => r.id);
      expect(before.length).toBeGreaterThan(10);
      const person = pool.contributors[2]!;
      const conv = pool.conversations[1]!;
      const arrived: FeedbackTable[] = [];
      const rows = await pageAll(
        (after, n) => listFeedback(store.db, filter, after, n),
        5,
        async (page) => {
          // A burst of new events, all newer than anything listed so far (three at one shared instant).
          const stamp = new Date(Date.parse('2030-01-01T00:00:00.000Z') + page).toISOString();
          const burst = [0, 1, 2].map(() =>
            toFeedbackRow({ ...eventMeta({ contributor_id: person, conversation_id: conv.id, language: 'en' }, { created_at: stamp, updated_at: stamp }), kind: 'flag', message_id: null, reason: 'spam', note: null }, null),
          );
          await insertFeedback(store.db, burst);
          arrived.push(...burst);
        },
      );
      expect(arrived.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.id), 'the walk saw exactly the rows that existed when it began, each once').toEqual(before);
      const now = (await listFeedback(store.db, filter, undefined, 100_000)).map((r) => r.id);
      expect(now).toEqual([...arrived].sort(newestFirst).map((r) => r.id).concat(before));
    });
  });

  describe('counts', () => {
    let opened: Opened;
    let store: Store;
    beforeAll(async () => {
      opened = await openMigrated(database);
      store = opened.store;
    });
    afterAll(() => closeAll([store], opened.drop));

    it('counts what is active, and feedback by kind, community, model and language, largest group first', async () => {
      expect(await countActive(store.db, 'feedback')).toBe(0);
      expect(await countFeedbackBy(store.db, 'kind')).toEqual([]);
      const [a, b, c, d] = [newContributor(), newContributor(), newContributor(), newContributor()];
      for (const p of [a!, b!, c!, d!]) await insertContributor(store.db, p);
      await insertConsent(store.db, newConsent(a!.id));
      await insertConsent(store.db, newConsent(b!.id, { withdrawn_at: at(5) }));
      await insertConsent(store.db, newConsent(c!.id));
      await insertConsent(store.db, newConsent(c!.id));
      const [c1, c2] = [newCommunity(), newCommunity()];
      await insertCommunity(store.db, c1!);
      await insertCommunity(store.db, c2!);
      const [m1, m2, m3] = [newModel(c1!.id, a!.id), newModel(c1!.id, a!.id), newModel(c2!.id, a!.id)];
      for (const m of [m1!, m2!, m3!]) await insertModel(store.db, m);
      const convs = [newConversation(a!.id), newConversation(a!.id), newConversation(b!.id), newConversation(b!.id, { status: 'withdrawn' }), newConversation(c!.id, { status: 'removed' })];
      for (const cv of convs) await insertConversation(store.db, cv, null);
      const conv = convs[0]!;
      const msgs = [
        newMessage(conv.id), newMessage(conv.id), newMessage(conv.id), newMessage(conv.id), newMessage(conv.id),
        newMessage(conv.id, { status: 'withdrawn' }), newMessage(conv.id, { status: 'removed' }),
      ];
      await insertMessages(store.db, msgs.map(unscrubbed));
      const msg = msgs[0]!.id;

      const spec: [FeedbackKind, string | null, string | null, string | null, RecordStatus][] = [
        ['thumbs', c1!.id, m1!.id, 'pt', 'active'],
        ['thumbs', c1!.id, m1!.id, 'pt', 'active'],
        ['thumbs', c1!.id, m1!.id, 'pt', 'active'],
        ['thumbs', c1!.id, m1!.id, 'pt', 'active'],
        ['rating', c1!.id, m1!.id, 'pt', 'active'],
        ['rating', c1!.id, m2!.id, 'pt', 'active'],
        ['rating', c2!.id, m2!.id, 'pt', 'active'],
        ['flag', c2!.id, m2!.id, 'en', 'active'],
        ['flag', c2!.id, null, 'en', 'active'],
        ['critique', null, null, null, 'active'],
        ['thumbs', c2!.id, m3!.id, 'en', 'withdrawn'],
        ['thumbs', c2!.id, m3!.id, 'en', 'withdrawn'],
        ['thumbs', c2!.id, m3!.id, 'en', 'removed'],
      ];
      const rows = spec.map(([kind, community_id, model_id, language, status]) => {
        const meta = eventMeta({ contributor_id: a!.id, conversation_id: conv.id, community_id, model_id, language }, { status });
        const f: Feedback =
          kind === 'thumbs' ? { ...meta, kind, message_id: msg, value: 'up' }
          : kind === 'rating' ? { ...meta, kind, message_id: msg, question_id: null, score: 5, scale_min: 1, scale_max: 5 }
          : kind === 'flag' ? { ...meta, kind, message_id: null, reason: 'unsafe', note: null }
          : { ...meta, kind: 'critique', message_id: null, text: 'hm', span: null, sentiment: null };
        return toFeedbackRow(f, null);
      });
      await insertFeedback(store.db, rows);

      expect({
        communities: await countActive(store.db, 'communities'),
        models: await countActive(store.db, 'models'),
        conversations: await countActive(store.db, 'conversations'),
        messages: await countActive(store.db, 'messages'),
        feedback: await countActive(store.db, 'feedback'),
        contributors: await countContributors(store.db),
        consented: await countConsentedContributors(store.db),
      }).toEqual({ communities: 2, models: 3, conversations: 3, messages: 5, feedback: 10, contributors: 4, consented: 2 });
      expect(await countFeedbackBy(store.db, 'kind')).toEqual([
        { key: 'thumbs', count: 4 }, { key: 'rating', count: 3 }, { key: 'flag', count: 2 }, { key: 'critique', count: 1 },
      ]);
      expect(await countFeedbackBy(store.db, 'community_id')).toEqual([
        { key: c1!.id, count: 6 }, { key: c2!.id, count: 3 }, { key: null, count: 1 },
      ]);
      expect(await countFeedbackBy(store.db, 'model_id')).toEqual([
        { key: m1!.id, count: 5 }, { key: m2!.id, count: 3 }, { key: null, count: 2 },
      ]);
      expect(await countFeedbackBy(store.db, 'language')).toEqual([
        { key: 'pt', count: 7 }, { key: 'en', count: 2 }, { key: null, count: 1 },
      ]);
    });
  });

  describe('store.write', () => {
    let opened: Opened;
    let store: Store;
    let reader: Store;
    beforeAll(async () => {
      opened = await openMigrated(database);
      store = opened.store;
      reader = await openStore(opened.url); // a second process on the same database
    });
    afterAll(() => closeAll([reader, store], opened.drop));

    it("resolves with the work's result, and a write that throws stores nothing of what it wrote", async () => {
      const person = newContributor();
      const community = newCommunity();
      const conv = newConversation(person.id);
      const message = newMessage(conv.id);
      const principal = `p-${uuidv7()}`;
      const result = await store.write(async (trx) => {
        await insertIdempotentResponse(trx, idempotencyRow(principal, 'committed'));
        return { answer: 42, text: UNICODE_TEXT };
      });
      expect(result).toEqual({ answer: 42, text: UNICODE_TEXT });

      const failure = new Error('the service changed its mind');
      const outcome = store.write(async (trx) => {
        await insertContributor(trx, person);
        await insertCommunity(trx, community);
        await insertModel(trx, newModel(community.id, person.id));
        await insertConversation(trx, conv, null);
        await insertMessages(trx, [unscrubbed(message)]);
        await insertConsent(trx, newConsent(person.id));
        await insertIdempotentResponse(trx, idempotencyRow(principal, 'rolled-back'));
        await updateContributor(trx, person.id, { display_name: 'changed' });
        throw failure;
      });
      await expect(outcome).rejects.toBe(failure);
      expect(await findContributorById(store.db, person.id)).toBeUndefined();
      expect(await findCommunity(store.db, community.id)).toBeUndefined();
      expect(await findConversation(store.db, conv.id)).toBeUndefined();
      expect(await findMessages(store.db, [message.id])).toEqual([]);
      expect(await findLatestConsent(store.db, person.id)).toBeUndefined();
      expect(await storedKeys(store, principal)).toEqual(['committed']);
      expect(await storedKeys(reader, principal), 'seen the same from another connection').toEqual(['committed']);
    });

    it('rolls back exactly the writes that fail among 50 concurrent ones, and settles each with its own outcome', async () => {
      const principal = `p-${uuidv7()}`;
      const person = newContributor();
      await insertContributor(store.db, person);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          store.write(async (trx) => {
            await insertIdempotentResponse(trx, idempotencyRow(principal, `w${i}-a`));
            if (i % 5 === 1) throw new Error(`write ${i} throws halfway`);
            await sleep(i % 3); // let the other writes interleave
            await insertIdempotentResponse(trx, idempotencyRow(principal, `w${i}-b`));
            if (i % 5 === 2) await insertConsent(trx, newConsent('nobody')); // a statement that fails: foreign key
            if (i % 5 === 3) await insertIdempotentResponse(trx, idempotencyRow(principal, `w${i}-a`)); // fails: primary key
            if (i % 7 === 0) throw new Error(`write ${i} throws at the end`);
            await insertConsent(trx, newConsent(person.id, { terms_version: `w${i}` }));
            return i;
          }),
        ),
      );
      const ok = (i: number) => i % 5 !== 1 && i % 5 !== 2 && i % 5 !== 3 && i % 7 !== 0;
      outcomes.forEach((o, i) => {
        if (ok(i)) expect(o, `write ${i}`).toEqual({ status: 'fulfilled', value: i });
        else expect(o.status, `write ${i}`).toBe('rejected');
        if (i % 5 === 1) expect((o as PromiseRejectedResult).reason).toEqual(new Error(`write ${i} throws halfway`));
        else if (i % 7 === 0 && i % 5 === 0) expect((o as PromiseRejectedResult).reason).toEqual(new Error(`write ${i} throws at the end`));
      });
      const survivors = Array.from({ length: 50 }, (_, i) => i).filter(ok);
      expect(survivors.length).toBeGreaterThan(10);
      expect(await storedKeys(store, principal)).toEqual(survivors.flatMap((i) => [`w${i}-a`, `w${i}-b`]).sort());
      const consents = await store.db.selectFrom('consents').select('terms_version').where('contributor_id', '=', person.id).execute();
      expect(consents.map((c) => c.terms_version).sort()).toEqual(survivors.map((i) => `w${i}`).sort());
    });

    it('commits a burst larger than one group commit (600 writes, every 7th failing)', async () => {
      const principal = `p-${uuidv7()}`;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 600 }, (_, i) =>
          store.write(async (trx) => {
            await insertIdempotentResponse(trx, idempotencyRow(principal, `k${String(i).padStart(3, '0')}`));
            if (i % 7 === 0) throw new Error('no');
            return i;
          }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(86);
      expect(await storedKeys(store, principal)).toEqual(Array.from({ length: 600 }, (_, i) => i).filter((i) => i % 7 !== 0).map((i) => `k${String(i).padStart(3, '0')}`));
    });

    it('resolves a write only once another connection can read it', async () => {
      const principal = `p-${uuidv7()}`;
      const seen: (boolean | Promise<boolean>)[] = [];
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store
            .write(async (trx) => {
              await insertIdempotentResponse(trx, idempotencyRow(principal, `v${i}`));
              if (i % 2 === 0) await sleep(1);
              return i;
            })
            // Checked the moment the promise settles, before anything else runs (synchronously on SQLite).
            .then((v) => seen.push(seenElsewhere(reader, principal, `v${v}`))),
        ),
      );
      expect(await Promise.all(seen)).toEqual(Array.from({ length: 50 }, () => true));

      // And a connection opened afterwards, as a restarted process would.
      const key = 'after-restart';
      await store.write((trx) => insertIdempotentResponse(trx, idempotencyRow(principal, key)));
      const late = await openStore(opened.url);
      try {
        expect(await findIdempotentResponse(late.db, principal, key)).toEqual(idempotencyRow(principal, key));
        expect((await storedKeys(late, principal)).length).toBe(51);
      } finally {
        await late.close();
      }
    });

    it('never lets a reader see a write before it commits, nor a write that rolls back', async () => {
      const principal = `p-${uuidv7()}`;
      let inserted!: () => void;
      const insertedP = new Promise<void>((r) => (inserted = r));
      const failing = store.write(async (trx) => {
        await insertIdempotentResponse(trx, idempotencyRow(principal, 'doomed'));
        inserted();
        await sleep(100);
        throw new Error('rolled back');
      });
      const outcome = failing.then(() => 'committed', () => 'rolled back');
      await insertedP;
      expect(await seenElsewhere(reader, principal, 'doomed'), 'another connection, mid-write').toBe(false);
      expect(await findIdempotentResponse(store.db, principal, 'doomed'), 'the same store, outside the write').toBeUndefined();
      expect(await outcome).toBe('rolled back');
      expect(await storedKeys(store, principal)).toEqual([]);
      expect(await storedKeys(reader, principal)).toEqual([]);
    });

    it('keeps pending writes working while another process writes to the same database', async () => {
      // E.g. `openfeedback admin create` or an ingest run while the server is up. Most service writes read first
      // (consent gate, idempotency lookup), then write.
      const principal = `p-${uuidv7()}`;
      const other = otherProcess(opened.url, 'await store.write((trx) => insertIdempotentResponse(trx, args)); return "other-process";', idempotencyRow(principal, 'other-process'));
      try {
        await other.ready;
        let hasRead!: () => void;
        const readDone = new Promise<void>((r) => (hasRead = r));
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const pending = [
          store.write(async (trx) => {
            await findIdempotentResponse(trx, principal, 'server-write');
            hasRead();
            await gate;
            await insertIdempotentResponse(trx, idempotencyRow(principal, 'server-write'));
            return 'server-write';
          }),
          ...[1, 2, 3].map((i) =>
            store.write(async (trx) => {
              await insertIdempotentResponse(trx, idempotencyRow(principal, `server-other-${i}`));
              return `server-other-${i}`;
            }),
          ),
        ];
        await readDone;
        other.go();
        // Let the other process commit if it can; if the database makes it wait for us instead, that is fine too.
        await Promise.race([other.result, sleep(1000)]);
        release();
        const outcomes = await Promise.allSettled(pending);
        const results = [...outcomes.map((o) => (o.status === 'fulfilled' ? o.value : `FAILED: ${(o.reason as Error).message}`)), await other.result];
        expect(
          results,
          'writes failed because another process committed in between. On SQLite the group commit opens a deferred ' +
            'transaction (BEGIN): once a write in it has read, another connection commits, and the upgrade to a write ' +
            'lock fails at once with SQLITE_BUSY_SNAPSHOT ("database is locked"; busy_timeout does not apply), failing ' +
            'every write of the group. Fix: BEGIN IMMEDIATE for the group transaction.',
        ).toEqual(['server-write', 'server-other-1', 'server-other-2', 'server-other-3', '"other-process"']);
        expect(await storedKeys(store, principal)).toEqual(['other-process', 'server-other-1', 'server-other-2', 'server-other-3', 'server-write']);
      } finally {
        other.go();
        await other.result;
      }
    }, 30_000);
  });
});

// =========================================================================================================

describe.skipIf(!POSTGRES_AVAILABLE)('SQLite and PostgreSQL give the same answers to the same workload', () => {
  /** Everything a reader of the store can observe of a seeded pool, as plain data. */
  async function observe(store: Store, pool: Pool) {
    const feedbackPages = [];
    for (const filter of feedbackFilters(pool)) feedbackPages.push(await pageAll((after, n) => listFeedback(store.db, filter, after, n), 9));
    const conversationPages = [];
    for (const filter of conversationFilters(pool)) conversationPages.push(await pageAll((after, n) => listConversations(store.db, filter, after, n), 4));
    const messages = [];
    for (const c of pool.conversations) messages.push(await listMessages(store.db, c.id));
    const feedback = [];
    for (const r of pool.feedback) feedback.push(toFeedback((await findFeedback(store.db, r.id))!));
    return {
      feedbackPages,
      conversationPages,
      messages,
      feedback,
      communities: (await listCommunities(store.db)).map(toCommunity),
      models: (await listModels(store.db, undefined)).map(toModel),
      contributors: (await listContributors(store.db, undefined, 100)).map(toContributor),
      counts: await Promise.all((['communities', 'models', 'conversations', 'messages', 'feedback'] as const).map((t) => countActive(store.db, t))),
      byKind: await countFeedbackBy(store.db, 'kind'),
      byLanguage: await countFeedbackBy(store.db, 'language'),
    };
  }

  it('observes identical rows, orders and counts on both', async () => {
    const sqlite = await openMigrated(SQLITE_TEST_DATABASE);
    const postgres = await openMigrated(POSTGRES_TEST_DATABASE);
    try {
      const poolS = await seedPool(sqlite.store, 7);
      const poolP = await seedPool(postgres.store, 7);
      expect(poolP, 'the same inputs went into both').toEqual(poolS);
      const [fromSqlite, fromPostgres] = [await observe(sqlite.store, poolS), await observe(postgres.store, poolP)];
      expect(fromSqlite.feedbackPages.flat().length).toBeGreaterThan(100);
      expect(fromPostgres).toEqual(fromSqlite);
    } finally {
      await closeAll([sqlite.store], sqlite.drop);
      await closeAll([postgres.store], postgres.drop);
    }
  });
});
