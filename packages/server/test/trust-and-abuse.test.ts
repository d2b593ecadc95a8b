import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@openfeedback/core';
import { battleExpiryCutoff } from '../src/services/arena-expiry.js';
import type { ServiceContext } from '../src/services/context.js';
import { secondsUntilNextUtcDay } from '../src/services/daily-cap.js';
import { SQLITE_TEST_DATABASE, TEST_DATABASES } from './support/databases.js';
import { createTestApp, grantRoles, signUp, signUpAdmin, startConversation, type Actor, type TestApp } from './support/test-app.js';

/**
 * Trust and abuse, closing the gaps of "arena, leaderboards and quality control": arena votes under
 * the daily feedback cap (429 with Retry-After to midnight UTC); request rate limits per API key and
 * per account in all; abandoned arena battles expiring; aggregated, trust-weighted labels with their
 * confidence in exports and releases, from a simulated crowd (honest, random, adversarial); and the
 * rate-the-pool queue serving by need within the rater's languages, with a fallback, checked
 * serving by serving against an oracle of the order.
 */

type Label = 'up' | 'down';

/** The `start` event of an arena stream (sent through inject, the whole stream comes as one body). */
function battleStart(body: string): { battle_id: string; conversation_id: string } {
  const line = body.split('\n').find((l) => l.startsWith('data: {"type":"start"'));
  if (line === undefined) throw new Error(`no start event in ${body}`);
  return JSON.parse(line.slice(6));
}

/** A community of its own whose arena holds two built-in pool models (they answer at once, with no endpoint). */
async function arenaCommunity(admin: Actor, slug: string): Promise<string> {
  const community = await admin.request('POST', '/v1/communities', { slug, name: 'Arena', kind: 'domain' });
  expect(community.statusCode, community.body).toBe(201);
  // Names no answer of the built-in model contains ("The pool has nothing close…" would name a model called "pool").
  for (const name of ['Quagga A', 'Quagga B']) {
    const res = await admin.request('POST', '/v1/models', { slug: `${slug}-${name.at(-1)!.toLowerCase()}`, name, community_id: community.json().id, base_url: null, model_name: `quagga-${name.at(-1)!.toLowerCase()}` });
    expect(res.statusCode, res.body).toBe(201);
  }
  return community.json().id;
}

async function startBattle(actor: Actor, communityId: string, content = 'Which river runs through Lisbon?') {
  const res = await actor.request('POST', '/v1/arena/battles', { community_id: communityId, content });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.body).toContain('"type":"end","status":"open"');
  return battleStart(res.body);
}

const thumbs = (actor: Actor, conv: { id: string; messages: { id: string; role: string }[] }, value: Label) =>
  actor.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: conv.messages.find((m) => m.role === 'assistant')!.id, value });

describe.each(TEST_DATABASES)('arena votes under the daily feedback cap on $name', (database) => {
  let t: TestApp;
  let clock = new Date('2026-12-01T23:58:00.000Z');
  beforeAll(async () => {
    t = await createTestApp(database, { dailyFeedbackCap: 2 }, { now: () => clock });
  });
  afterAll(() => t.close());

  it('refuses a vote past the cap with 429 and Retry-After to midnight UTC, keeps the battle open, and takes the vote the next day', async () => {
    const admin = await signUpAdmin(t);
    const community = await arenaCommunity(admin, `capped-${database.name}`);
    const person = await signUp(t.app);
    const conv = await startConversation(person);
    for (const value of ['up', 'down'] as const) expect((await thumbs(person, conv, value)).statusCode).toBe(201);
    const feedback = async () => (await t.ctx.store.db.selectFrom('feedback').select('id').where('contributor_id', '=', person.id).execute()).length;

    // The cap's 429 says when to come back: at 23:58:00 UTC, in 120 seconds.
    const over = await thumbs(person, conv, 'up');
    expect({ status: over.statusCode, code: over.json().error.code, retry: over.headers['retry-after'] }).toEqual({ status: 429, code: 'daily_cap_reached', retry: '120' });

    const battle = await startBattle(person, community);
    const vote = await person.request('POST', `/v1/arena/battles/${battle.battle_id}/vote`, { winner: 'a' });
    expect({ status: vote.statusCode, code: vote.json().error.code, retry: vote.headers['retry-after'] }).toEqual({ status: 429, code: 'daily_cap_reached', retry: '120' });
    expect(await feedback()).toBe(2);
    // Nothing closed and no name shown: the battle waits for tomorrow.
    const waiting = (await person.request('GET', `/v1/arena/battles/${battle.battle_id}`)).json();
    expect(waiting).toMatchObject({ status: 'open', outcome: null, model_a: null, model_b: null, feedback_id: null });

    clock = new Date('2026-12-02T00:00:30.000Z');
    const counted = await person.request('POST', `/v1/arena/battles/${battle.battle_id}/vote`, { winner: 'a' });
    expect(counted.statusCode, counted.body).toBe(200);
    expect(counted.json()).toMatchObject({ status: 'voted', outcome: 'a' });
    expect(await feedback()).toBe(3);
    // The vote used one of the new day's two events.
    expect((await person.request('GET', '/v1/me/quality')).json().daily_feedback).toEqual({ cap: 2, remaining: 1 });
  });

  it('counts Retry-After to the next midnight UTC, at least one second', () => {
    expect(secondsUntilNextUtcDay(new Date('2026-12-01T23:59:59.500Z'))).toBe(1);
    expect(secondsUntilNextUtcDay(new Date('2026-12-01T00:00:00.000Z'))).toBe(86_400);
    expect(secondsUntilNextUtcDay(new Date('2026-12-31T12:00:00.000Z'))).toBe(43_200);
  });
});

describe('request rate limits per API key and per account (SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(SQLITE_TEST_DATABASE, { rateLimitMax: 3, rateLimitAccountMax: 7 });
  });
  afterAll(() => t.close());

  it('gives each API key a bucket of its own, and bounds the account over all its keys and sessions', async () => {
    const person = await signUp(t.app, { consent: false });
    const other = await signUp(t.app, { consent: false });
    const key = async () => {
      const res = await person.request('POST', '/v1/api-keys', { name: 'app', scopes: ['read'] });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().key as string;
    };
    const asKey = (k: string) => t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${k}` } });
    const [key1, key2] = [await key(), await key()]; // the session's requests 1 and 2; the account's 1 and 2
    expect((await person.request('GET', '/v1/me')).statusCode).toBe(200); // 3 and 3
    const session = await person.request('GET', '/v1/me'); // the session's 4th: over its 3
    expect({ status: session.statusCode, code: session.json().error.code }).toEqual({ status: 429, code: 'rate_limited' });
    expect(session.headers['retry-after']).toMatch(/^\d+$/);

    // The first key has its own bucket of 3, untouched by the session's.
    for (let i = 0; i < 3; i++) expect((await asKey(key1)).statusCode).toBe(200); // the account's 5, 6, 7
    // The second key has used none of its own, but the account has used its 7 over all.
    const account = await asKey(key2);
    expect({ status: account.statusCode, code: account.json().error.code }).toEqual({ status: 429, code: 'rate_limited' });
    expect(account.json().error.message).toContain('account');
    expect(Number(account.headers['retry-after'])).toBeGreaterThan(0);
    // Nobody else is held back.
    expect((await other.request('GET', '/v1/me')).statusCode).toBe(200);
  });
});

describe.each(TEST_DATABASES)('abandoned arena battles on $name', (database) => {
  let t: TestApp;
  let clock = new Date('2026-12-10T10:00:00.000Z');
  const later = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
  let admin: Actor;
  let moderator: Actor;
  let person: Actor;
  let community: string;
  const battleOf = async (id: string) => (await person.request('GET', `/v1/arena/battles/${id}`)).json();

  beforeAll(async () => {
    t = await createTestApp(database, { arenaBattleExpiryMinutes: 60 }, { now: () => clock });
    admin = await signUpAdmin(t);
    moderator = await signUp(t.app);
    await grantRoles(admin, moderator, ['moderator']);
    community = await arenaCommunity(admin, `expiry-${database.name}`);
    person = await signUp(t.app);
  });
  afterAll(() => t.close());

  it('the quality pass closes a battle left open past arenaBattleExpiryMinutes as invalid (expired), shows its models, and refuses it with 409 battle_expired', async () => {
    const stale = await startBattle(person, community);
    later(30);
    const fresh = await startBattle(person, community);
    later(31); // the first is 61 minutes old, the second 31
    const pass = await moderator.request('POST', '/v1/quality/pass');
    expect(pass.statusCode, pass.body).toBe(200);
    expect(pass.json().battles_expired).toBe(1);
    expect(await battleOf(stale.battle_id)).toMatchObject({ status: 'invalid', invalid_reason: 'expired', outcome: null, feedback_id: null, model_a: { name: expect.any(String) } });
    expect(await battleOf(fresh.battle_id)).toMatchObject({ status: 'open', model_a: null });
    for (const [url, body] of [
      [`/v1/arena/battles/${stale.battle_id}/vote`, { winner: 'a' }],
      [`/v1/arena/battles/${stale.battle_id}/turns`, { content: 'And the Douro?' }],
    ] as const) {
      const res = await person.request('POST', url, body);
      expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 409, code: 'battle_expired' });
    }
    // The answers were named like those of any closed battle; no vote was stored.
    const answers = await t.ctx.store.db.selectFrom('messages').select('model_id').where('conversation_id', '=', stale.conversation_id).where('role', '=', 'assistant').execute();
    expect(answers.length).toBe(2);
    expect(answers.every((m) => m.model_id !== null)).toBe(true);
    expect(await t.ctx.store.db.selectFrom('feedback').select('id').where('conversation_id', '=', stale.conversation_id).execute()).toEqual([]);
    // A second pass finds nothing more to close; the younger battle takes its vote.
    expect((await moderator.request('POST', '/v1/quality/pass')).json().battles_expired).toBe(0);
    const vote = await person.request('POST', `/v1/arena/battles/${fresh.battle_id}/vote`, { winner: 'b' });
    expect(vote.statusCode, vote.body).toBe(200);
    expect(vote.json()).toMatchObject({ status: 'voted', outcome: 'b' });
  });

  it('counts from the last activity: a battle continued within the hour stays open', async () => {
    const battle = await startBattle(person, community);
    later(50);
    const turn = await person.request('POST', `/v1/arena/battles/${battle.battle_id}/turns`, { content: 'And where does it rise?' });
    expect(turn.statusCode, turn.body).toBe(200);
    expect(turn.body).toContain('"type":"end","status":"open"');
    later(50); // 100 minutes after the start, 50 after the last turn
    expect((await moderator.request('POST', '/v1/quality/pass')).json().battles_expired).toBe(0);
    const vote = await person.request('POST', `/v1/arena/battles/${battle.battle_id}/vote`, { winner: 'tie' });
    expect(vote.statusCode, vote.body).toBe(200);
    expect(vote.json()).toMatchObject({ status: 'voted', outcome: 'tie' });
  });

  it('a vote on a stale battle closes it at once, whatever the pass schedule', async () => {
    const battle = await startBattle(person, community);
    later(61);
    const vote = await person.request('POST', `/v1/arena/battles/${battle.battle_id}/vote`, { winner: 'b' });
    expect({ status: vote.statusCode, code: vote.json().error.code }).toEqual({ status: 409, code: 'battle_expired' });
    expect(await battleOf(battle.battle_id)).toMatchObject({ status: 'invalid', invalid_reason: 'expired' });
    expect(await t.ctx.store.db.selectFrom('feedback').select('id').where('conversation_id', '=', battle.conversation_id).execute()).toEqual([]);
  });

  it('never expires battles at arenaBattleExpiryMinutes 0', () => {
    const ctx = { config: { arenaBattleExpiryMinutes: 0 }, now: () => clock } as unknown as ServiceContext;
    expect(battleExpiryCutoff(ctx)).toBeNull();
    expect(battleExpiryCutoff({ ...ctx, config: { arenaBattleExpiryMinutes: 60 } } as unknown as ServiceContext)).toBe(new Date(clock.getTime() - 3_600_000).toISOString());
  });
});

describe.each(TEST_DATABASES)('trust-weighted labels in exports and releases on $name', (database) => {
  type Kind = 'honest' | 'random' | 'opposite';
  let t: TestApp;
  let releasesDir: string;
  let admin: Actor;
  let moderator: Actor;
  let author: Actor;
  let target: { id: string; messages: { id: string; role: string }[] };
  const TARGET_QUESTION = 'Which river flows into the sea at Lisbon?';
  const truth = new Map<string, Label>();

  beforeAll(async () => {
    releasesDir = mkdtempSync(join(tmpdir(), 'openfeedback-labels-'));
    // Every serving is a gold item while some are left: the raters prove themselves first.
    t = await createTestApp(database, { queueGoldRate: 1, releasesDir });
    admin = await signUpAdmin(t);
    moderator = await signUp(t.app);
    await grantRoles(admin, moderator, ['moderator']);
    author = await signUp(t.app);
    const gold = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const conv = await startConversation(moderator);
      const value: Label = i % 2 === 0 ? 'up' : 'down';
      const res = await moderator.request('POST', '/v1/gold-items', { message_id: conv.messages[1]!.id, expected: { kind: 'thumbs', value } });
      expect(res.statusCode, res.body).toBe(201);
      truth.set(conv.id, value);
      gold.add(conv.id);
    }
    const created = await author.request('POST', '/v1/conversations', {
      messages: [
        { role: 'user', content: TARGET_QUESTION },
        { role: 'assistant', content: 'The Tagus flows into the Atlantic at Lisbon.' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    target = created.json();
    truth.set(target.id, 'up');
    truth.set((await startConversation(author)).id, 'up');
    truth.set((await startConversation(author)).id, 'down');

    // Six honest raters, two random ones and nine adversaries who always answer the opposite:
    // the adversaries outnumber everyone else, so the plain majority on the target is wrong.
    const r = seededRandom(11);
    const crowd: { actor: Actor; kind: Kind }[] = [];
    for (const kind of [...Array<Kind>(6).fill('honest'), 'random', 'random', ...Array<Kind>(9).fill('opposite')] as Kind[]) crowd.push({ actor: await signUp(t.app), kind });
    const active = new Set(crowd);
    while (active.size > 0) {
      for (const rater of [...active]) {
        const res = await rater.actor.request('POST', '/v1/queue/next', {});
        if (res.statusCode === 204) {
          active.delete(rater);
          continue;
        }
        expect(res.statusCode, res.body).toBe(200);
        const conv = res.json().conversation;
        const right = truth.get(conv.id)!;
        const value: Label = rater.kind === 'honest' ? right : rater.kind === 'opposite' ? (right === 'up' ? 'down' : 'up') : r() < 0.5 ? 'up' : 'down';
        expect((await thumbs(rater.actor, conv, value)).statusCode).toBe(201);
      }
    }
    expect(gold.size).toBe(6);
    const pass = await moderator.request('POST', '/v1/quality/pass');
    expect(pass.statusCode, pass.body).toBe(200);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    rmSync(releasesDir, { recursive: true, force: true });
  });

  const jsonl = (body: string) => body.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);
  const answerId = () => target.messages.find((m) => m.role === 'assistant')!.id;

  it('GET /labels: the honest minority wins against the distrusted majority, with a high confidence', async () => {
    const [label] = (await moderator.request('GET', `/v1/conversations/${target.id}/labels`)).json().answers;
    expect(label).toMatchObject({ message_id: answerId(), label: 'up', majority: 'down', votes: 17 });
    expect(label.confidence).toBeGreaterThan(0.7);
    expect(label.weights.up).toBeGreaterThan(5 * label.weights.down);
  });

  it('the conversations and feedback exports carry the same label, confidence and raters, for those who may read labels', async () => {
    const [label] = (await moderator.request('GET', `/v1/conversations/${target.id}/labels`)).json().answers;
    const conversations = await moderator.request('GET', '/v1/exports/conversations?format=jsonl');
    expect(conversations.statusCode, conversations.body).toBe(200);
    const row = jsonl(conversations.body).find((r) => r.conversation_id === target.id)!;
    expect({ label: row.label, label_confidence: row.label_confidence, label_raters: row.label_raters }).toEqual({ label: 'up', label_confidence: label.confidence, label_raters: 17 });
    // A kind filter narrows the events, not the label.
    const feedback = await moderator.request('GET', `/v1/exports/feedback?format=jsonl&kind=thumbs`);
    expect(feedback.statusCode, feedback.body).toBe(200);
    const onTarget = jsonl(feedback.body).filter((r) => r.conversation_id === target.id);
    expect(onTarget).toHaveLength(17);
    for (const e of onTarget) expect([e.message_id, e.label, e.label_confidence, e.label_raters]).toEqual([answerId(), 'up', label.confidence, 17]);
    // The author exports their own conversation: the columns are there, the consensus is not.
    const own = jsonl((await author.request('GET', '/v1/exports/conversations?format=jsonl')).body).find((r) => r.conversation_id === target.id)!;
    expect(own).toMatchObject({ label: null, label_confidence: null, label_raters: null });
  });

  it('a release carries the labels in JSON Lines and Parquet alike', async () => {
    const [label] = (await moderator.request('GET', `/v1/conversations/${target.id}/labels`)).json().answers;
    const started = await admin.request('POST', '/v1/releases', { version: 'v1' });
    expect(started.statusCode, started.body).toBe(202);
    for (let i = 0; i < 400; i++) {
      const r = (await admin.request('GET', '/v1/releases/v1')).json();
      if (r.status === 'failed') throw new Error(`the release failed: ${r.error}`);
      if (r.status === 'built') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const dir = join(releasesDir, 'v1');
    const rows = readFileSync(join(dir, 'jsonl', 'conversations.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);
    const row = rows.find((r) => r.messages[0].content === TARGET_QUESTION)!;
    expect({ label: row.label, label_confidence: row.label_confidence, label_raters: row.label_raters }).toEqual({ label: 'up', label_confidence: label.confidence, label_raters: 17 });
    const parquet = await parquetReadObjects({ file: await asyncBufferFromFile(join(dir, 'data', 'conversations.parquet')) });
    const same = parquet.find((r) => r.id === row.id)!;
    expect({ label: same.label, label_confidence: same.label_confidence, label_raters: Number(same.label_raters) }).toEqual({ label: 'up', label_confidence: label.confidence, label_raters: 17 });
    const events = readFileSync(join(dir, 'jsonl', 'feedback.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);
    const onTarget = events.filter((e) => e.conversation_id === row.conversation_id);
    expect(onTarget).toHaveLength(17);
    for (const e of onTarget) expect([e.label, e.label_raters]).toEqual(['up', 17]);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('`label_confidence`');
  });
});

describe.each(TEST_DATABASES)("the queue's order, serving by serving, for a crowd of several languages on $name", (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database, { queueGoldRate: 0 });
  });
  afterAll(() => t.close());

  it('serves what the rater reads first, by need, then the rest; every item reaches its target, disputed ones more; nobody twice', async () => {
    const author = await signUp(t.app);
    type Item = { id: string; language: string | null };
    const items: Item[] = [];
    for (const language of ['en', 'en', 'en', 'en', 'en', 'de', 'de', 'de', 'de', 'de-AT', 'fr', 'fr', null, null]) {
      const conv = await startConversation(author, language === null ? {} : { language });
      items.push({ id: conv.id, language });
    }
    // Two items split their raters: each vote on them goes the other way from the one before.
    const disputed = new Set([items[0]!.id, items[5]!.id]);
    const profiles: { languages: string[]; kind: 'honest' | 'random' }[] = [
      { languages: ['en'], kind: 'honest' },
      { languages: ['en'], kind: 'honest' },
      { languages: ['en-GB'], kind: 'random' },
      { languages: ['de'], kind: 'honest' },
      { languages: ['de-AT'], kind: 'honest' },
      { languages: ['de'], kind: 'random' },
      { languages: ['en', 'de'], kind: 'honest' },
      { languages: ['de', 'en'], kind: 'random' },
      { languages: [], kind: 'honest' },
      { languages: [], kind: 'random' },
    ];
    const raters: { actor: Actor; reads: Set<string>; kind: 'honest' | 'random'; served: string[] }[] = [];
    for (const p of profiles) {
      const actor = await signUp(t.app);
      if (p.languages.length > 0) expect((await actor.request('PATCH', '/v1/me', { demographics: { languages: p.languages } })).statusCode).toBe(200);
      raters.push({ actor, reads: new Set(p.languages.map((l) => l.split('-')[0]!)), kind: p.kind, served: [] });
    }
    const votes = new Map<string, Label[]>(items.map((i) => [i.id, []]));
    const target = (id: string) => {
      const v = votes.get(id)!;
      const ups = v.filter((x) => x === 'up').length;
      const downs = v.length - ups;
      return v.length > 0 && 1000 * Math.min(ups, downs) >= 300 * v.length ? 5 : 3;
    };
    const r = seededRandom(5);
    const active = new Set(raters);
    let servings = 0;
    while (active.size > 0) {
      for (const rater of [...active]) {
        // The oracle: the class of each item this rater may still be served, as the order ranks them.
        const tier = (item: Item) => (rater.reads.size === 0 ? 0 : item.language === null ? 1 : rater.reads.has(item.language.split('-')[0]!) ? 0 : 2);
        const classOf = (item: Item) => {
          const below = votes.get(item.id)!.length < target(item.id) ? 0 : 1;
          const t = tier(item);
          return t === 2 ? [1, below, 0] : [0, below, t];
        };
        const open = items.filter((i) => !rater.served.includes(i.id));
        const rank = (c: number[]) => c[0]! * 100 + c[1]! * 10 + c[2]!;
        const best = Math.min(...open.map((i) => rank(classOf(i))));
        const res = await rater.actor.request('POST', '/v1/queue/next', {});
        if (res.statusCode === 204) {
          expect(open).toEqual([]);
          active.delete(rater);
          continue;
        }
        expect(res.statusCode, res.body).toBe(200);
        const item = items.find((i) => i.id === res.json().conversation.id)!;
        const label = `serving ${++servings} to a reader of [${[...rater.reads]}] of a ${item.language} item`;
        expect(rank(classOf(item)), label).toBe(best);
        // Within its class, one of the items with the fewest raters.
        const peers = open.filter((i) => rank(classOf(i)) === best).map((i) => votes.get(i.id)!.length);
        expect(votes.get(item.id)!.length, label).toBe(Math.min(...peers));
        rater.served.push(item.id);
        const previous = votes.get(item.id)!;
        const value: Label = disputed.has(item.id) ? (previous.at(-1) === 'up' ? 'down' : 'up') : rater.kind === 'honest' ? 'up' : r() < 0.5 ? 'up' : 'down';
        previous.push(value);
        const conv = { id: item.id, messages: res.json().conversation.messages };
        expect((await thumbs(rater.actor, conv, value)).statusCode).toBe(201);
      }
    }
    for (const rater of raters) {
      // Everyone was served everything (each item once), what they read before the rest.
      expect(new Set(rater.served).size).toBe(items.length);
      expect(rater.served).toHaveLength(items.length);
      if (rater.reads.size === 0) continue;
      const readable = rater.served.map((id) => items.find((i) => i.id === id)!).map((i) => i.language === null || rater.reads.has(i.language.split('-')[0]!));
      expect(readable.indexOf(false), `reader of [${[...rater.reads]}]`).toBe(readable.lastIndexOf(true) + 1);
    }
    for (const id of disputed) expect(target(id)).toBe(5);
  }, 240_000);
});
