import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@openfeedback/core';
import { TEST_DATABASES } from './support/databases.js';
import { createTestApp, grantRoles, signUp, signUpAdmin, startConversation, type Actor, type TestApp } from './support/test-app.js';

/**
 * Quality control through the API, with simulated crowds: routing to a target number of
 * independent ratings (more where raters disagree), gold items mixed into the queue and scored,
 * trust from gold and agreement, trust-weighted labels, the binomial test against consensus,
 * near-duplicate prompts pasted from several accounts, the suspicious-accounts board, the
 * moderation queue and its logged decisions, and the daily feedback cap on an injected clock.
 */

type Label = 'up' | 'down';
type Kind = 'honest' | 'random' | 'opposite' | 'always_up';

/** The same crowd every run. */
const rng = seededRandom;

const flip = (l: Label): Label => (l === 'up' ? 'down' : 'up');

function answer(kind: Kind, truth: Label, r: () => number): Label {
  if (kind === 'honest') return r() < 0.9 ? truth : flip(truth);
  if (kind === 'random') return r() < 0.5 ? 'up' : 'down';
  if (kind === 'opposite') return flip(truth);
  return 'up';
}

const SPAM =
  'Earn five thousand dollars a week from home with our proven crypto trading system, no experience needed, ' +
  'click the link in my profile and send me a message today to join hundreds of happy members who already quit their jobs';

/** The spam text with `n` words changed, as a spammer would to dodge an exact-match filter. */
function variant(n: number): string {
  const words = SPAM.split(' ');
  for (let i = 1; i <= n; i++) words[i * 5] = `${words[i * 5]}${'!'.repeat(i)}x`;
  return words.join(' ');
}

const next = (actor: Actor, body: object = {}) => actor.request('POST', '/v1/queue/next', body);
const thumbs = (actor: Actor, conv: { id: string; messages: { id: string; role: string }[] }, value: Label) =>
  actor.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: conv.messages.find((m) => m.role === 'assistant')!.id, value });

describe.each(TEST_DATABASES)('a simulated crowd on $name', (database) => {
  let t: TestApp;
  let admin: Actor;
  let moderator: Actor;
  let reviewer: Actor;
  const raters: { actor: Actor; kind: Kind }[] = [];
  const spammers: Actor[] = [];
  /** The right answer of every ordinary item and gold item, by conversation. */
  const truth = new Map<string, Label>();
  const gold = new Set<string>();
  const goldAnswers = new Map<string, { answers: number; correct: number }>();
  const majority = { right: 0, all: 0 };
  let pass: any;
  let board: any[];

  beforeAll(async () => {
    // Gold at the 1st, 6th, 11th… serving; every rater sees every item (so the crowd is complete).
    t = await createTestApp(database, { queueGoldRate: 0.2 });
    admin = await signUpAdmin(t);
    moderator = await signUp(t.app);
    reviewer = await signUp(t.app);
    await grantRoles(admin, moderator, ['moderator']);
    await grantRoles(admin, reviewer, ['reviewer']);
    const author = await signUp(t.app);
    for (let i = 0; i < 30; i++) truth.set((await startConversation(author)).id, i % 2 === 0 ? 'up' : 'down');
    for (let i = 0; i < 6; i++) {
      const conv = await startConversation(moderator);
      const value: Label = i % 2 === 0 ? 'up' : 'down';
      const res = await moderator.request('POST', '/v1/gold-items', { message_id: conv.messages[1]!.id, expected: { kind: 'thumbs', value }, note: 'known answer' });
      expect(res.statusCode, res.body).toBe(201);
      truth.set(conv.id, value);
      gold.add(conv.id);
    }
    // A spammer pastes the same text, a few words changed, from three accounts, three times each.
    for (let s = 0; s < 3; s++) {
      const spammer = await signUp(t.app);
      spammers.push(spammer);
      for (let k = 0; k < 3; k++) {
        const res = await spammer.request('POST', '/v1/conversations', { messages: [{ role: 'user', content: variant(s * 3 + k) }] });
        expect(res.statusCode, res.body).toBe(201);
      }
    }
    const kinds: Kind[] = [...Array<Kind>(8).fill('honest'), 'random', 'random', 'opposite', 'opposite', 'always_up', 'always_up'];
    for (const kind of kinds) raters.push({ actor: await signUp(t.app), kind });

    // Everyone asks in turn until the queue has nothing left for anyone.
    const r = rng(2026);
    const active = new Set(raters);
    while (active.size > 0) {
      for (const rater of [...active]) {
        const res = await next(rater.actor);
        if (res.statusCode === 204) {
          active.delete(rater);
          continue;
        }
        expect(res.statusCode, res.body).toBe(200);
        const conv = res.json().conversation;
        const value = answer(rater.kind, truth.get(conv.id)!, r);
        expect((await thumbs(rater.actor, conv, value)).statusCode).toBe(201);
        if (gold.has(conv.id)) {
          const g = goldAnswers.get(rater.actor.id) ?? { answers: 0, correct: 0 };
          g.answers++;
          if (value === truth.get(conv.id)) g.correct++;
          goldAnswers.set(rater.actor.id, g);
        }
      }
    }
    const run = await moderator.request('POST', '/v1/quality/pass');
    expect(run.statusCode, run.body).toBe(200);
    pass = run.json();
    board = (await moderator.request('GET', '/v1/moderation/suspicious?limit=100&min_score=0')).json().items;
  }, 240_000);
  afterAll(() => t.close());

  const quality = async (actor: Actor) => (await actor.request('GET', '/v1/me/quality')).json();
  const ofKind = (kind: Kind) => raters.filter((r) => r.kind === kind);

  it('serves every rater every item once, gold items among them, and the pass reads every vote', async () => {
    for (const { actor } of raters) {
      const served = await t.ctx.store.db.selectFrom('queue_assignments').select('conversation_id').where('contributor_id', '=', actor.id).execute();
      expect(served.length).toBe(36);
      expect(new Set(served.map((s) => s.conversation_id)).size).toBe(36);
      expect(goldAnswers.get(actor.id)!.answers).toBe(6);
    }
    expect(pass).toMatchObject({ votes: 14 * 30, gold_answers: 14 * 6, items_labelled: 30, prompts_fingerprinted: expect.any(Number) });
    expect(pass.against_consensus).toBeGreaterThanOrEqual(4);
  });

  it('orders trust honest > random > adversarial, and scores gold answers right', async () => {
    const trust = async (kind: Kind) => Promise.all(ofKind(kind).map(async (r) => (await quality(r.actor)).trust as number));
    const [honest, random, opposite, alwaysUp] = await Promise.all((['honest', 'random', 'opposite', 'always_up'] as const).map(trust));
    expect(Math.min(...honest!)).toBeGreaterThan(Math.max(...random!, ...alwaysUp!));
    expect(Math.min(...random!, ...alwaysUp!)).toBeGreaterThan(Math.max(...opposite!));
    expect(Math.max(...opposite!)).toBeLessThan(0.15);
    for (const { actor } of raters) {
      const q = await quality(actor);
      const expected = goldAnswers.get(actor.id)!;
      expect(q.gold).toEqual({ answers: expected.answers, correct: expected.correct, accuracy: expected.correct / expected.answers });
      expect(q.contributor_id).toBe(actor.id);
    }
    expect((await quality(ofKind('opposite')[0]!.actor)).gold.correct).toBe(0);
    // A new account starts low.
    const newcomer = await signUp(t.app);
    expect((await quality(newcomer)).trust).toBeCloseTo(0.4);
  });

  it('labels answers by trust-weighted votes better than by plain majority, with a confidence', async () => {
    let weightedRight = 0;
    const items = [...truth.keys()].filter((id) => !gold.has(id));
    const confidence = { right: [] as number[], wrong: [] as number[] };
    for (const id of items) {
      const res = await reviewer.request('GET', `/v1/conversations/${id}/labels`);
      expect(res.statusCode, res.body).toBe(200);
      const [label] = res.json().answers;
      expect(label.votes).toBe(14);
      if (label.label === truth.get(id)) weightedRight++;
      (label.label === truth.get(id) ? confidence.right : confidence.wrong).push(label.confidence);
      majority.all++;
      if (label.majority === truth.get(id)) majority.right++;
    }
    const weighted = weightedRight / items.length;
    expect(weighted).toBeGreaterThanOrEqual(0.95);
    expect(weighted).toBeGreaterThan(majority.right / majority.all);
    expect(Math.min(...confidence.right)).toBeGreaterThan(0.5);
    // Nobody but those who review the pool reads aggregated labels.
    expect((await raters[0]!.actor.request('GET', `/v1/conversations/${items[0]}/labels`)).statusCode).toBe(403);
  });

  it('the binomial test flags the adversaries and no honest rater', () => {
    const p = (actor: Actor) => board.find((b) => b.contributor_id === actor.id)!.figures.agreement_p as number;
    for (const { actor } of [...ofKind('opposite'), ...ofKind('always_up')]) expect(p(actor)).toBeLessThan(0.01);
    for (const { actor } of ofKind('honest')) expect(p(actor)).toBeGreaterThan(0.01);
  });

  it('ranks the adversaries and the spammer on top of the suspicious board, with evidence', async () => {
    const top = board.slice(0, 7).map((b) => b.contributor_id);
    expect(new Set(top)).toEqual(new Set([...ofKind('opposite'), ...ofKind('always_up')].map((r) => r.actor.id).concat(spammers.map((s) => s.id))));
    const entry = (id: string) => board.find((b) => b.contributor_id === id)!;
    const signals = (id: string) => entry(id).evidence.map((e: { signal: string }) => e.signal);
    for (const { actor } of ofKind('opposite')) expect(signals(actor.id)).toEqual(expect.arrayContaining(['against_consensus', 'gold_failures']));
    for (const { actor } of ofKind('always_up')) expect(signals(actor.id)).toEqual(expect.arrayContaining(['against_consensus', 'one_sided']));
    for (const spammer of spammers) {
      const dup = entry(spammer.id).evidence.find((e: { signal: string }) => e.signal === 'cross_account_duplicates');
      expect(dup.accounts.sort()).toEqual(spammers.filter((s) => s !== spammer).map((s) => s.id).sort());
      expect(dup.conversation_ids).toHaveLength(3);
      expect(entry(spammer.id).figures).toMatchObject({ cross_account_duplicates: 3, duplicate_accounts: 2 });
    }
    for (const { actor } of ofKind('honest')) expect(board.find((b) => b.contributor_id === actor.id)?.score ?? 0).toBe(0);
    // The board is for moderators; contributors see only their own figures.
    expect((await reviewer.request('GET', '/v1/moderation/suspicious')).statusCode).toBe(403);
    expect(JSON.stringify(await quality(spammers[0]!))).not.toContain('suspicion');
  });

  it('queues the suspicious accounts; decisions are logged, reviewers only dismiss, restriction mutes and removal removes', async () => {
    const queue = (await reviewer.request('GET', '/v1/moderation/queue?status=open&limit=500')).json().items as any[];
    const item = (who: string, signal: string) => queue.find((i) => i.contributor_id === who && i.signal === signal);
    for (const spammer of spammers) expect(item(spammer.id, 'cross_account_duplicates')).toMatchObject({ subject: 'account', status: 'open' });
    const opposite = ofKind('opposite')[0]!.actor;
    const against = item(opposite.id, 'against_consensus');
    expect(against.evidence).toMatchObject({ signal: 'against_consensus', detail: expect.stringContaining('binomial p') });
    for (const { actor } of ofKind('honest')) expect(queue.some((i) => i.contributor_id === actor.id)).toBe(false);

    // A reviewer may not restrict; a moderator may, and it is logged.
    const refused = await reviewer.request('POST', `/v1/moderation/queue/${against.id}/decision`, { decision: 'restrict_account', reason: 'votes against everyone' });
    expect(refused.statusCode).toBe(403);
    const restricted = await moderator.request('POST', `/v1/moderation/queue/${against.id}/decision`, { decision: 'restrict_account', reason: 'votes against everyone' });
    expect(restricted.statusCode, restricted.body).toBe(200);
    expect(restricted.json()).toMatchObject({ status: 'restricted', decided_by: moderator.id });
    expect((await moderator.request('POST', `/v1/moderation/queue/${against.id}/decision`, { decision: 'dismiss', reason: 'again' })).statusCode).toBe(409);
    expect((await quality(opposite)).restricted).toBe(true);
    expect((await quality(opposite)).trust).toBe(0);
    const served = await next(opposite);
    expect({ status: served.statusCode, code: served.json().error.code }).toEqual({ status: 403, code: 'forbidden' });

    // Removing a spammer's duplicated content takes their conversations out of the pool.
    const spam = item(spammers[0]!.id, 'cross_account_duplicates');
    const removed = await moderator.request('POST', `/v1/moderation/queue/${spam.id}/decision`, { decision: 'remove_content', reason: 'pasted spam' });
    expect(removed.statusCode, removed.body).toBe(200);
    const theirs = await t.ctx.store.db.selectFrom('conversations').select('status').where('contributor_id', '=', spammers[0]!.id).execute();
    expect(theirs.map((c) => c.status)).toEqual(['removed', 'removed', 'removed']);

    // A reviewer dismisses.
    const dismissed = await reviewer.request('POST', `/v1/moderation/queue/${item(spammers[1]!.id, 'cross_account_duplicates').id}/decision`, { decision: 'dismiss', reason: 'a quote, not spam' });
    expect(dismissed.statusCode, dismissed.body).toBe(200);

    const log = await admin.request('GET', '/v1/audit?limit=500');
    const actions = (log.json().items as { action: string; actor_id: string; reason: string }[]).filter((e) => e.action.startsWith('moderation.'));
    expect(actions.map((a) => [a.action, a.actor_id, a.reason]).sort()).toEqual(
      [
        ['moderation.dismiss', reviewer.id, 'a quote, not spam'],
        ['moderation.remove_content', moderator.id, 'pasted spam'],
        ['moderation.restrict_account', moderator.id, 'votes against everyone'],
      ].sort(),
    );

    // The next pass keeps the restricted account muted and does not queue decided items again.
    const again = await moderator.request('POST', '/v1/quality/pass');
    expect(again.statusCode).toBe(200);
    expect((await quality(opposite)).trust).toBe(0);
    const reopened = (await reviewer.request('GET', '/v1/moderation/queue?status=open&limit=500')).json().items as any[];
    expect(reopened.some((i) => i.id === against.id || (i.contributor_id === opposite.id && i.signal === 'against_consensus'))).toBe(false);
  });

  it('deleting an account deletes what quality control kept about it', async () => {
    const spammer = spammers[2]!;
    const db = t.ctx.store.db;
    const rows = async () => ({
      fingerprints: (await db.selectFrom('prompt_fingerprints').select('message_id').where('contributor_id', '=', spammer.id).execute()).length,
      quality: (await db.selectFrom('contributor_quality').select('contributor_id').where('contributor_id', '=', spammer.id).execute()).length,
      queued: (await db.selectFrom('moderation_items').select('id').where('contributor_id', '=', spammer.id).execute()).length,
    });
    expect(await rows()).toEqual({ fingerprints: 3, quality: 1, queued: 2 });
    expect((await spammer.request('DELETE', '/v1/me')).statusCode).toBe(200);
    expect(await rows()).toEqual({ fingerprints: 0, quality: 0, queued: 0 });
    expect(await db.selectFrom('prompt_bands').select('message_id').where('message_id', 'not in', db.selectFrom('prompt_fingerprints').select('message_id')).execute()).toEqual([]);
  });

  it('gold items: moderators seed answers only, once each; the list counts answers', async () => {
    const conv = await startConversation(moderator);
    const question = await moderator.request('POST', '/v1/gold-items', { message_id: conv.messages[0]!.id, expected: { kind: 'thumbs', value: 'up' } });
    expect({ status: question.statusCode, code: question.json().error.code, field: question.json().error.field }).toEqual({ status: 422, code: 'invalid_reference', field: 'message_id' });
    const range = await moderator.request('POST', '/v1/gold-items', { message_id: conv.messages[1]!.id, expected: { kind: 'rating', min: 4, max: 5 } });
    expect(range.statusCode, range.body).toBe(201);
    expect((await moderator.request('POST', '/v1/gold-items', { message_id: conv.messages[1]!.id, expected: { kind: 'thumbs', value: 'up' } })).statusCode).toBe(409);
    expect((await moderator.request('POST', '/v1/gold-items', { message_id: conv.messages[1]!.id, expected: { kind: 'rating', min: 5, max: 4 } })).statusCode).toBe(400);
    expect((await raters[0]!.actor.request('POST', '/v1/gold-items', { message_id: conv.messages[1]!.id, expected: { kind: 'thumbs', value: 'up' } })).statusCode).toBe(403);
    const list = (await moderator.request('GET', '/v1/gold-items?limit=500')).json().items as { conversation_id: string; answers: number }[];
    expect(list).toHaveLength(7);
    for (const g of list.filter((g) => gold.has(g.conversation_id))) expect(g.answers).toBe(14);
  });
});

describe.each(TEST_DATABASES)('routing to a target of independent ratings on $name', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database);
  });
  afterAll(() => t.close());

  it('gives each item its target of independent raters, more where they disagree, others first, never one item twice', async () => {
    const admin = await signUpAdmin(t);
    const community = (await admin.request('POST', '/v1/communities', { slug: `routing-${database.name}`, name: 'Routing', kind: 'domain' })).json();
    const author = await signUp(t.app);
    const items: string[] = [];
    for (let i = 0; i < 6; i++) items.push((await startConversation(author, { community_id: community.id })).id);
    const controversial = new Set(items.slice(0, 2));
    const votesOn = new Map<string, number>();
    const raters: Actor[] = [];
    for (let i = 0; i < 12; i++) raters.push(await signUp(t.app));
    const servedTo = new Map<string, string[]>();
    // 4 items × 3 ratings + 2 disputed items × 5 = 22 ratings, asked for round-robin.
    for (let k = 0; k < 22; k++) {
      const rater = raters[k % raters.length]!;
      const res = await next(rater, { community_id: community.id });
      expect(res.statusCode, res.body).toBe(200);
      const conv = res.json().conversation;
      servedTo.set(rater.id, [...(servedTo.get(rater.id) ?? []), conv.id]);
      const n = votesOn.get(conv.id) ?? 0;
      votesOn.set(conv.id, n + 1);
      // On the disputed items raters alternate up and down; the others are plainly good.
      const value: Label = controversial.has(conv.id) && n % 2 === 1 ? 'down' : 'up';
      expect((await thumbs(rater, conv, value)).statusCode).toBe(201);
    }
    for (const id of items) expect(votesOn.get(id), id).toBe(controversial.has(id) ? 5 : 3);
    const raterCounts = await t.ctx.store.db
      .selectFrom('feedback')
      .select(['conversation_id', (eb) => eb.fn.count<number | string>('contributor_id').distinct().as('n')])
      .where('conversation_id', 'in', items)
      .where('annotator_role', '=', 'third_party')
      .groupBy('conversation_id')
      .execute();
    for (const r of raterCounts) expect(Number(r.n)).toBe(controversial.has(r.conversation_id) ? 5 : 3);
    // Every item reached its target: what comes next is an item past it. Nobody is served one item twice.
    const extra = await next(raters[10]!, { community_id: community.id });
    expect(items).toContain(extra.json().conversation.id);
    for (const served of servedTo.values()) expect(new Set(served).size).toBe(served.length);
    // A rater who saw all six gets nothing more.
    const keen = raters[11]!;
    for (let i = 0; i < 6; i++) if ((await next(keen, { community_id: community.id })).statusCode === 204) break;
    expect((await next(keen, { community_id: community.id })).statusCode).toBe(204);
  });

  it("serves the items of the rater's expertise first, within their languages", async () => {
    const admin = await signUpAdmin(t);
    const medicine = (await admin.request('POST', '/v1/communities', { slug: `medicine-${database.name}`, name: 'Medicine', kind: 'domain' })).json();
    const cooking = (await admin.request('POST', '/v1/communities', { slug: `cooking-${database.name}`, name: 'Cooking', kind: 'domain' })).json();
    const author = await signUp(t.app);
    const older = await startConversation(author, { community_id: cooking.id, language: 'en' });
    const medical = await startConversation(author, { community_id: medicine.id, language: 'en' });
    const medicalInGerman = await startConversation(author, { community_id: medicine.id, language: 'de' });
    const doctor = await signUp(t.app);
    expect((await doctor.request('PATCH', '/v1/me', { expertise: [{ domain: 'medicine', level: 'professional' }], demographics: { languages: ['en'] } })).statusCode).toBe(200);
    const order: string[] = [];
    // Until the queue is empty: the earlier test's items (of unknown language) come before the German one, which the doctor does not read.
    for (let i = 0; i < 20; i++) {
      const res = await next(doctor);
      if (res.statusCode === 204) break;
      order.push(res.json().conversation.id);
    }
    const mine = order.filter((id) => [older.id, medical.id, medicalInGerman.id].includes(id));
    expect(mine).toEqual([medical.id, older.id, medicalInGerman.id]);
  });
});

describe.each(TEST_DATABASES)('the daily feedback cap on $name', (database) => {
  let t: TestApp;
  let clock = new Date('2026-12-01T23:58:00.000Z');
  beforeAll(async () => {
    t = await createTestApp(database, { dailyFeedbackCap: 3 }, { now: () => clock });
  });
  afterAll(() => t.close());

  it('answers 429 daily_cap_reached past the cap, by every route, and accepts again the next day (UTC)', async () => {
    const person = await signUp(t.app);
    const conv = await startConversation(person);
    for (let i = 0; i < 3; i++) expect((await thumbs(person, conv, 'up')).statusCode).toBe(201);
    const over = await thumbs(person, conv, 'down');
    expect({ status: over.statusCode, code: over.json().error.code }).toEqual({ status: 429, code: 'daily_cap_reached' });
    const line = JSON.stringify({ type: 'feedback', kind: 'thumbs', conversation_id: conv.id, message_id: conv.messages[1]!.id, value: 'up' });
    const ingest = await person.request('POST', '/v1/ingest', line, { 'content-type': 'application/x-ndjson' });
    expect(ingest.json()).toMatchObject({ feedback: 0, rejected: 1, errors: [{ line: 1, code: 'daily_cap_reached' }] });
    expect((await person.request('GET', '/v1/me/quality')).json().daily_feedback).toEqual({ cap: 3, remaining: 0 });
    const count = async () => (await t.ctx.store.db.selectFrom('feedback').select('id').where('contributor_id', '=', person.id).execute()).length;
    expect(await count()).toBe(3);
    // Another account is not held back by this one's cap.
    const other = await signUp(t.app);
    expect((await thumbs(other, await startConversation(other), 'up')).statusCode).toBe(201);

    clock = new Date('2026-12-02T00:00:01.000Z');
    expect((await thumbs(person, conv, 'down')).statusCode).toBe(201);
    expect((await person.request('POST', '/v1/ingest', `${line}\n${line.replace('"up"', '"down"')}\n${line}`, { 'content-type': 'application/x-ndjson' })).json()).toMatchObject({
      feedback: 2,
      rejected: 1,
      errors: [{ line: 3, code: 'daily_cap_reached' }],
    });
    expect(await count()).toBe(6);
  });
});
