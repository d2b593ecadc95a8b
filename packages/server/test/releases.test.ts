import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { TEST_DATABASES } from './support/databases.js';
import { startFakeHub, type FakeHub } from './support/fake-hub.js';
import { createTestApp, grantRoles, signUp, signUpAdmin, type Actor, type TestApp } from './support/test-app.js';

/**
 * The consent lifecycle end to end, seen in the releases a trainer downloads: what is scrubbed on
 * the way in, what a release holds (and does not), pseudonyms, licences, withdrawal, deletion,
 * takedown, the removals file, checksums, the cards, reproducibility, publishing, the audit log.
 */

const ANA_EMAIL = 'ana.lima@example.org';
const ANA_QUESTION = `How do I reply to ${ANA_EMAIL} about the Tagus ferry timetable?`;
const CY_MARKER = 'Ouroboros-cy-7731';
const BOB_MARKER = 'Zephyr-bob-4410';

interface Manifest {
  version: string;
  records: { conversations: number; messages: number; feedback: number };
  views: Record<string, number>;
  excluded: { unresolved_licence: { conversations: number; feedback: number } };
  licences: Record<string, number>;
  removals: Record<string, number>;
  rescrubbed: Record<string, number>;
  files: { path: string; bytes: number; sha256: string }[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const jsonl = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

/** Parquet as an independent reader (hyparquet) gives it back, in JSON terms. */
async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Record<string, unknown>[];
  return JSON.parse(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v))) as Record<string, unknown>[];
}

/** Every text of a release folder, Parquet files read as rows (their bytes are compressed). */
async function releaseText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const f of filesUnder(dir)) parts.push(f.endsWith('.parquet') ? JSON.stringify(await parquetRows(join(dir, f))) : readFileSync(join(dir, f), 'utf8'));
  return parts.join('\n');
}

describe.each(TEST_DATABASES)('releases and the consent lifecycle on $name', (database) => {
  let t: TestApp;
  let releasesDir: string;
  let hub: FakeHub;
  let admin: Actor & { apiKey: string };
  let ana: Actor;
  let bob: Actor;
  let cy: Actor;
  let communityId: string;
  let openModel: string;
  let otherOpenModel: string;
  let closedModel: string;
  const convo: Record<string, { id: string; messages: { id: string; content: string; role: string; pii_removed?: Record<string, number> }[] }> = {};
  const manifests: Record<string, Manifest> = {};

  const api = async (who: Actor, method: string, url: string, body?: unknown, status = 200) => {
    const res = await who.request(method, url, body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return res.body === '' ? undefined : res.json();
  };

  async function release(version: string): Promise<Manifest> {
    const started = await api(admin, 'POST', '/v1/releases', { version }, 202);
    expect(started.status).toBe('building');
    for (let i = 0; i < 400; i++) {
      const r = await api(admin, 'GET', `/v1/releases/${version}`);
      if (r.status === 'failed') throw new Error(`release ${version} failed: ${r.error}`);
      if (r.status === 'built') return (manifests[version] = r.manifest as Manifest);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the release did not finish');
  }

  const dirOf = (version: string) => join(releasesDir, version);

  beforeAll(async () => {
    releasesDir = mkdtempSync(join(tmpdir(), 'openfeedback-releases-'));
    hub = await startFakeHub({ token: 'hf_releasetesttoken' });
    t = await createTestApp(database, { releasesDir, hubToken: 'hf_releasetesttoken', hubUrl: hub.url, hubRepo: 'openfeedback/pool' });
    admin = await signUpAdmin(t);
    const community = await api(admin, 'POST', '/v1/communities', {
      slug: 'rivers',
      name: 'Rivers',
      kind: 'domain',
      languages: ['en', 'pt'],
      description: 'Rivers and ferries.',
      rubric: [{ id: 'accuracy', text: 'Is it accurate?', min: 1, max: 5 }],
    }, 201);
    communityId = community.id;
    const model = (slug: string, output_licences: string[]) => api(admin, 'POST', '/v1/models', { slug, name: slug, community_id: communityId, base_url: null, model_name: slug, output_licences }, 201).then((m) => m.id as string);
    openModel = await model('open-model', ['CC0-1.0', 'CC-BY-4.0', 'CC-BY-SA-4.0']);
    otherOpenModel = await model('other-open-model', ['CC-BY-4.0', 'CC-BY-SA-4.0']);
    closedModel = await model('closed-model', []);

    ana = await signUp(t.app, { consent: false });
    await api(ana, 'POST', '/v1/consent', { terms_version: '2026-11', adult_confirmed: true, licence: 'CC-BY-4.0', attribution: 'name', attribution_name: 'Ana Lima' }, 201);
    bob = await signUp(t.app, { consent: false });
    await api(bob, 'POST', '/v1/consent', { terms_version: '2026-11', adult_confirmed: true, licence: 'CC0-1.0', attribution: 'none' }, 201);
    cy = await signUp(t.app, { consent: false });
    await api(cy, 'POST', '/v1/consent', { terms_version: '2026-11', adult_confirmed: true, licence: 'CC-BY-SA-4.0', attribution: 'pseudonym' }, 201);
    await grantRoles(admin, bob, ['reviewer']);

    // Ana: a question with her e-mail address, two answers by two open models, her votes and a reviewer's rating.
    convo.ana = await api(ana, 'POST', '/v1/conversations', {
      community_id: communityId,
      language: 'en',
      messages: [
        { id: 'ana-q', role: 'user', content: ANA_QUESTION },
        { id: 'ana-a1', parent_id: 'ana-q', role: 'assistant', content: 'Write to them politely and ask for the winter timetable.', model_id: openModel },
        { id: 'ana-a2', parent_id: 'ana-q', role: 'assistant', content: 'Call +351 912 345 678 and ask.', model_id: otherOpenModel },
      ],
    }, 201);
    await api(ana, 'POST', '/v1/feedback', { kind: 'pairwise', conversation_id: convo.ana!.id, message_id: 'ana-a1', other_message_id: 'ana-a2', outcome: 'a' }, 201);
    await api(ana, 'POST', '/v1/feedback', { kind: 'thumbs', conversation_id: convo.ana!.id, message_id: 'ana-a1', value: 'up' }, 201);
    await api(ana, 'POST', '/v1/feedback', { kind: 'critique', conversation_id: convo.ana!.id, message_id: 'ana-a2', text: 'Never share numbers; mine is ana.lima@example.org anyway.' }, 201);
    await api(bob, 'POST', '/v1/feedback', { kind: 'rating', conversation_id: convo.ana!.id, message_id: 'ana-a1', question_id: 'accuracy', score: 4 }, 201);
    // Bob: a conversation with a model that declares no output licences: it cannot be released.
    convo.bob = await api(bob, 'POST', '/v1/conversations', {
      community_id: communityId,
      messages: [
        { role: 'user', content: `What is ${BOB_MARKER}?` },
        { role: 'assistant', content: 'I do not know.', model_id: closedModel },
      ],
    }, 201);
    await api(bob, 'POST', '/v1/feedback', { kind: 'thumbs', conversation_id: convo.bob!.id, message_id: convo.bob!.messages[1]!.id, value: 'down' }, 201);
    // Cy: share-alike, with a model that allows it.
    convo.cy = await api(cy, 'POST', '/v1/conversations', {
      community_id: communityId,
      language: 'pt',
      messages: [
        { role: 'user', content: `Qual é o rio de ${CY_MARKER}?` },
        { role: 'assistant', content: 'O Tejo.', model_id: openModel },
      ],
    }, 201);
    await api(cy, 'POST', '/v1/feedback', { kind: 'thumbs', conversation_id: convo.cy!.id, message_id: convo.cy!.messages[1]!.id, value: 'up' }, 201);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await hub?.close();
    rmSync(releasesDir, { recursive: true, force: true });
  });

  it('scrubs personal data before it is stored, noting what kinds were removed and never the originals', async () => {
    const question = convo.ana!.messages.find((m) => m.id === 'ana-q')!;
    expect(question.content).toBe('How do I reply to [EMAIL] about the Tagus ferry timetable?');
    expect(question.pii_removed).toEqual({ email: 1 });
    const stored = await t.ctx.store.db.selectFrom('messages').select(['id', 'content', 'pii_removed']).where('conversation_id', '=', convo.ana!.id).orderBy('id').execute();
    expect(stored.map((m) => [m.id, m.content, m.pii_removed === null ? null : JSON.parse(m.pii_removed)])).toEqual([
      ['ana-a1', 'Write to them politely and ask for the winter timetable.', null],
      ['ana-a2', 'Call [PHONE] and ask.', { phone: 1 }],
      ['ana-q', 'How do I reply to [EMAIL] about the Tagus ferry timetable?', { email: 1 }],
    ]);
    const critique = await t.ctx.store.db.selectFrom('feedback').select(['payload', 'pii_removed']).where('kind', '=', 'critique').executeTakeFirstOrThrow();
    expect(JSON.parse(critique.payload).text).toBe('Never share numbers; mine is [EMAIL] anyway.');
    expect(JSON.parse(critique.pii_removed!)).toEqual({ email: 1 });
    // Nowhere in the database: not in any table, not in any stored reply.
    for (const table of ['messages', 'feedback', 'conversations', 'idempotency_keys', 'audit_log']) {
      const rows = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${sql.raw(table === 'messages' ? 'content' : table === 'feedback' ? 'payload' : table === 'conversations' ? 'title' : table === 'audit_log' ? 'details' : 'response_body')} like ${'%ana.lima@%'}`.execute(t.ctx.store.db);
      expect(Number(rows.rows[0]!.n), table).toBe(0);
    }
  });

  it('resolves each record’s release licence from its grant and its models, and stores it', async () => {
    const db = t.ctx.store.db;
    const licences = Object.fromEntries((await db.selectFrom('conversations').select(['id', 'release_licence']).execute()).map((c) => [c.id, c.release_licence]));
    expect(licences[convo.ana!.id]).toBe('CC-BY-4.0'); // CC-BY grant; both models allow CC-BY
    expect(licences[convo.cy!.id]).toBe('CC-BY-SA-4.0'); // share-alike stays share-alike
    expect(licences[convo.bob!.id]).toBeNull(); // the closed model allows nothing
    const feedback = await db.selectFrom('feedback').select(['contributor_id', 'conversation_id', 'release_licence']).execute();
    // Bob granted CC0 but rated Ana's CC-BY conversation: the event keeps her attribution condition.
    expect(feedback.find((f) => f.contributor_id === bob.id && f.conversation_id === convo.ana!.id)?.release_licence).toBe('CC-BY-4.0');
    expect(feedback.find((f) => f.conversation_id === convo.bob!.id)?.release_licence).toBeNull();
  });

  it('builds a release of consented, licence-resolved, re-scanned records with every file checksummed', async () => {
    const m = await release('v1');
    expect(m.records).toEqual({ conversations: 2, messages: 5, feedback: 5 });
    expect(m.excluded.unresolved_licence).toEqual({ conversations: 1, feedback: 1 });
    expect(m.licences).toEqual({ 'CC-BY-4.0': 5, 'CC-BY-SA-4.0': 2 });
    const dir = dirOf('v1');
    // The manifest lists every file but itself, with the right size and sha256.
    expect(filesUnder(dir)).toEqual([...m.files.map((f) => f.path), 'manifest.json'].sort());
    for (const f of m.files) {
      expect(statSync(join(dir, f.path)).size, f.path).toBe(f.bytes);
      expect(sha256(join(dir, f.path)), f.path).toBe(f.sha256);
    }
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(m);
    // Bob's unreleasable conversation is nowhere; Ana's e-mail address is nowhere; the placeholder is there.
    const text = await releaseText(dir);
    expect(text).not.toContain(BOB_MARKER);
    expect(text).not.toContain('ana.lima');
    expect(text).not.toContain('912 345 678');
    expect(text).toContain('[EMAIL]');
    expect(text).toContain(CY_MARKER);
  });

  it('has views whose Parquet files read back (hyparquet) equal to their JSON Lines, and DPO/KTO/battles rows from the votes', async () => {
    const dir = dirOf('v1');
    for (const view of ['conversations', 'feedback', 'sft', 'dpo', 'kto', 'battles']) {
      const lines = jsonl(join(dir, 'jsonl', `${view}.jsonl`));
      const table = await parquetRows(join(dir, 'data', `${view}.parquet`));
      expect(table.length, view).toBe(lines.length);
      expect(lines.length, view).toBe(manifests.v1!.views[view]);
      table.forEach((row, i) => expect(row, `${view} row ${i}`).toEqual(Object.fromEntries(Object.keys(row).map((k) => [k, lines[i]![k] ?? null]))));
    }
    const dpo = jsonl(join(dir, 'jsonl', 'dpo.jsonl'));
    expect(dpo.some((r) => JSON.stringify(r.chosen).includes('winter timetable') && JSON.stringify(r.rejected).includes('Call [PHONE]'))).toBe(true);
    const battles = jsonl(join(dir, 'jsonl', 'battles.jsonl'));
    expect(battles).toHaveLength(1);
    expect(battles[0]).toMatchObject({ model_a: 'open-model', model_b: 'other-open-model', winner: 'model_a' });
  });

  it('replaces every internal id: public record ids, and contributor pseudonyms stable within a release', async () => {
    const dir = dirOf('v1');
    const text = await releaseText(dir);
    const db = t.ctx.store.db;
    const internal = [
      ...(await db.selectFrom('contributors').select('id').execute()).map((r) => r.id),
      ...(await db.selectFrom('conversations').select('id').execute()).map((r) => r.id),
      ...(await db.selectFrom('messages').select('id').execute()).map((r) => r.id),
      ...(await db.selectFrom('feedback').select('id').execute()).map((r) => r.id),
      communityId,
      openModel,
      otherOpenModel,
    ];
    for (const id of internal) expect(text, id).not.toContain(id);
    const feedback = jsonl(join(dir, 'jsonl', 'feedback.jsonl'));
    const byConversation = new Map<string, Set<string>>();
    for (const f of feedback) byConversation.set(f.conversation_id as string, (byConversation.get(f.conversation_id as string) ?? new Set()).add(f.contributor_id as string));
    // Ana's three events share one pseudonym; Bob's rating has another.
    const anaConversation = feedback.find((f) => f.kind === 'pairwise')!;
    const anaPseudonym = anaConversation.contributor_id as string;
    expect(anaPseudonym).toMatch(/^p_/);
    expect(feedback.filter((f) => f.contributor_id === anaPseudonym).map((f) => f.kind).sort()).toEqual(['critique', 'pairwise', 'thumbs']);
    expect(feedback.find((f) => f.kind === 'rating')!.contributor_id).not.toBe(anaPseudonym);
    expect(feedback.every((f) => /^f_/.test(f.id as string) && /^c_/.test(f.conversation_id as string))).toBe(true);
  });

  it('has a Hugging Face dataset card whose YAML parses and whose configs name files that exist, and an openness card with evidence on five axes', async () => {
    const dir = dirOf('v1');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const [, header, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(readme)!;
    const card = parseYaml(header!) as { license: string; language: string[]; task_categories: string[]; size_categories: string[]; configs: { config_name: string; data_files: { split: string; path: string }[] }[]; license_details?: string };
    expect(card.license).toBe('other'); // two licences: explained per record
    expect(card.license_details).toContain('CC-BY-SA-4.0');
    expect(card.language).toEqual(['en', 'pt']);
    expect(card.task_categories).toContain('text-generation');
    expect(card.size_categories).toEqual(['n<1K']);
    expect(card.configs.map((c) => c.config_name)).toEqual(['conversations', 'feedback', 'sft', 'dpo', 'kto', 'battles']);
    for (const c of card.configs) for (const f of c.data_files) expect(statSync(join(dir, f.path)).isFile(), f.path).toBe(true);
    for (const section of ['## How the data was collected', '### Methodology', '### Consent', '## Licences', '## Known limitations', '## Citation']) expect(body).toContain(section);
    expect(body).toContain('2026-11'); // the consent terms version
    expect(body).toContain('Ana Lima'); // credited by name, as she asked
    const openness = JSON.parse(readFileSync(join(dir, 'openness.json'), 'utf8')) as { axes: { axis: string; grade: string; criteria: { met: boolean; evidence: string }[] }[] };
    expect(openness.axes.map((a) => a.axis)).toEqual(['methodology', 'access', 'model_participation', 'human_participation', 'timeline']);
    for (const a of openness.axes) for (const c of a.criteria) expect(c.evidence.length).toBeGreaterThan(5);
    // One of three models declares no output licences: model participation is not fully open.
    expect(openness.axes.find((a) => a.axis === 'model_participation')!.grade).not.toBe('open');
    expect(readFileSync(join(dir, 'OPENNESS.md'), 'utf8')).toContain('| Human participation |');
  });

  it('is immutable, and rebuilding it from the same database gives the same checksums', async () => {
    const again = await admin.request('POST', '/v1/releases', { version: 'v1' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.field).toBe('version');
    const { rebuildRelease } = await import('../src/services/releases.js');
    const out = mkdtempSync(join(tmpdir(), 'openfeedback-rebuild-'));
    try {
      const rebuilt = await rebuildRelease(t.ctx, 'v1', join(out, 'v1'));
      expect(rebuilt.files).toEqual(manifests.v1!.files);
      expect(sha256(join(out, 'v1', 'manifest.json'))).toBe(sha256(join(dirOf('v1'), 'manifest.json')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('withdrawal: capture stops, the next release holds nothing of theirs, and its removals file names what mirrors must delete', async () => {
    const cyPublic = jsonl(join(dirOf('v1'), 'jsonl', 'conversations.jsonl')).find((r) => JSON.stringify(r.messages).includes(CY_MARKER))!.conversation_id as string;
    await api(cy, 'DELETE', '/v1/consent');
    expect((await cy.request('POST', '/v1/conversations', { messages: [{ role: 'user', content: 'still here?' }] })).statusCode).toBe(403);
    const m = await release('v2');
    expect(m.records).toEqual({ conversations: 1, messages: 3, feedback: 4 });
    const text = await releaseText(dirOf('v2'));
    expect(text).not.toContain(CY_MARKER);
    const removals = jsonl(join(dirOf('v2'), 'removals.jsonl'));
    expect(removals).toContainEqual({ public_id: cyPublic, record_kind: 'conversation' });
    expect(removals.filter((r) => r.record_kind === 'message')).toHaveLength(2);
    expect(m.removals).toEqual({ withdrawn: 4 }); // conversation, two messages, one thumbs
    // Pseudonyms do not link across releases: Ana's v2 pseudonym is not her v1 one.
    const v1Ana = jsonl(join(dirOf('v1'), 'jsonl', 'feedback.jsonl')).find((f) => f.kind === 'pairwise')!.contributor_id;
    const v2Ana = jsonl(join(dirOf('v2'), 'jsonl', 'feedback.jsonl')).find((f) => f.kind === 'pairwise')!.contributor_id;
    expect(v2Ana).not.toBe(v1Ana);
    // Record ids do link: the same conversation keeps its public id, so removals can name it.
    const anaV1 = jsonl(join(dirOf('v1'), 'jsonl', 'feedback.jsonl')).find((f) => f.kind === 'pairwise')!.id;
    const anaV2 = jsonl(join(dirOf('v2'), 'jsonl', 'feedback.jsonl')).find((f) => f.kind === 'pairwise')!.id;
    expect(anaV2).toBe(anaV1);
  });

  it('takedown: anyone reports a released message by its public id; after a moderator upholds it, it leaves the next release, and the decision is logged', async () => {
    const rows = jsonl(join(dirOf('v2'), 'jsonl', 'feedback.jsonl'));
    const pairwise = rows.find((f) => f.kind === 'pairwise')!;
    const target = pairwise.other_message_id as string; // the answer with the phone number
    const anonymous = await t.app.inject({ method: 'POST', url: '/v1/takedowns', payload: { record_id: target, reason: 'privacy', details: 'This answer shows a phone number.' } });
    expect(anonymous.statusCode, anonymous.body).toBe(201);
    const report = anonymous.json();
    expect(report).toMatchObject({ conversation_id: convo.ana!.id, message_id: 'ana-a2', status: 'open' });
    // Not yet decided: still in a release made now.
    expect((await release('v3')).records.messages).toBe(3);
    // Only moderators decide.
    expect((await ana.request('POST', `/v1/takedowns/${report.id}/decision`, { decision: 'uphold', reason: 'x' })).statusCode).toBe(403);
    expect((await api(admin, 'GET', '/v1/takedowns?status=open')).items.map((r: { id: string }) => r.id)).toEqual([report.id]);
    const decided = await api(admin, 'POST', `/v1/takedowns/${report.id}/decision`, { decision: 'uphold', reason: 'A phone number that identifies a person.' });
    expect(decided.status).toBe('upheld');
    expect((await admin.request('POST', `/v1/takedowns/${report.id}/decision`, { decision: 'reject', reason: 'again' })).statusCode).toBe(409);
    const m = await release('v4');
    expect(m.records.messages).toBe(2);
    expect(m.removals).toEqual({ takedown: 3 }); // the answer, the pairwise vote naming it, Ana's critique of it; the votes on the other answer stay
    // Gone from the data; named only in the removals file.
    const data = (await releaseText(dirOf('v4'))).replace(readFileSync(join(dirOf('v4'), 'removals.jsonl'), 'utf8'), '');
    expect(data).not.toContain(target);
    expect(jsonl(join(dirOf('v4'), 'removals.jsonl'))).toContainEqual({ public_id: target, record_kind: 'message' });
    const audit = await api(admin, 'GET', '/v1/audit?action=takedown.uphold');
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ actor_id: admin.id, target_kind: 'message', target_id: 'ana-a2', reason: 'A phone number that identifies a person.' });
  });

  it('delete everything: the account and its content leave every table, and no file built afterwards holds them', async () => {
    const res = await api(ana, 'DELETE', '/v1/me');
    expect(res.conversations).toBe(1);
    expect((await ana.request('GET', '/v1/me')).statusCode).toBe(401);
    const db = t.ctx.store.db;
    const marker = 'Tagus ferry timetable';
    for (const [table, column] of [['messages', 'content'], ['conversations', 'title'], ['feedback', 'payload'], ['idempotency_keys', 'response_body'], ['contributors', 'handle'], ['consents', 'attribution_name'], ['audit_log', 'details']] as const) {
      const needle = column === 'handle' ? ana.handle : column === 'attribution_name' ? 'Ana Lima' : marker;
      const n = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} like ${`%${needle}%`}`.execute(db);
      expect(Number(n.rows[0]!.n), `${table}.${column}`).toBe(0);
    }
    for (const table of ['conversations', 'feedback', 'sessions', 'api_keys', 'consents', 'queue_assignments', 'identities'] as const) {
      const n = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where contributor_id = ${ana.id}`.execute(db);
      expect(Number(n.rows[0]!.n), table).toBe(0);
    }
    const m = await release('v5');
    expect(m.records).toEqual({ conversations: 0, messages: 0, feedback: 0 });
    const text = await releaseText(dirOf('v5'));
    expect(text).not.toContain(marker);
    expect(text).not.toContain('Ana Lima');
    expect(m.removals.deleted).toBeGreaterThanOrEqual(4);
  });

  it('publishes a release to a Hugging Face dataset repository (a local fake hub) and to a folder, and logs both', async () => {
    const published = await api(admin, 'POST', '/v1/releases/v1/publish', { kind: 'hub' });
    expect(published.files).toBe(manifests.v1!.files.length + 1);
    const repo = hub.repos.get('openfeedback/pool')!;
    expect(repo.type).toBe('dataset');
    const files = repo.commits.at(-1)!.files;
    for (const f of manifests.v1!.files) expect(createHash('sha256').update(files.get(f.path)!).digest('hex'), f.path).toBe(f.sha256);
    const folder = mkdtempSync(join(tmpdir(), 'openfeedback-mirror-'));
    try {
      await api(admin, 'POST', '/v1/releases/v1/publish', { kind: 'folder', path: folder });
      expect(filesUnder(join(folder, 'v1'))).toEqual(filesUnder(dirOf('v1')));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const actions = (await api(admin, 'GET', '/v1/audit?limit=500')).items.map((e: { action: string }) => e.action);
    for (const a of ['release.create', 'release.built', 'release.publish', 'model.create', 'community.create', 'contributor.roles', 'takedown.uphold']) expect(actions, a).toContain(a);
    expect((await bob.request('GET', '/v1/audit')).statusCode).toBe(403);
  });

  it('downloads release files over HTTP for anyone, and refuses paths outside the manifest', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/releases/v1/files/data/dpo.parquet' });
    expect(res.statusCode).toBe(200);
    expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(manifests.v1!.files.find((f) => f.path === 'data/dpo.parquet')!.sha256);
    expect((await t.app.inject({ method: 'GET', url: '/v1/releases/v1/files/../../etc/passwd' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/v1/releases/v1/files/secret.txt' })).statusCode).toBe(404);
  });
});
