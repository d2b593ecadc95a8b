import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgreementReport,
  LeaderboardReport,
  cohenKappa,
  fleissKappa,
  importFormat,
  krippendorffAlphaByUnit,
  leaderboard,
  promptCategories,
  seededRandom,
  type ArenaEvent,
  type BattleOutcome,
  type PairwiseOutcome,
  type PromptCategory,
} from '@openfeedback/core';
import { readRecordFile } from '../src/interchange/read-records.js';
import { importRecords } from '../src/services/imports.js';
import { OPERATOR } from '../src/services/principal.js';
import { SQLITE_TEST_DATABASE, TEST_DATABASES } from './support/databases.js';
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js';
import { createTestApp, grantRoles, signUp, signUpAdmin, type Actor, type TestApp } from './support/test-app.js';

/*
 * The leaderboard and the agreement figures through the real API on both databases: a simulated
 * crowd votes on battles between models of known strength (Bradley-Terry log-strengths below), so
 * the order is known; every figure is checked against core's functions run on the votes the test
 * itself sent; arena battles run through the real arena against a scripted OpenAI-compatible
 * endpoint. Raters of known honesty give the agreement figures their expected size.
 */

const STRENGTH = { strong: 1.4, good: 0.6, fair: -0.2, weak: -1.6 } as const;
type Level = keyof typeof STRENGTH;
const LEVELS = Object.keys(STRENGTH) as Level[];
const VOTERS = 10;
const BATTLES_PER_VOTER = 30;

interface SentVote {
  voter: number;
  a: string;
  b: string;
  winner: PairwiseOutcome;
  language: string;
  categories: PromptCategory[];
  message_id: string;
  other_message_id: string;
}

/** The prompts of battle i: every fifth is coding, math, a second turn, Portuguese, or plain English. */
function promptsOf(i: number): { prompts: string[]; language: string } {
  switch (i % 5) {
    case 0:
      return { prompts: [`Write a Python function that reverses a list (variant ${i}).`], language: 'en' };
    case 1:
      return { prompts: [`Solve for x: ${i % 9 + 2}x + 3 = ${i + 20}`], language: 'en' };
    case 2:
      return { prompts: ['Tell me about Lisbon.', `And what should I see there first (visit ${i})?`], language: 'en' };
    case 3:
      return { prompts: [`Qual é a melhor época para visitar o Porto? (${i})`], language: 'pt' };
    default:
      return { prompts: [`Write a short poem about the sea, verse ${i}.`], language: 'en' };
  }
}

describe.each(TEST_DATABASES)('leaderboard and agreement on $name', (database) => {
  let t: TestApp;
  let fake: FakeOpenAi;
  let base: string;
  let admin: Actor;
  let contributor: Actor;
  let reviewer: Actor;
  const voters: Actor[] = [];
  const model: Record<Level | 'otherA' | 'otherB' | 'arenaA' | 'arenaB', { id: string; slug: string }> = {} as never;
  const sent: SentVote[] = [];
  /** Expected helpfulness ratings of each model's answers (latest per person and answer). */
  const helpful = new Map<string, number[]>();
  let withdrawnVoter = -1;
  let tmp: string;

  const get = async (url: string, actor?: Actor) => {
    const res = actor === undefined ? await t.app.inject({ method: 'GET', url }) : await actor.request('GET', url);
    return res;
  };
  const board = async (query: string) => {
    const res = await get(`/v1/leaderboard?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return LeaderboardReport.parse(res.json());
  };
  const slugOf = (id: string) => Object.values(model).find((m) => m.id === id)?.slug ?? id;
  const active = () => sent.filter((v) => v.voter !== withdrawnVoter);
  const outcomes = (votes: readonly SentVote[]): BattleOutcome[] => votes.map((v) => ({ a: v.a, b: v.b, winner: v.winner }));
  /** Core's leaderboard on these votes, as the service calls it. */
  const expected = (votes: readonly SentVote[], options: { bootstrap: number; seed: number; anchor?: { model: string; rating: number } }) => {
    const battles = outcomes(votes);
    const models = [...new Set(battles.flatMap((b) => [b.a, b.b]))].sort();
    return leaderboard(battles, { models, ...options });
  };

  async function ingest(actor: Actor, lines: object[]) {
    const res = await actor.request('POST', '/v1/ingest', lines.map((l) => JSON.stringify(l)).join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rejected, res.body).toBe(0);
    return res.json();
  }

  /** One battle conversation: the prompts, earlier turns answered by `a`, then the two answers side by side. */
  function battleConversation(id: string, communityId: string, prompts: string[], language: string, a: string, b: string) {
    const messages: object[] = [];
    let parent: string | null = null;
    prompts.forEach((prompt, turn) => {
      const user = `${id}-u${turn}`;
      messages.push({ id: user, parent_id: parent, role: 'user', content: prompt });
      if (turn < prompts.length - 1) {
        messages.push({ id: `${id}-x${turn}`, parent_id: user, role: 'assistant', content: 'An earlier answer.', model_id: a });
        parent = `${id}-x${turn}`;
      } else {
        messages.push({ id: `${id}-a`, parent_id: user, role: 'assistant', content: `Answer one to ${id}.`, model_id: a });
        messages.push({ id: `${id}-b`, parent_id: user, role: 'assistant', content: `Answer two to ${id}.`, model_id: b });
      }
    });
    return { type: 'conversation', id, community_id: communityId, language, messages };
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'openfeedback-leaderboard-'));
    fake = await startFakeOpenAi();
    t = await createTestApp(database, { gatewayFirstTokenSeconds: 1, gatewayIdleSeconds: 1, gatewayRetries: 0 }, { random: seededRandom(5) });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await signUpAdmin(t);
    const community = async (slug: string, rubric: object[] = []) => {
      const res = await admin.request('POST', '/v1/communities', { slug, name: slug.toUpperCase(), kind: 'domain', rubric });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; slug: string };
    };
    const lb = await community('lb-test', [{ id: 'helpful', text: 'How helpful is the answer?', min: 1, max: 5 }]);
    const other = await community('lb-other');
    const register = async (slug: string, communityId: string, baseUrl: string | null = null) => {
      const res = await admin.request('POST', '/v1/models', { slug, name: `Model ${slug}`, community_id: communityId, base_url: baseUrl, model_name: slug, ...(baseUrl === null && { arena_weight: 0 }) });
      expect(res.statusCode, res.body).toBe(201);
      return { id: res.json().id as string, slug };
    };
    for (const level of LEVELS) model[level] = await register(`lb-${level}`, lb.id);
    model.otherA = await register('lb-other-a', other.id);
    model.otherB = await register('lb-other-b', other.id);

    // The crowd: each voter starts battles, votes on each (as its author), and rates both answers.
    const random = seededRandom(11);
    for (let v = 0; v < VOTERS; v++) {
      const voter = await signUp(t.app);
      voters.push(voter);
      const lines: object[] = [];
      const ratings: object[] = [];
      for (let k = 0; k < BATTLES_PER_VOTER; k++) {
        const i = v * BATTLES_PER_VOTER + k;
        const x = LEVELS[Math.floor(random() * 4)]!;
        let y = LEVELS[Math.floor(random() * 3)]!;
        if (y === x) y = LEVELS[3]!;
        const { prompts, language } = promptsOf(i);
        const id = `b${i}`;
        lines.push(battleConversation(id, lb.id, prompts, language, model[x].id, model[y].id));
        const p = 1 / (1 + Math.exp(STRENGTH[y] - STRENGTH[x]));
        const r = random();
        const winner: PairwiseOutcome = r < 0.06 ? 'tie' : r < 0.1 ? 'both_bad' : random() < p ? 'a' : 'b';
        lines.push({ type: 'feedback', kind: 'pairwise', conversation_id: id, message_id: `${id}-a`, other_message_id: `${id}-b`, outcome: winner });
        sent.push({ voter: v, a: model[x].id, b: model[y].id, winner, language, categories: promptCategories(prompts), message_id: `${id}-a`, other_message_id: `${id}-b` });
        for (const [side, level] of [['a', x], ['b', y]] as const) {
          const score = Math.min(5, Math.max(1, Math.round(3 + STRENGTH[level] + (random() - 0.5))));
          ratings.push({ type: 'feedback', kind: 'rating', conversation_id: id, message_id: `${id}-${side}`, question_id: 'helpful', score });
          if (v !== VOTERS - 1) helpful.set(model[level].id, [...(helpful.get(model[level].id) ?? []), score]);
        }
      }
      await ingest(voter, [...lines, ...ratings]);
    }
    // Another community's battles: only in its own leaderboard and the whole pool's.
    const otherLines: object[] = [];
    for (let i = 0; i < 12; i++) {
      otherLines.push(battleConversation(`o${i}`, other.id, ['Hello there?'], 'en', model.otherA.id, model.otherB.id));
      otherLines.push({ type: 'feedback', kind: 'pairwise', conversation_id: `o${i}`, message_id: `o${i}-a`, other_message_id: `o${i}-b`, outcome: i < 9 ? 'a' : 'b' });
    }
    await ingest(voters[0]!, otherLines);

    // Imported arena battles name models the pool does not know: they count by name, without a slug.
    const file = join(tmp, 'arena.jsonl');
    const turns = (q: string, a: string) => [{ role: 'user', content: q }, { role: 'assistant', content: a }];
    const rows = [0, 1, 2].map((i) => ({
      question_id: `q${i}`,
      model_a: 'koala-13b',
      model_b: 'alpaca-13b',
      winner: i === 2 ? 'model_b' : 'model_a',
      judge: `arena_user_${i}`,
      conversation_a: turns(`Why is the sky blue? ${i}`, 'Rayleigh scattering.'),
      conversation_b: turns(`Why is the sky blue? ${i}`, 'Because of the light.'),
      turn: 1,
      anony: true,
      language: 'English',
      tstamp: 1682351591 + i,
    }));
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const report = await importRecords(t.ctx, OPERATOR, { format: importFormat('arena')!, licence: 'CC-BY-4.0' }, [{ file, records: readRecordFile(file) }]);
    expect(report.feedback.imported, JSON.stringify(report)).toBe(3);

    contributor = await signUp(t.app);
    reviewer = await signUp(t.app);
    await grantRoles(admin, reviewer, ['reviewer']);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  it('ranks the models by their strength, with intervals around the ratings, as core computes them from the same votes', async () => {
    const report = await board('community=lb-test&bootstrap=40&seed=3');
    expect(report.rows.map((r) => r.model.slug)).toEqual(LEVELS.map((l) => model[l].slug));
    expect(report).toMatchObject({ community: { slug: 'lb-test', name: 'LB-TEST' }, language: null, category: 'overall', bootstrap_rounds: 40, seed: 3, anchor: null, ignored: 0, connected: true });
    expect(report.battles).toBe(VOTERS * BATTLES_PER_VOTER);
    const core = expected(sent, { bootstrap: 40, seed: 3 });
    expect(report.models).toEqual(core.models);
    report.rows.forEach((row, i) => {
      const e = core.entries[i]!;
      expect(row).toEqual({ model: { key: e.model, slug: slugOf(e.model), name: `Model ${slugOf(e.model)}` }, rating: e.rating, lower: e.lower, upper: e.upper, rank: e.rank, battles: e.battles, wins: e.wins, ties: e.ties, losses: e.losses });
      expect(row.lower).toBeLessThanOrEqual(row.rating);
      expect(row.upper).toBeGreaterThanOrEqual(row.rating);
      expect(row.wins + row.ties + row.losses).toBe(row.battles);
    });
    // The strongest is first beyond doubt; ranks never go down the table.
    expect(report.rows[0]!.rank).toBe(1);
    expect(report.rows.at(-1)!.rank).toBeGreaterThan(1);
    for (let i = 1; i < report.rows.length; i++) expect(report.rows[i]!.rank).toBeGreaterThanOrEqual(report.rows[i - 1]!.rank);
    // The matrices: symmetric counts that add up to each model's battles; win rates of a pair add up to 1.
    const n = report.models.length;
    for (let i = 0; i < n; i++) {
      expect(report.battle_counts[i]![i]).toBe(0);
      expect(report.win_rate[i]![i]).toBeNull();
      expect(report.battle_counts[i]!.reduce((s, c) => s + c, 0)).toBe(report.rows[i]!.battles);
      for (let j = 0; j < n; j++) {
        expect(report.battle_counts[i]![j]).toBe(report.battle_counts[j]![i]);
        if (i !== j) expect(report.win_rate[i]![j]! + report.win_rate[j]![i]!).toBeCloseTo(1, 12);
      }
    }
    // The strongest beats the weakest most of the time.
    expect(report.win_rate[0]![n - 1]).toBeGreaterThan(0.8);
    // Anyone may read it (like /v1/stats), and it names no person.
    for (const v of voters) expect(JSON.stringify(report)).not.toContain(v.id);
  });

  it('counts a person once per pair of answers (their latest vote), and leaves out votes that are no longer active', async () => {
    // Voter 0 changes their mind on their first battle, the other way round: the later vote replaces the first.
    const first = sent.find((v) => v.voter === 0)!;
    const changed: PairwiseOutcome = first.winner === 'b' ? 'tie' : 'b';
    const conversation = first.message_id.slice(0, -2);
    const res = await voters[0]!.request('POST', '/v1/feedback', { kind: 'pairwise', conversation_id: conversation, message_id: first.other_message_id, other_message_id: first.message_id, outcome: changed === 'b' ? 'a' : 'tie' });
    expect(res.statusCode, res.body).toBe(201);
    first.winner = changed;
    const before = await board('community=lb-test&bootstrap=0');
    expect(before.battles).toBe(VOTERS * BATTLES_PER_VOTER);
    expect(before.rows.map((r) => r.rating)).toEqual(expected(sent, { bootstrap: 0, seed: 1 }).entries.map((e) => e.rating));

    // The last voter withdraws consent: their votes (and ratings) are withdrawn, and the leaderboard drops them.
    const withdrawal = await voters[VOTERS - 1]!.request('DELETE', '/v1/consent');
    expect(withdrawal.statusCode, withdrawal.body).toBe(200);
    withdrawnVoter = VOTERS - 1;
    const after = await board('community=lb-test&bootstrap=20&seed=9');
    expect(after.battles).toBe((VOTERS - 1) * BATTLES_PER_VOTER);
    const core = expected(active(), { bootstrap: 20, seed: 9 });
    expect(after.rows.map((r) => [r.model.key, r.rating, r.lower, r.upper, r.wins, r.ties, r.losses])).toEqual(core.entries.map((e) => [e.model, e.rating, e.lower, e.upper, e.wins, e.ties, e.losses]));
  });

  it('cuts by language and by prompt category, each the same as core on the votes of that cut', async () => {
    const cuts: [string, (v: SentVote) => boolean][] = [
      ['language=pt', (v) => v.language === 'pt'],
      ['category=coding', (v) => v.categories.includes('coding')],
      ['category=math', (v) => v.categories.includes('math')],
      ['category=multi_turn', (v) => v.categories.includes('multi_turn')],
      ['category=longer_query', (v) => v.categories.includes('longer_query')],
      ['language=pt&category=multi_turn', (v) => v.language === 'pt' && v.categories.includes('multi_turn')],
    ];
    for (const [query, keep] of cuts) {
      const votes = active().filter(keep);
      const report = await board(`community=lb-test&${query}&bootstrap=10&seed=2`);
      expect(report.battles, query).toBe(votes.length);
      const core = expected(votes, { bootstrap: 10, seed: 2 });
      expect(report.rows.map((r) => [r.model.key, r.rating, r.lower, r.upper]), query).toEqual(core.entries.map((e) => [e.model, e.rating, e.lower, e.upper]));
    }
    // The categories the prompts were written for are the ones found.
    expect(active().filter((v) => v.categories.includes('coding')).length).toBe(active().length / 5);
    expect(active().filter((v) => v.categories.includes('math')).length).toBe(active().length / 5);
    expect(active().filter((v) => v.categories.includes('multi_turn')).length).toBe(active().length / 5);
    expect(active().filter((v) => v.language === 'pt').length).toBe(active().length / 5);
    expect((await board('community=lb-test&category=longer_query')).rows).toEqual([]);
  });

  it('cuts by community (slug or id), and reads the whole pool without one, imported model names included', async () => {
    const other = await board('community=lb-other&bootstrap=0');
    expect(other.rows.map((r) => [r.model.slug, r.wins, r.losses])).toEqual([
      ['lb-other-a', 9, 3],
      ['lb-other-b', 3, 9],
    ]);
    const byId = await board(`community=${other.community!.id}&bootstrap=0`);
    expect(byId.rows).toEqual(other.rows);

    const pool = await board('bootstrap=0');
    expect(pool.community).toBeNull();
    expect(pool.battles).toBe(active().length + 12 + 3);
    expect(pool.connected).toBe(false);
    const imported = pool.rows.filter((r) => r.model.slug === null);
    expect(imported.map((r) => [r.model.key, r.model.name, r.wins, r.losses]).sort()).toEqual([
      ['alpaca-13b', 'alpaca-13b', 1, 2],
      ['koala-13b', 'koala-13b', 2, 1],
    ]);
  });

  it('fixes the anchor model at the anchor rating, given by slug or id, and keeps the differences', async () => {
    const free = await board('community=lb-test&bootstrap=0');
    const bySlug = await board(`community=lb-test&bootstrap=0&anchor=${model.weak.slug}&anchor_rating=1200`);
    const byId = await board(`community=lb-test&bootstrap=0&anchor=${model.weak.id}&anchor_rating=1200`);
    expect(bySlug.anchor).toEqual({ model: model.weak.id, rating: 1200 });
    expect(bySlug.rows.find((r) => r.model.key === model.weak.id)!.rating).toBeCloseTo(1200, 9);
    expect(byId.rows).toEqual(bySlug.rows);
    const shift = 1200 - free.rows.find((r) => r.model.key === model.weak.id)!.rating;
    free.rows.forEach((r, i) => expect(bySlug.rows[i]!.rating).toBeCloseTo(r.rating + shift, 9));
    const imported = await board('bootstrap=0&anchor=koala-13b');
    expect(imported.rows.find((r) => r.model.key === 'koala-13b')!.rating).toBeCloseTo(1000, 9);
  });

  it('refuses bad query fields with 400 naming the field, and an unknown community with 404', async () => {
    const cases: [string, string][] = [
      ['bootstrap=-1', 'bootstrap'],
      ['bootstrap=5000', 'bootstrap'],
      ['bootstrap=ten', 'bootstrap'],
      ['seed=1.5', 'seed'],
      ['category=poetry', 'category'],
      ['language=not%20a%20tag', 'language'],
      ['anchor_rating=Infinity', 'anchor_rating'],
      ['anchor=nobody-at-all', 'anchor'],
      [`community=lb-other&anchor=${model.strong.slug}`, 'anchor'],
      ['colour=blue', 'querystring'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/v1/leaderboard?${query}`);
      expect({ query, status: res.statusCode, code: res.json().error?.code }).toEqual({ query, status: 400, code: 'validation_failed' });
      if (field !== 'querystring') expect(res.json().error.field, query).toBe(field);
    }
    const missing = await get('/v1/leaderboard?community=no-such-community');
    expect({ status: missing.statusCode, code: missing.json().error.code, field: missing.json().error.field }).toEqual({ status: 404, code: 'not_found', field: 'community' });
    expect((await get('/v1/agreement?community=no-such-community', reviewer)).statusCode).toBe(404);
    expect((await get('/v1/agreement?language=x', reviewer)).json().error).toMatchObject({ code: 'validation_failed', field: 'language' });
  });

  it("summarises each model's rubric scores with a 95 % interval of the mean", async () => {
    const report = await board('community=lb-test&bootstrap=0');
    const rows = report.rubric.filter((r) => r.question_id === 'helpful');
    expect(rows.map((r) => r.model)).toEqual(LEVELS.map((l) => model[l].id));
    for (const row of rows) {
      const scores = helpful.get(row.model)!;
      const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
      const sd = Math.sqrt(scores.reduce((s, x) => s + (x - mean) ** 2, 0) / (scores.length - 1));
      expect(row).toMatchObject({ question: 'How helpful is the answer?', community: 'lb-test', scale_min: 1, scale_max: 5, ratings: scores.length, model_name: `Model ${slugOf(row.model)}` });
      expect(row.mean).toBeCloseTo(mean, 9);
      expect(row.lower!).toBeCloseTo(mean - (1.959963984540054 * sd) / Math.sqrt(scores.length), 9);
      expect(row.upper!).toBeCloseTo(mean + (1.959963984540054 * sd) / Math.sqrt(scores.length), 9);
    }
    // Cut by category like the battles: only answers to coding prompts.
    const coding = await board('community=lb-test&category=coding&bootstrap=0');
    expect(coding.rubric.reduce((s, r) => s + r.ratings, 0)).toBe(2 * active().filter((v) => v.categories.includes('coding')).length);
  });

  describe('arena battles', () => {
    let arena: { id: string; slug: string };
    let person: Actor;

    /** Starts a battle through the real arena (a server-sent event stream) and returns its start event. */
    async function battle(content: string): Promise<Extract<ArenaEvent, { type: 'start' }>> {
      const res = await fetch(`${base}/v1/arena/battles`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: person.cookie }, body: JSON.stringify({ community_id: arena.slug, content }) });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = (await res.text())
        .split('\n\n')
        .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data: ')))
        .map((l) => JSON.parse(l.slice(6)) as ArenaEvent);
      expect(events.at(-1)).toMatchObject({ type: 'end', status: 'open' });
      return events.find((e) => e.type === 'start') as Extract<ArenaEvent, { type: 'start' }>;
    }
    const sideModel = async (battleId: string, side: 'a' | 'b') => {
      const row = await t.ctx.store.db.selectFrom('arena_battles').selectAll().where('id', '=', battleId).executeTakeFirstOrThrow();
      return side === 'a' ? row.model_a : row.model_b;
    };

    beforeAll(async () => {
      arena = (await admin.request('POST', '/v1/communities', { slug: 'lb-arena', name: 'Arena', kind: 'domain' })).json();
      for (const [key, slug] of [['arenaA', 'lb-arena-a'], ['arenaB', 'lb-arena-b']] as const) {
        const res = await admin.request('POST', '/v1/models', { slug, name: `Model ${slug}`, community_id: arena.id, base_url: fake.url, model_name: slug });
        expect(res.statusCode, res.body).toBe(201);
        model[key] = { id: res.json().id, slug };
        fake.behave(slug, { kind: 'stream', tokens: ['The', ' Tagus.'] });
      }
      person = await signUp(t.app);
    });

    it('counts a vote given in the arena, and not one the arena invalidated', async () => {
      expect((await board('community=lb-arena')).rows).toEqual([]);
      const first = await battle('Which river runs through Lisbon?');
      const vote = await person.request('POST', `/v1/arena/battles/${first.battle_id}/vote`, { winner: 'b' });
      expect(vote.statusCode, vote.body).toBe(200);
      const winner = await sideModel(first.battle_id, 'b');
      const report = await board('community=lb-arena&bootstrap=0');
      expect(report.battles).toBe(1);
      expect(report.rows.map((r) => [r.model.key, r.wins, r.losses])).toEqual([
        [winner, 1, 0],
        [await sideModel(first.battle_id, 'a'), 0, 1],
      ]);

      // An answer names its own model: the vote is kept but removed, and the leaderboard does not count it.
      fake.behave('lb-arena-a', { kind: 'stream', tokens: ['I am Model lb-arena-a', ', the Douro.'] });
      fake.behave('lb-arena-b', { kind: 'stream', tokens: ['I am Model lb-arena-b', ', the Douro.'] });
      const second = await battle('Which river runs through Porto?');
      const invalid = await person.request('POST', `/v1/arena/battles/${second.battle_id}/vote`, { winner: 'a' });
      expect(invalid.json()).toMatchObject({ status: 'invalid', invalid_reason: 'self_identified' });
      expect((await board('community=lb-arena&bootstrap=0')).battles).toBe(1);
      // It is in the whole pool's leaderboard too.
      const pool = await board('bootstrap=0');
      expect(pool.rows.find((r) => r.model.key === winner)).toMatchObject({ wins: 1, battles: 1 });
    });
  });

  describe('agreement', () => {
    let ag: { id: string; slug: string };
    const raters: Actor[] = [];
    const ITEMS = 40;
    /** What the test sent: figure → unit → rater → value (latest). */
    const matrix = new Map<string, Map<string, Map<string, string | number>>>();
    const put = (figure: string, unit: string, rater: string, value: string | number) => {
      const f = matrix.get(figure) ?? new Map<string, Map<string, string | number>>();
      matrix.set(figure, f);
      const u = f.get(unit) ?? new Map<string, string | number>();
      f.set(unit, u);
      u.set(rater, value);
    };
    const unitsOf = (figure: string) => [...matrix.get(figure)!.values()].map((u) => [...u.values()]);

    beforeAll(async () => {
      const rubric = [
        { id: 'honest', text: 'Is it correct?', min: 1, max: 5 },
        { id: 'noise', text: 'Is it charming?', min: 1, max: 5 },
        { id: 'signed', text: 'Better or worse than expected?', min: -2, max: 2 },
        { id: 'unasked', text: 'Nobody answers this one.', min: 1, max: 5 },
      ];
      ag = (await admin.request('POST', '/v1/communities', { slug: 'lb-agree', name: 'Agree', kind: 'domain', rubric })).json();
      const m = await admin.request('POST', '/v1/models', { slug: 'lb-agree-model', name: 'Agree model', community_id: ag.id, base_url: null, model_name: 'agree', arena_weight: 0 });
      const author = await signUp(t.app);
      const lines: object[] = [];
      for (let i = 0; i < ITEMS; i++) {
        lines.push({
          type: 'conversation',
          id: `ag${i}`,
          community_id: ag.id,
          messages: [
            { id: `ag${i}-u`, role: 'user', content: `Question ${i}?` },
            { id: `ag${i}-a`, parent_id: `ag${i}-u`, role: 'assistant', content: 'First.', model_id: m.json().id },
            { id: `ag${i}-b`, parent_id: `ag${i}-u`, role: 'assistant', content: 'Second.', model_id: m.json().id },
          ],
        });
      }
      await ingest(author, lines);
      const random = seededRandom(23);
      const truth = Array.from({ length: ITEMS }, () => 1 + Math.floor(random() * 5));
      for (let r = 0; r < 5; r++) {
        const rater = await signUp(t.app);
        await grantRoles(admin, rater, ['reviewer']); // third-party raters read the pool
        raters.push(rater);
        const events: object[] = [];
        for (let i = 0; i < ITEMS; i++) {
          const item = `ag${i}-a`;
          const honest = random() < 0.85 ? truth[i]! : Math.min(5, Math.max(1, truth[i]! + (random() < 0.5 ? -1 : 1)));
          const noise = 1 + Math.floor(random() * 5);
          const signed = truth[i]! - 3;
          const thumbs = truth[i]! >= 3 ? 'up' : 'down';
          const overall = Math.min(5, Math.max(1, truth[i]! + (random() < 0.8 ? 0 : 1)));
          const better: PairwiseOutcome = truth[i]! >= 3 ? 'a' : 'b';
          events.push({ type: 'feedback', kind: 'rating', conversation_id: `ag${i}`, message_id: item, question_id: 'honest', score: honest });
          events.push({ type: 'feedback', kind: 'rating', conversation_id: `ag${i}`, message_id: item, question_id: 'noise', score: noise });
          events.push({ type: 'feedback', kind: 'rating', conversation_id: `ag${i}`, message_id: item, question_id: 'signed', score: signed });
          events.push({ type: 'feedback', kind: 'thumbs', conversation_id: `ag${i}`, message_id: item, value: thumbs });
          events.push({ type: 'feedback', kind: 'rating', conversation_id: `ag${i}`, message_id: item, score: overall });
          // Pairwise: half the raters were shown the pair the other way round.
          events.push(
            r % 2 === 0
              ? { type: 'feedback', kind: 'pairwise', conversation_id: `ag${i}`, message_id: `ag${i}-a`, other_message_id: `ag${i}-b`, outcome: better }
              : { type: 'feedback', kind: 'pairwise', conversation_id: `ag${i}`, message_id: `ag${i}-b`, other_message_id: `ag${i}-a`, outcome: better === 'a' ? 'b' : 'a' },
          );
          put('honest', item, rater.id, honest);
          put('noise', item, rater.id, noise);
          put('signed', item, rater.id, signed);
          put('thumbs', item, rater.id, thumbs);
          put('overall', item, rater.id, overall);
          put('pairwise', `ag${i}`, rater.id, better);
        }
        // A few rate on a 0..10 scale too: overall ratings get one figure per scale.
        if (r < 2) for (let i = 0; i < 3; i++) {
          events.push({ type: 'feedback', kind: 'rating', conversation_id: `ag${i}`, message_id: `ag${i}-b`, score: 7, scale_min: 0, scale_max: 10 });
          put('overall10', `ag${i}-b`, rater.id, 7);
        }
        await ingest(rater, events);
      }
      // The first rater changes their mind on item 0: their later rating is the one that counts.
      const before = matrix.get('honest')!.get('ag0-a')!.get(raters[0]!.id) as number;
      const changed = await raters[0]!.request('POST', '/v1/feedback', { kind: 'rating', conversation_id: 'ag0', message_id: 'ag0-a', question_id: 'honest', score: before === 5 ? 1 : before + 1 });
      expect(changed.statusCode, changed.body).toBe(201);
      put('honest', 'ag0-a', raters[0]!.id, changed.json().score);
    });

    it('is for reviewers, moderators and admins: 401 anonymous, 403 for a contributor', async () => {
      expect((await get('/v1/agreement')).json().error.code).toBe('unauthenticated');
      const refused = await get('/v1/agreement', contributor);
      expect({ status: refused.statusCode, code: refused.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
      expect((await get('/v1/agreement?community=lb-agree', reviewer)).statusCode).toBe(200);
      expect((await get('/v1/agreement?community=lb-agree', admin)).statusCode).toBe(200);
    });

    it('is high for honest raters and near zero for random ones, equal to core on the same ratings', async () => {
      const res = await get('/v1/agreement?community=lb-agree', reviewer);
      expect(res.statusCode, res.body).toBe(200);
      const report = AgreementReport.parse(res.json());
      expect(report.community).toMatchObject({ slug: 'lb-agree' });
      const figure = (subject: string, question: string | null, scaleMax?: number) =>
        report.figures.find((f) => f.subject === subject && f.question_id === question && (scaleMax === undefined || f.scale_max === scaleMax))!;
      expect(report.figures.map((f) => [f.subject, f.question_id, f.scale_max])).toEqual([
        ['rubric', 'honest', 5],
        ['rubric', 'noise', 5],
        ['rubric', 'signed', 2],
        ['rubric', 'unasked', 5],
        ['overall_rating', null, 5],
        ['overall_rating', null, 10],
        ['thumbs', null, null],
        ['pairwise', null, null],
      ]);

      const honest = figure('rubric', 'honest');
      expect(honest).toMatchObject({ question: 'Is it correct?', community: 'lb-agree', level: 'ordinal', items: ITEMS, raters: 5, ratings: ITEMS * 5 });
      expect(honest.krippendorff.ordinal!).toBeGreaterThan(0.7);
      expect(Math.abs(figure('rubric', 'noise').krippendorff.ordinal!)).toBeLessThan(0.15);
      for (const [name, f] of [['honest', honest], ['noise', figure('rubric', 'noise')], ['overall', figure('overall_rating', null, 5)]] as const) {
        const units = unitsOf(name);
        for (const metric of ['nominal', 'ordinal', 'interval', 'ratio'] as const) expect(f.krippendorff[metric], `${name} ${metric}`).toBeCloseTo(krippendorffAlphaByUnit(units, metric).alpha, 12);
        expect(f.fleiss).toEqual({ kappa: expect.any(Number), items: ITEMS, raters_per_item: 5 });
        expect(f.fleiss!.kappa).toBeCloseTo(fleissKappa(units.map((u) => [1, 2, 3, 4, 5].map((c) => u.filter((v) => v === c).length))).kappa, 12);
        // Cohen: the first two raters by id (every pair rated every item).
        const [x, y] = raters.map((r) => r.id).sort() as [string, string];
        const a = [...matrix.get(name)!.values()].map((u) => u.get(x)!);
        const b = [...matrix.get(name)!.values()].map((u) => u.get(y)!);
        expect(f.cohen!.items).toBe(ITEMS);
        expect(f.cohen!.kappa).toBeCloseTo(cohenKappa(a, b, 'none', [1, 2, 3, 4, 5]).kappa, 12);
        expect(f.cohen!.quadratic).toBeCloseTo(cohenKappa(a, b, 'quadratic', [1, 2, 3, 4, 5]).kappa, 12);
      }
      // A scale below zero has no ratio level; one nobody rated has nothing to measure yet.
      expect(figure('rubric', 'signed').krippendorff.ratio).toBeNull();
      expect(figure('rubric', 'signed').krippendorff.interval).toBe(1);
      expect(figure('rubric', 'unasked')).toMatchObject({ items: 0, raters: 0, ratings: 0, krippendorff: { nominal: null, ordinal: null, interval: null, ratio: null }, fleiss: null, cohen: null });
      // Overall ratings on 0..10: three answers rated by two people.
      expect(figure('overall_rating', null, 10)).toMatchObject({ items: 3, raters: 2, ratings: 6, scale_min: 0 });

      // Thumbs and pairwise: nominal, so only the nominal alpha and unweighted kappa; a pair shown either way round is one unit.
      for (const name of ['thumbs', 'pairwise'] as const) {
        const f = figure(name, null);
        expect(f).toMatchObject({ level: 'nominal', items: ITEMS, raters: 5, ratings: ITEMS * 5, krippendorff: { ordinal: null, interval: null, ratio: null } });
        expect(f.krippendorff.nominal).toBeCloseTo(krippendorffAlphaByUnit(unitsOf(name), 'nominal').alpha, 12);
        expect(f.krippendorff.nominal).toBe(1);
        expect(f.cohen).toMatchObject({ kappa: 1, linear: null, quadratic: null, items: ITEMS });
      }
    });

    it('reads every community without one, and nothing in another language', async () => {
      const all = AgreementReport.parse((await get('/v1/agreement', reviewer)).json());
      expect(all.community).toBeNull();
      const communities = new Set(all.figures.filter((f) => f.subject === 'rubric').map((f) => f.community));
      expect(communities).toEqual(new Set(['lb-test', 'lb-agree']));
      const helpfulFigure = all.figures.find((f) => f.question_id === 'helpful')!;
      // lb-test's voters rated only their own answers: nothing rated by two people.
      expect(helpfulFigure.items).toBe(0);
      const german = AgreementReport.parse((await get('/v1/agreement?community=lb-agree&language=de', reviewer)).json());
      expect(german.figures.every((f) => f.items === 0 && f.ratings === 0)).toBe(true);
    });
  });
});

describe('the public leaderboard', () => {
  it('gets a tenth of the request budget per caller: it reads every vote each time', async () => {
    const t = await createTestApp(SQLITE_TEST_DATABASE, { rateLimitMax: 30 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await t.app.inject({ method: 'GET', url: '/v1/leaderboard' })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await t.app.inject({ method: 'GET', url: '/v1/stats' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
