import type { Community, RubricQuestion } from '@openfeedback/core';
import { selectInChunks } from './id-chunks.js';
import type { Db } from './store.js';
import type { CommunityTable } from './schema.js';
import { parseJson, toJson } from './json-column.js';

export function toCommunity(row: CommunityTable): Community {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind as Community['kind'],
    languages: parseJson<string[]>(row.languages),
    description: row.description,
    guidelines: row.guidelines,
    rubric: parseJson<RubricQuestion[]>(row.rubric),
    created_at: row.created_at,
  };
}

function toRow(c: Community): CommunityTable {
  return { ...c, languages: toJson(c.languages), rubric: toJson(c.rubric) };
}

export async function insertCommunity(db: Db, c: Community): Promise<void> {
  await db.insertInto('communities').values(toRow(c)).execute();
}

export async function replaceCommunity(db: Db, c: Community): Promise<void> {
  await db.updateTable('communities').set(toRow(c)).where('id', '=', c.id).execute();
}

/** Communities are addressed by id or by slug. */
export async function findCommunity(db: Db, idOrSlug: string): Promise<CommunityTable | undefined> {
  return db
    .selectFrom('communities')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
}

export async function listCommunities(db: Db): Promise<CommunityTable[]> {
  return db.selectFrom('communities').selectAll().orderBy('name').execute();
}

export async function findCommunitiesByIds(db: Db, ids: readonly string[]): Promise<CommunityTable[]> {
  return selectInChunks(ids, (chunk) => db.selectFrom('communities').selectAll().where('id', 'in', chunk).execute());
}
