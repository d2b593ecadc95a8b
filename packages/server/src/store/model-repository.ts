import type { Model, ModelVersion } from '@openfeedback/core';
import { selectInChunks } from './id-chunks.js';
import type { Db } from './store.js';
import type { ModelTable, ModelVersionTable } from './schema.js';
import { parseJson, toJson } from './json-column.js';

export function toModel(row: ModelTable): Model {
  return { ...row, output_licences: parseJson<string[]>(row.output_licences) };
}

export function toModelVersion(row: ModelVersionTable): ModelVersion {
  return { ...row, trained_on: parseJson<string[]>(row.trained_on) };
}

export async function insertModel(db: Db, m: Model): Promise<void> {
  await db.insertInto('models').values({ ...m, output_licences: toJson(m.output_licences) }).execute();
}

export async function replaceModel(db: Db, m: Model): Promise<void> {
  await db.updateTable('models').set({ ...m, output_licences: toJson(m.output_licences) }).where('id', '=', m.id).execute();
}

/** Models are addressed by id or by slug. */
export async function findModel(db: Db, idOrSlug: string): Promise<ModelTable | undefined> {
  return db
    .selectFrom('models')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
}

export async function listModels(db: Db, communityId: string | undefined): Promise<ModelTable[]> {
  let q = db.selectFrom('models').selectAll().orderBy('name');
  if (communityId !== undefined) q = q.where('community_id', '=', communityId);
  return q.execute();
}

export async function findModelsOwnedBy(db: Db, ownerId: string): Promise<ModelTable[]> {
  return db.selectFrom('models').selectAll().where('owner_id', '=', ownerId).execute();
}

export async function insertModelVersion(db: Db, v: ModelVersion): Promise<void> {
  await db.insertInto('model_versions').values({ ...v, trained_on: toJson(v.trained_on) }).execute();
}

export async function findModelVersion(db: Db, id: string): Promise<ModelVersionTable | undefined> {
  return db.selectFrom('model_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findModelVersionByName(db: Db, modelId: string, version: string): Promise<ModelVersionTable | undefined> {
  return db.selectFrom('model_versions').selectAll().where('model_id', '=', modelId).where('version', '=', version).executeTakeFirst();
}

export async function listModelVersions(db: Db, modelId: string): Promise<ModelVersionTable[]> {
  return db.selectFrom('model_versions').selectAll().where('model_id', '=', modelId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function findModelsByIds(db: Db, ids: readonly string[]): Promise<ModelTable[]> {
  return selectInChunks(ids, (chunk) => db.selectFrom('models').selectAll().where('id', 'in', chunk).execute());
}

export async function findModelVersionsByIds(db: Db, ids: readonly string[]): Promise<ModelVersionTable[]> {
  return selectInChunks(ids, (chunk) => db.selectFrom('model_versions').selectAll().where('id', 'in', chunk).execute());
}
