import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { ChatEvent, Message, Model } from '@openfeedback/core';
import { poolModelAnswer } from '../src/services/pool-model.js';
import { findModel, toModel } from '../src/store/model-repository.js';
import { insertConversationRows, insertMessages } from '../src/store/conversation-repository.js';
import { insertFeedback } from '../src/store/feedback-repository.js';
import type { FeedbackTable } from '../src/store/schema.js';
import { TEST_DATABASES } from './support/databases.js';
import { createTestApp, grantRoles, signUp, signUpAdmin, type Actor, type TestApp } from './support/test-app.js';

/**
 * The built-in pool model through POST /v1/chat on a real app and database: it answers with the
 * best-rated answer to the closest earlier prompt of its community, changes its answer when the votes
 * change, says plainly when it has nothing close, never repeats withdrawn content, and stays fast on
 * a community of 100,000 prompts.
 */

const RIVER = 'Which river runs through Lisbon?';
const ANSWERS = {
  short: 'The Tagus.',
  long: 'The Tagus (Tejo in Portuguese) runs through Lisbon and meets the Atlantic there.',
  other: 'Lisbon lies on the estuary of the Tagus river.',
};
const NOTHING_EN = 'The pool has nothing close to this question yet, so I have no answer to give. Try asking it another way, or choose another model.';
const NOTHING_PT = 'O pool ainda não tem nada parecido com esta pergunta, por isso não tenho resposta para dar. Tente perguntar de outra forma ou escolha outro modelo.';

for (const database of TEST_DATABASES) {
  describe(`the pool model (${database.name})`, () => {
    let t: TestApp;
    let base: string;
    let admin: Actor;
    let author: Actor;
    let asker: Actor;
    let raters: Actor[];
    let community: { id: string };
    let model: Model;
    let ids: Record<keyof typeof ANSWERS, string>;
    let conversations: { siblings: string; other: string };

    /** Asks through POST /v1/chat (a real listening server: the answer streams) and returns the events. */
    async function chat(who: Actor, body: object): Promise<ChatEvent[]> {
      const res = await fetch(`${base}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: who.cookie }, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`chat failed: ${res.status} ${text}`);
      return text
        .split('\n\n')
        .map((block) => block.split('\n').find((l) => l.startsWith('data: ')))
        .filter((l): l is string => l !== undefined)
        .map((l) => JSON.parse(l.slice(6)) as ChatEvent);
    }
    async function ask(content: string, modelId = model.id, record = true): Promise<{ text: string; done: Extract<ChatEvent, { type: 'done' }> }> {
      const events = await chat(asker, { model_id: modelId, content, record });
      const done = events.at(-1) as Extract<ChatEvent, { type: 'done' }>;
      expect(done.type).toBe('done');
      expect(events.filter((e) => e.type === 'token').length).toBeGreaterThan(1); // streamed word by word
      return { text: done.text, done };
    }
    async function vote(who: Actor, body: Record<string, unknown>) {
      const res = await who.request('POST', '/v1/feedback', body);
      if (res.statusCode !== 201) throw new Error(`feedback failed: ${res.statusCode} ${res.body}`);
    }
    const thumbs = (who: Actor, conversation_id: string, message_id: string, value: 'up' | 'down') => vote(who, { kind: 'thumbs', conversation_id, message_id, value });
    async function converse(who: Actor, messages: object[], communityId = community.id): Promise<{ id: string; messages: { id: string; content: string }[] }> {
      const res = await who.request('POST', '/v1/conversations', { community_id: communityId, messages });
      if (res.statusCode !== 201) throw new Error(`conversation failed: ${res.statusCode} ${res.body}`);
      return res.json();
    }
    async function poolModel(slug: string, communityId: string): Promise<Model> {
      const res = await admin.request('POST', '/v1/models', { slug, name: `Pool of ${slug}`, community_id: communityId, base_url: null, model_name: 'pool' });
      if (res.statusCode !== 201) throw new Error(`model failed: ${res.statusCode} ${res.body}`);
      return toModel((await findModel(t.ctx.store.db, res.json().id))!);
    }

    beforeAll(async () => {
      t = await createTestApp(database);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      admin = await signUpAdmin(t);
      community = (await admin.request('POST', '/v1/communities', { slug: 'lisbon', name: 'Lisbon', kind: 'domain', languages: ['en'] })).json();
      model = await poolModel('pool-lisbon', community.id);
      author = await signUp(t.app);
      asker = await signUp(t.app);
      raters = [];
      for (let i = 0; i < 4; i++) {
        const rater = await signUp(t.app);
        await grantRoles(admin, rater, ['contributor', 'reviewer']); // third-party raters read the pool
        raters.push(rater);
      }
      // Two answers to the question (siblings: a regeneration), a third where someone else asked it, and noise.
      const userId = uuidv7();
      const siblings = await converse(author, [
        { id: userId, role: 'user', content: RIVER },
        { role: 'assistant', content: ANSWERS.short, parent_id: userId },
        { role: 'assistant', content: ANSWERS.long, parent_id: userId },
      ]);
      const other = await converse(raters[0]!, [
        { role: 'user', content: 'which river runs through lisbon' },
        { role: 'assistant', content: ANSWERS.other },
      ]);
      await converse(author, [
        { role: 'user', content: 'How long should bread dough rise?' },
        { role: 'assistant', content: 'About an hour, until it doubles.' },
      ]);
      await converse(author, [
        { role: 'user', content: 'Which bridge crosses the river in Porto?' },
        { role: 'assistant', content: 'The Dom Luís I bridge.' },
      ]);
      conversations = { siblings: siblings.id, other: other.id };
      ids = { short: siblings.messages[1]!.id, long: siblings.messages[2]!.id, other: other.messages[1]!.id };
    });
    afterAll(async () => {
      await t?.close();
    });

    it('returns the best-rated of several candidate answers, and a different one after votes change', async () => {
      const [a, b, c, d] = raters as [Actor, Actor, Actor, Actor];
      await thumbs(a, conversations.siblings, ids.long, 'up');
      await thumbs(b, conversations.siblings, ids.long, 'up');
      await thumbs(a, conversations.siblings, ids.short, 'down');
      const first = await ask(RIVER);
      expect(first.text).toBe(ANSWERS.long);
      // It appears as a model like any other: the answer is stored as that model's, under the question.
      expect(first.done.message).toMatchObject({ role: 'assistant', model_id: model.id, content: ANSWERS.long });
      expect((await poolModelAnswer(t.ctx, model, [{ role: 'user', content: RIVER }])).source_message_id).toBe(ids.long);
      // The stored answer remembers which pool answer it repeats.
      const kept = await t.ctx.store.db.selectFrom('messages').select('source_meta').where('id', '=', first.done.message!.id).executeTakeFirstOrThrow();
      expect(JSON.parse(kept.source_meta!)).toEqual({ pool_answer_of: ids.long });

      // The votes turn: the long answer is voted down and loses a comparison; the other person's answer is liked.
      await thumbs(c, conversations.siblings, ids.long, 'down');
      await thumbs(d, conversations.siblings, ids.long, 'down');
      await vote(c, { kind: 'pairwise', conversation_id: conversations.siblings, message_id: ids.long, other_message_id: ids.short, outcome: 'b' });
      await thumbs(a, conversations.other, ids.other, 'up');
      await thumbs(b, conversations.other, ids.other, 'up');
      await vote(c, { kind: 'rating', conversation_id: conversations.other, message_id: ids.other, score: 5 });
      const second = await ask(RIVER);
      expect(second.text).toBe(ANSWERS.other);
      expect((await poolModelAnswer(t.ctx, model, [{ role: 'user', content: RIVER }])).source_message_id).toBe(ids.other);

      // Votes on the pool model's own answer (a copy) count for the answer it copied.
      const copy = second.done.message!;
      for (const who of [asker, a, b, c, d]) await thumbs(who, copy.conversation_id, copy.id, 'down');
      expect((await ask(RIVER)).text).toBe(ANSWERS.short);
    });

    it('says plainly when it has nothing close, in the community language', async () => {
      const far = await ask('What is the airspeed velocity of an unladen swallow?');
      expect(far.text).toBe(NOTHING_EN);
      expect(await poolModelAnswer(t.ctx, model, [{ role: 'user', content: 'How do I renew a passport?' }])).toEqual({ text: NOTHING_EN, source_message_id: null });
      expect((await poolModelAnswer(t.ctx, model, [{ role: 'user', content: '?!' }])).source_message_id).toBeNull();

      const portuguese = (await admin.request('POST', '/v1/communities', { slug: 'lisboa', name: 'Lisboa', kind: 'language', languages: ['pt-PT'] })).json();
      const pt = await poolModel('pool-lisboa', portuguese.id);
      expect((await ask(RIVER, pt.id)).text).toBe(NOTHING_PT);
      // Its own "nothing close" answers, now in the pool, are never given as answers.
      expect((await ask(RIVER, pt.id)).text).toBe(NOTHING_PT);
    });

    it('finds what was added since its index was built, and never repeats withdrawn content', async () => {
      // Off the record: a recorded answer would copy "Mostly yellow." into the asker's own conversation,
      // which the author's withdrawal does not reach.
      const question = 'What colour are the trams of Lisbon?';
      expect((await ask(question, model.id, false)).text).toBe(NOTHING_EN);
      const later = await signUp(t.app);
      await converse(later, [
        { role: 'user', content: question },
        { role: 'assistant', content: 'Mostly yellow.' },
      ]);
      expect((await ask(question, model.id, false)).text).toBe('Mostly yellow.');
      expect((await later.request('DELETE', '/v1/consent')).statusCode).toBe(200);
      expect((await ask(question, model.id, false)).text).toBe(NOTHING_EN);
    });

    it('does not echo the live conversation, and gives another answer when asked again there', async () => {
      // A question only the live conversation holds: answering from it would be an echo.
      const own = await converse(asker, [
        { role: 'user', content: 'Where did I park my bicycle near Alfama?' },
        { role: 'assistant', content: 'By the fountain.' },
      ]);
      const turns = [{ role: 'user' as const, content: 'Where did I park my bicycle near Alfama?' }];
      expect((await poolModelAnswer(t.ctx, model, turns)).text).toBe('By the fountain.');
      expect(await poolModelAnswer(t.ctx, model, turns, { conversationId: own.id })).toEqual({ text: NOTHING_EN, source_message_id: null });

      // A regeneration: the answer the conversation already holds to this prompt is not given again.
      const live = await chat(asker, { model_id: model.id, content: RIVER });
      const given = (live.at(-1) as Extract<ChatEvent, { type: 'done' }>).message!;
      const again = await poolModelAnswer(t.ctx, model, [{ role: 'user', content: RIVER }], { conversationId: given.conversation_id });
      expect(again.source_message_id).not.toBeNull();
      expect(again.text).not.toBe(given.content);
    });

    it('answers a community of 100,000 prompts in well under 100 ms once its index is built (printed)', { timeout: 300_000 }, async () => {
      const big = (await admin.request('POST', '/v1/communities', { slug: 'big', name: 'Big', kind: 'domain' })).json();
      const bigModel = await poolModel('pool-big', big.id);
      const { prompts, answers, seedMs } = await seedPool(t, big.id, author.id, 100_000);

      let started = performance.now();
      const probe = 12_345;
      const built = await poolModelAnswer(t.ctx, bigModel, [{ role: 'user', content: prompts[probe]! }]);
      const buildMs = performance.now() - started;
      expect(built.text).toBe(answers[probe]);

      const direct: number[] = [];
      for (let i = 0; i < 40; i++) {
        const k = (i * 2_477) % prompts.length;
        const asked = i % 2 === 0 ? prompts[k]! : `${prompts[k]!.split(' ').slice(0, 5).join(' ')} please explain`;
        started = performance.now();
        const answer = await poolModelAnswer(t.ctx, bigModel, [{ role: 'user', content: asked }]);
        direct.push(performance.now() - started);
        if (i % 2 === 0) expect(answer.text).toBe(answers[k]);
      }
      const viaHttp: number[] = [];
      for (let i = 0; i < 10; i++) {
        started = performance.now();
        await ask(prompts[(i * 7_919) % prompts.length]!, bigModel.id);
        viaHttp.push(performance.now() - started);
      }
      const line = (label: string, ms: number[]) => {
        const s = [...ms].sort((x, y) => x - y);
        return `${label}: median ${s[Math.floor(s.length / 2)]!.toFixed(1)} ms, p90 ${s[Math.floor(s.length * 0.9)]!.toFixed(1)} ms, max ${s.at(-1)!.toFixed(1)} ms`;
      };
      console.log(
        [
          `pool model on ${database.name}, 100,000 prompts (seeded in ${(seedMs / 1000).toFixed(1)} s):`,
          `  first answer (builds the index): ${buildMs.toFixed(0)} ms`,
          `  ${line('poolModelAnswer, 40 questions', direct)}`,
          `  ${line('POST /v1/chat round trip (records both turns), 10 questions', viaHttp)}`,
        ].join('\n'),
      );
    });
  });
}

/**
 * A synthetic community: `count` one-turn conversations, each a distinct question of 5-12 words
 * (common English words and a Zipf-distributed vocabulary of 5,000 made-up ones) with one answer,
 * and 20,000 thumbs on random answers. Written straight to the store: the API would take minutes.
 */
async function seedPool(t: TestApp, communityId: string, contributorId: string, count: number) {
  const started = performance.now();
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
  const syllables = ['ka', 'lo', 'mi', 'ra', 'tu', 'ben', 'sor', 'vi', 'del', 'an', 'qui', 'por', 'te', 'zu', 'na', 'gro'];
  const vocabulary = Array.from({ length: 5_000 }, (_, i) => {
    let w = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / 16)) w += syllables[n % 16];
    return w;
  });
  const common = ['what', 'is', 'the', 'how', 'do', 'i', 'a', 'of', 'to', 'in', 'can', 'you', 'my', 'for', 'and', 'why', 'does'];
  const word = () => (random() < 0.4 ? common[Math.floor(random() * common.length)]! : vocabulary[Math.floor(random() ** 2 * vocabulary.length)]!);
  const seen = new Set<string>();
  const prompts: string[] = [];
  while (prompts.length < count) {
    const words = Array.from({ length: 5 + Math.floor(random() * 8) }, word);
    const text = `${words.join(' ')}?`;
    if (seen.has(text)) continue;
    seen.add(text);
    prompts.push(text);
  }
  const answers = prompts.map((_, i) => `Answer ${i}: ${vocabulary[i % vocabulary.length]} and ${vocabulary[(i * 31) % vocabulary.length]}.`);
  const at = new Date('2026-01-01T00:00:00.000Z').getTime();
  const answerIds: { id: string; conversation: string }[] = [];
  for (let from = 0; from < count; from += 1_000) {
    const conversations: Parameters<typeof insertConversationRows>[1][number][] = [];
    const messages: Message[] = [];
    for (let i = from; i < Math.min(count, from + 1_000); i++) {
      const created_at = new Date(at + i * 1000).toISOString();
      const id = uuidv7();
      const [user, assistant] = [uuidv7(), uuidv7()];
      conversations.push({ id, community_id: communityId, contributor_id: contributorId, title: null, language: null, source: 'api', status: 'active', created_at, updated_at: created_at, licence: null });
      const common = { conversation_id: id, model_id: null, model_version_id: null, model_name: null, language: null, status: 'active' as const, created_at };
      messages.push({ ...common, id: user, parent_id: null, role: 'user' as const, content: prompts[i]!, contributor_id: contributorId });
      messages.push({ ...common, id: assistant, parent_id: user, role: 'assistant' as const, content: answers[i]!, contributor_id: null });
      answerIds.push({ id: assistant, conversation: id });
    }
    await t.ctx.store.write(async (trx) => {
      await insertConversationRows(trx, conversations);
      await insertMessages(trx, messages.map((m) => ({ ...m, pii_removed: null })));
    });
  }
  for (let from = 0; from < 20_000; from += 1_000) {
    const rows: FeedbackTable[] = Array.from({ length: 1_000 }, () => {
      const target = answerIds[Math.floor(random() * answerIds.length)]!;
      const up = random() < 0.7;
      return {
        id: uuidv7(), kind: 'thumbs', contributor_id: contributorId, conversation_id: target.conversation, message_id: target.id,
        payload: JSON.stringify({ value: up ? 'up' : 'down' }), valence: up ? 1 : -1, annotator_role: 'interlocutor', provenance: '{"type":"human"}',
        methodology_version: 'of-1', licence: 'CC-BY-4.0', consent_id: null, status: 'active', model_id: null, community_id: communityId, language: null,
        created_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z', pii_removed: null, release_licence: null,
      };
    });
    await t.ctx.store.write((trx) => insertFeedback(trx, rows));
  }
  return { prompts, answers, seedMs: performance.now() - started };
}
