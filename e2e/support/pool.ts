import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO } from './server.js';

/**
 * What the pool holds, read straight from the server's SQLite file (read-only, beside the running
 * server: WAL lets a reader look at the last commit without blocking the writer). Each statement is
 * its own read transaction, so every call sees what the server has committed by then.
 */
export class PoolFile {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
  }

  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    return this.db.prepare(sql).all(...params) as T[];
  }

  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined {
    return this.db.prepare(sql).get(...params) as T | undefined;
  }

  count(sql: string, ...params: unknown[]): number {
    return Number((this.db.prepare(sql).get(...params) as { n: number }).n);
  }

  close(): void {
    this.db.close();
  }
}

export interface FeedbackRow {
  id: string;
  kind: string;
  contributor_id: string;
  conversation_id: string;
  message_id: string | null;
  payload: string;
  annotator_role: string;
  licence: string | null;
  status: string;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  parent_id: string | null;
  role: string;
  content: string;
  model_id: string | null;
  status: string;
  created_at: string;
}

/** The HTTP API as a script (or a second person) uses it: an API key, or a session cookie kept here. */
export class Api {
  cookie: string | null = null;

  constructor(
    readonly base: string,
    private readonly apiKey: string | null = null,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] ??= 'application/json';
    if (this.apiKey !== null) h.authorization = `Bearer ${this.apiKey}`;
    if (this.cookie !== null) h.cookie = this.cookie;
    const res = await fetch(this.base + path, { method, headers: h, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('of_session='));
    if (setCookie !== undefined) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }

  async ok<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const res = await this.request<T>(method, path, body, headers);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/** A person made through the API: signed up, consented (CC-BY-4.0), with their session cookie. */
export async function personViaApi(base: string, handle: string): Promise<{ api: Api; id: string }> {
  const api = new Api(base);
  const me = await api.ok<{ id: string }>('POST', '/v1/accounts', { handle, password: `${handle} has a long passphrase` });
  const terms = await api.ok<{ version: string }>('GET', '/v1/consent/terms');
  await api.ok('POST', '/v1/consent', { terms_version: terms.version, adult_confirmed: true, licence: 'CC-BY-4.0', attribution: 'pseudonym' });
  return { api, id: me.id };
}

export const SCREENSHOTS = join(REPO, 'test-artifacts', 'screenshots');

/** Saves a screenshot of the page as a test artifact (test-artifacts/screenshots/<name>.png). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage, animations: 'disabled', caret: 'hide' });
  return path;
}
