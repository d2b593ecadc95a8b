import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from './support/databases.js';
import { createTestApp, signUp, signUpAdmin, startConversation, type Actor, type TestApp } from './support/test-app.js';

/** An RFC 4180 reader written for this test (independent of the server's writer): records of fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
    } else if (c === '"' && field === '') (quoted = true), i++;
    else if (c === ',') record.push(field), (field = ''), i++;
    else if (c === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (record = []), (field = ''), (i += 2);
    else if (c === '\r' || c === '\n' || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else (field += c), i++;
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

const asObjects = (records: string[][]) => records.slice(1).map((r) => Object.fromEntries(records[0]!.map((h, i) => [h, r[i]!])));

describe.each(TEST_DATABASES)('my data on $name', (database) => {
  let t: TestApp;
  let admin: Actor;

  beforeAll(async () => {
    t = await createTestApp(database);
    admin = await signUpAdmin(t);
  });
  afterAll(() => t.close());

  const db = () => t.ctx.store.db;

  /** A person with two conversations (one branched), feedback of three kinds, and a rated pool item. */
  async function contributorWithData() {
    const me = await signUp(t.app);
    const other = await signUp(t.app);
    const a = await startConversation(me);
    const branch = await me.request('POST', `/v1/conversations/${a.id}/messages`, { parent_id: a.messages[0]!.id, role: 'assistant', content: 'Lisboa.' });
    const b = await startConversation(me);
    for (const body of [
      { kind: 'thumbs', conversation_id: a.id, message_id: a.messages[1]!.id, value: 'up' },
      { kind: 'thumbs', conversation_id: b.id, message_id: b.messages[1]!.id, value: 'down' },
      { kind: 'critique', conversation_id: a.id, message_id: branch.json().id, text: 'Short, "but" right,\r\nand in Portuguese.' },
    ]) {
      expect((await me.request('POST', '/v1/feedback', body)).statusCode).toBe(201);
    }
    const theirs = await startConversation(other);
    await other.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: theirs.id, message_id: theirs.messages[1]!.id, value: 'up' });
    const served = (await me.request('POST', '/v1/queue/next', {})).json().conversation as { id: string; messages: { id: string; role: string }[] };
    const answer = served.messages.find((m) => m.role === 'assistant')!;
    expect((await me.request('POST', '/v1/feedback', { kind: 'rating', conversation_id: served.id, message_id: answer.id, score: 4 })).statusCode).toBe(201);
    // Someone rates my conversation: theirs, not mine.
    await other.request('POST', '/v1/queue/next', {});
    return { me, other, a, b, theirs };
  }

  it('counts what the pool holds of mine, and nothing of anyone else', async () => {
    const { me } = await contributorWithData();
    const res = await me.request('GET', '/v1/me/stats');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      conversations: 2,
      messages: 5,
      feedback: 4,
      feedback_by_kind: { critique: 1, rating: 1, thumbs: 2 },
      third_party_feedback: 1,
      served_from_queue: 1,
    });
    // Withdrawn records are still held (and still mine to export or delete): still counted.
    await me.request('DELETE', '/v1/consent');
    expect((await me.request('GET', '/v1/me/stats')).json()).toMatchObject({ conversations: 2, messages: 5, feedback: 4 });
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/stats' })).statusCode).toBe(401);
  });

  it('exports everything about me as one JSON document to download', async () => {
    const { me, other, a, b } = await contributorWithData();
    await me.request('PATCH', '/v1/me', { demographics: { languages: ['pt'] } });
    await me.request('POST', '/v1/api-keys', { name: 'laptop', scopes: ['read'] });
    await me.request('POST', '/v1/consent', { terms_version: '2026-11', adult_confirmed: true, licence: 'CC0-1.0', attribution: 'none' });
    const res = await me.request('GET', '/v1/me/export?format=json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="openfeedback-my-data.json"');
    const doc = res.json();
    expect(Object.keys(doc)).toEqual(['format', 'version', 'exported_at', 'profile', 'consents', 'api_keys', 'identities', 'queue', 'quality', 'conversations', 'feedback']);
    expect(doc.quality).toMatchObject({ contributor_id: me.id, trust: doc.profile.trust, restricted: false });
    expect(doc.profile).toMatchObject({ id: me.id, handle: me.handle, demographics: { languages: ['pt'] } });
    expect(doc.consents.map((c: { licence: string }) => c.licence)).toEqual(['CC-BY-4.0', 'CC0-1.0']);
    expect(doc.api_keys.map((k: { name: string }) => k.name)).toEqual(['laptop']);
    expect(res.body).not.toMatch(/secret|password/);
    expect(doc.identities).toEqual([]);
    expect(doc.queue).toHaveLength(1);
    expect(doc.conversations.map((c: { id: string }) => c.id)).toEqual([a.id, b.id]);
    expect(doc.conversations[0].messages).toHaveLength(3);
    expect(doc.conversations[0]).toEqual((await me.request('GET', `/v1/conversations/${a.id}`)).json());
    const mine = (await me.request('GET', '/v1/feedback?limit=500')).json().items as { id: string }[];
    expect(new Set(doc.feedback.map((f: { id: string }) => f.id))).toEqual(new Set(mine.map((f) => f.id)));
    expect(doc.feedback.every((f: { contributor_id: string }) => f.contributor_id === me.id)).toBe(true);
    expect(res.body).not.toContain(other.id);
    // The default format is JSON.
    expect((await me.request('GET', '/v1/me/export')).json().profile.id).toBe(me.id);
    // Someone with nothing yet gets a whole document with empty lists; CSV, just the header.
    const newcomer = await signUp(t.app, { consent: false });
    expect((await newcomer.request('GET', '/v1/me/export')).json()).toMatchObject({ consents: [], conversations: [], feedback: [], queue: [] });
    expect((await newcomer.request('GET', '/v1/me/export?format=csv&table=feedback')).body.split('\r\n')).toHaveLength(2);
  });

  it('exports each table as RFC 4180 CSV that reads back to exactly what is stored', async () => {
    const me = await signUp(t.app);
    const tricky = 'Quotes "like this", commas, a CRLF\r\nand a LF\nthen ünïcödé 🙂 and =SUM(A1)';
    const conv = await me.request('POST', '/v1/conversations', {
      title: 'A title, "quoted"',
      language: 'pt',
      messages: [
        { role: 'user', content: tricky },
        { role: 'assistant', content: 'plain' },
      ],
    });
    const c = conv.json();
    await me.request('POST', '/v1/feedback', { kind: 'critique', conversation_id: c.id, message_id: c.messages[1].id, text: tricky, span: { start: 0, end: 5 } });

    const get = async (table: string) => {
      const res = await me.request('GET', `/v1/me/export?format=csv&table=${table}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="openfeedback-my-${table}.csv"`);
      return parseCsv(res.body);
    };
    const conversations = await get('conversations');
    expect(conversations[0]).toEqual(['id', 'community_id', 'title', 'language', 'source', 'licence', 'status', 'created_at', 'updated_at']);
    expect(asObjects(conversations)).toEqual([{ id: c.id, community_id: '', title: 'A title, "quoted"', language: 'pt', source: 'openfeedback', licence: 'CC-BY-4.0', status: 'active', created_at: c.created_at, updated_at: c.updated_at }]);

    const messages = asObjects(await get('messages'));
    expect(messages.map((m) => m.content)).toEqual([tricky, 'plain']);
    expect(messages[1]).toMatchObject({ id: c.messages[1].id, parent_id: c.messages[0].id, role: 'assistant', conversation_id: c.id });

    const feedback = asObjects(await get('feedback'));
    expect(feedback).toHaveLength(1);
    expect(feedback[0]).toMatchObject({ kind: 'critique', conversation_id: c.id, message_id: c.messages[1].id, annotator_role: 'interlocutor', status: 'active' });
    expect(JSON.parse(feedback[0]!.details!)).toMatchObject({ text: tricky, span: { start: 0, end: 5 } });
    expect(JSON.parse(feedback[0]!.provenance!)).toMatchObject({ type: 'human' });

    const missing = await me.request('GET', '/v1/me/export?format=csv');
    expect({ status: missing.statusCode, code: missing.json().error.code, field: missing.json().error.field }).toEqual({ status: 400, code: 'validation_failed', field: 'table' });
    expect((await me.request('GET', '/v1/me/export?format=csv&table=contributors')).statusCode).toBe(400);
    expect((await me.request('GET', '/v1/me/export?format=xml')).statusCode).toBe(400);
  });

  it('exports more than a page of conversations whole', async () => {
    const me = await signUp(t.app);
    const lines = Array.from({ length: 1201 }, (_, i) =>
      JSON.stringify({ type: 'conversation', id: `bulk-${me.id}-${i}`, messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }] }),
    );
    const ingest = await me.request('POST', '/v1/ingest', lines.join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(ingest.json()).toMatchObject({ conversations: 1201, rejected: 0 });
    const doc = (await me.request('GET', '/v1/me/export')).json();
    expect(doc.conversations).toHaveLength(1201);
    expect(new Set(doc.conversations.map((c: { id: string }) => c.id)).size).toBe(1201);
    expect(doc.conversations.every((c: { messages: unknown[] }) => c.messages.length === 2)).toBe(true);
    expect(parseCsv((await me.request('GET', '/v1/me/export?format=csv&table=messages')).body)).toHaveLength(1 + 2402);
  });

  it('deletes my conversation for good: messages, every feedback on it, queue assignments and stored retry answers', async () => {
    const author = await signUp(t.app);
    const rater = await signUp(t.app);
    const reviewer = await signUp(t.app);
    await admin.request('PUT', `/v1/admin/contributors/${reviewer.id}/roles`, { roles: ['reviewer'] });
    const keep = await startConversation(author);
    const community = (await admin.request('POST', '/v1/communities', { slug: `deletion-${database.name}`, name: 'Deletion', kind: 'domain' })).json();
    const created = await author.request('POST', '/v1/conversations', { community_id: community.id, messages: [{ role: 'user', content: 'Delete me' }, { role: 'assistant', content: 'Gladly' }] }, { 'idempotency-key': 'create-1' });
    const conv = created.json();
    const q = conv.messages[0].id;
    const a = conv.messages[1].id;
    // A deeper tree: branches and follow-ups (messages pointing at their parents).
    const sibling = (await author.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: q, role: 'assistant', content: 'Another answer' })).json();
    await author.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: sibling.id, role: 'user', content: 'And then?' });
    await author.request('POST', '/v1/feedback', { kind: 'pairwise', conversation_id: conv.id, message_id: a, other_message_id: sibling.id, outcome: 'b' }, { 'idempotency-key': 'fb-1' });
    await author.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: keep.id, message_id: keep.messages[1]!.id, value: 'up' }, { 'idempotency-key': 'fb-keep' });
    // The queue serves it to a rater who rates it; a reviewer rates it too.
    expect((await rater.request('POST', '/v1/queue/next', { community_id: community.id })).json().conversation.id).toBe(conv.id);
    expect((await rater.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: a, value: 'down' }, { 'idempotency-key': 'rater-1' })).statusCode).toBe(201);
    expect((await reviewer.request('POST', '/v1/feedback', { kind: 'flag', conversation_id: conv.id, reason: 'other' })).statusCode).toBe(201);

    const others = async () => {
      const tables = ['conversations', 'messages', 'feedback', 'queue_assignments', 'idempotency_keys'] as const;
      const out: Record<string, unknown[]> = {};
      for (const table of tables) {
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db());
        out[table] = rows
          .filter((r) => r.id !== conv.id && r.conversation_id !== conv.id && !String(r.response_body ?? '').includes(conv.id))
          .map((r) => JSON.stringify(r))
          .sort();
      }
      return out;
    };
    // Withdrawn or not, it is theirs to delete.
    await author.request('DELETE', '/v1/consent');
    const before = await others();

    // Only the author: others cannot tell it exists, readers of the pool may not delete it.
    expect((await rater.request('DELETE', `/v1/conversations/${conv.id}`)).statusCode).toBe(403);
    expect((await reviewer.request('DELETE', `/v1/conversations/${conv.id}`)).statusCode).toBe(403);
    const stranger = await signUp(t.app);
    expect((await stranger.request('DELETE', `/v1/conversations/${conv.id}`)).statusCode).toBe(404);

    const res = await author.request('DELETE', `/v1/conversations/${conv.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect(await db().selectFrom('conversations').select('id').where('id', '=', conv.id).execute()).toEqual([]);
    expect(await db().selectFrom('messages').select('id').where('conversation_id', '=', conv.id).execute()).toEqual([]);
    expect(await db().selectFrom('feedback').select('id').where('conversation_id', '=', conv.id).execute()).toEqual([]);
    expect(await db().selectFrom('queue_assignments').select('contributor_id').where('conversation_id', '=', conv.id).execute()).toEqual([]);
    const { rows: traces } = await sql<{ key: string }>`select key from idempotency_keys where response_body like ${`%${conv.id}%`}`.execute(db());
    expect(traces).toEqual([]);
    expect(await others()).toEqual(before); // everything else exactly as it was
    expect((await author.request('GET', `/v1/conversations/${conv.id}`)).statusCode).toBe(404);
    expect((await author.request('DELETE', `/v1/conversations/${conv.id}`)).statusCode).toBe(404);
    expect((await author.request('GET', '/v1/me/stats')).json()).toMatchObject({ conversations: 1, messages: 2, feedback: 1 });
    // A retry of the original request is a new request now: no stored answer brings the deleted text back.
    await author.request('POST', '/v1/consent', { terms_version: '2026-11', adult_confirmed: true, licence: 'CC-BY-4.0', attribution: 'pseudonym' });
    const retry = await author.request('POST', '/v1/conversations', { community_id: community.id, messages: [{ role: 'user', content: 'Delete me' }, { role: 'assistant', content: 'Gladly' }] }, { 'idempotency-key': 'create-1' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.json().id).not.toBe(conv.id);
  });
});
