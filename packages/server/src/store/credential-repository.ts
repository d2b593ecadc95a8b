import type { ApiKey, ApiKeyScope, Role } from '@openfeedback/core';
import type { Db } from './store.js';
import type { ApiKeyTable } from './schema.js';
import { parseJson, toJson } from './json-column.js';

/** What authentication needs from a session or key lookup: the holder and their roles. */
export interface CredentialOwner {
  contributor_id: string;
  roles: Role[];
}

export async function insertSession(db: Db, s: { id: string; contributor_id: string; created_at: string; expires_at: string }) {
  await db.insertInto('sessions').values(s).execute();
}

export async function findLiveSession(db: Db, tokenHash: string, now: string): Promise<CredentialOwner | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('contributors', 'contributors.id', 'sessions.contributor_id')
    .select(['sessions.contributor_id', 'contributors.roles'])
    .where('sessions.id', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
  return row === undefined ? undefined : { contributor_id: row.contributor_id, roles: parseJson<Role[]>(row.roles) };
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', tokenHash).execute();
}

export function toApiKey(row: ApiKeyTable): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: parseJson<ApiKeyScope[]>(row.scopes),
    created_at: row.created_at,
    revoked_at: row.revoked_at,
  };
}

export async function insertApiKey(db: Db, k: Omit<ApiKeyTable, 'scopes'> & { scopes: ApiKeyScope[] }) {
  await db.insertInto('api_keys').values({ ...k, scopes: toJson(k.scopes) }).execute();
}

export async function findActiveApiKey(
  db: Db,
  id: string,
): Promise<(CredentialOwner & { secret_hash: string; scopes: ApiKeyScope[] }) | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('contributors', 'contributors.id', 'api_keys.contributor_id')
    .select(['api_keys.contributor_id', 'api_keys.secret_hash', 'api_keys.scopes', 'contributors.roles'])
    .where('api_keys.id', '=', id)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    contributor_id: row.contributor_id,
    roles: parseJson<Role[]>(row.roles),
    secret_hash: row.secret_hash,
    scopes: parseJson<ApiKeyScope[]>(row.scopes),
  };
}

export async function listApiKeys(db: Db, contributorId: string): Promise<ApiKeyTable[]> {
  return db.selectFrom('api_keys').selectAll().where('contributor_id', '=', contributorId).orderBy('created_at', 'desc').execute();
}

export async function findApiKey(db: Db, id: string): Promise<ApiKeyTable | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function revokeApiKey(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}
