import type { Contributor, Demographics, Expertise, Role } from '@openfeedback/core';
import { selectInChunks } from './id-chunks.js';
import type { Db } from './store.js';
import type { ContributorTable } from './schema.js';
import { parseJson, toJson } from './json-column.js';

export function toContributor(row: ContributorTable): Contributor {
  return {
    id: row.id,
    handle: row.handle,
    display_name: row.display_name,
    roles: parseJson<Role[]>(row.roles),
    demographics: parseJson<Demographics>(row.demographics),
    expertise: parseJson<Expertise[]>(row.expertise),
    trust: row.trust,
    created_at: row.created_at,
  };
}

/** `source` names the dataset of an imported person; accounts of this server have none. */
export async function insertContributor(db: Db, c: Contributor & { password_hash: string | null; source?: string | null }): Promise<void> {
  await db
    .insertInto('contributors')
    .values({
      id: c.id,
      handle: c.handle,
      password_hash: c.password_hash,
      display_name: c.display_name,
      roles: toJson(c.roles),
      demographics: toJson(c.demographics),
      expertise: toJson(c.expertise),
      trust: c.trust,
      created_at: c.created_at,
      source: c.source ?? null,
    })
    .execute();
}

export async function findContributorById(db: Db, id: string): Promise<ContributorTable | undefined> {
  return db.selectFrom('contributors').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findContributorByHandle(db: Db, handle: string): Promise<ContributorTable | undefined> {
  return db.selectFrom('contributors').selectAll().where('handle', '=', handle).executeTakeFirst();
}

export async function updateContributor(
  db: Db,
  id: string,
  patch: Partial<Pick<Contributor, 'display_name' | 'demographics' | 'expertise' | 'roles'>>,
): Promise<void> {
  const values: Partial<ContributorTable> = {};
  if (patch.display_name !== undefined) values.display_name = patch.display_name;
  if (patch.demographics !== undefined) values.demographics = toJson(patch.demographics);
  if (patch.expertise !== undefined) values.expertise = toJson(patch.expertise);
  if (patch.roles !== undefined) values.roles = toJson(patch.roles);
  if (Object.keys(values).length === 0) return;
  await db.updateTable('contributors').set(values).where('id', '=', id).execute();
}

export async function listContributors(db: Db, after: string | undefined, limit: number): Promise<ContributorTable[]> {
  let q = db.selectFrom('contributors').selectAll().orderBy('id').limit(limit);
  if (after !== undefined) q = q.where('id', '>', after);
  return q.execute();
}

export async function countContributors(db: Db): Promise<number> {
  const row = await db.selectFrom('contributors').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findContributorsByIds(db: Db, ids: readonly string[]): Promise<ContributorTable[]> {
  return selectInChunks(ids, (chunk) => db.selectFrom('contributors').selectAll().where('id', 'in', chunk).execute());
}
