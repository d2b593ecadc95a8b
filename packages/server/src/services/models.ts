import type { Model, ModelInput, ModelUpdate, ModelVersion, ModelVersionInput } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findCommunity } from '../store/community-repository.js';
import {
  findModel,
  findModelVersionByName,
  insertModel,
  insertModelVersion,
  listModels as listModelRows,
  listModelVersions as listVersionRows,
  replaceModel,
  toModel,
  toModelVersion,
} from '../store/model-repository.js';
import { audit } from './audit.js';
import { timestamp, type ServiceContext } from './context.js';
import { refreshModelReleaseLicences } from './release-licences.js';
import { isAdmin, requireRole, requireScope, type Principal } from './principal.js';

/** Registers a model endpoint for a community; the registering trainer owns it. */
export async function createModel(ctx: ServiceContext, principal: Principal, input: ModelInput): Promise<Model> {
  requireRole(principal, ['trainer', 'admin'], 'registering a model');
  requireScope(principal, 'models:write');
  const community = await findCommunity(ctx.store.db, input.community_id);
  if (community === undefined) throw new AppError('invalid_reference', 'no such community', 'community_id');
  if ((await findModel(ctx.store.db, input.slug)) !== undefined) throw new AppError('conflict', `a model with slug "${input.slug}" exists`, 'slug');
  const model: Model = { id: ctx.newId(), ...input, community_id: community.id, owner_id: principal.contributorId, created_at: timestamp(ctx) };
  await ctx.store.write(async (trx) => {
    await insertModel(trx, model);
    await audit(ctx, trx, principal, { action: 'model.create', target_kind: 'model', target_id: model.id, details: { slug: model.slug, community_id: model.community_id, base_url: model.base_url, output_licences: model.output_licences } });
  });
  return model;
}

export async function getModel(ctx: ServiceContext, idOrSlug: string): Promise<Model> {
  const row = await findModel(ctx.store.db, idOrSlug);
  if (row === undefined) throw notFound('model');
  return toModel(row);
}

export async function listModels(ctx: ServiceContext, communityIdOrSlug: string | undefined): Promise<Model[]> {
  let communityId: string | undefined;
  if (communityIdOrSlug !== undefined) {
    const community = await findCommunity(ctx.store.db, communityIdOrSlug);
    if (community === undefined) return [];
    communityId = community.id;
  }
  return (await listModelRows(ctx.store.db, communityId)).map(toModel);
}

/** A model its caller may change or test: its owner's, or any for an admin (a key needs `models:write`). */
export async function getOwnedModel(ctx: ServiceContext, principal: Principal, idOrSlug: string): Promise<Model> {
  requireScope(principal, 'models:write');
  const model = await getModel(ctx, idOrSlug);
  if (model.owner_id !== principal.contributorId && !isAdmin(principal)) throw new AppError('forbidden', 'only the model owner or an admin may change it');
  return model;
}

export async function updateModel(ctx: ServiceContext, principal: Principal, idOrSlug: string, patch: ModelUpdate): Promise<Model> {
  const model = await getOwnedModel(ctx, principal, idOrSlug);
  const next: Model = { ...model };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.base_url !== undefined) next.base_url = patch.base_url;
  if (patch.model_name !== undefined) next.model_name = patch.model_name;
  if (patch.output_terms !== undefined) next.output_terms = patch.output_terms;
  if (patch.output_licences !== undefined) next.output_licences = patch.output_licences;
  if (patch.api_key_env !== undefined) next.api_key_env = patch.api_key_env;
  if (patch.arena_weight !== undefined) next.arena_weight = patch.arena_weight;
  await ctx.store.write(async (trx) => {
    await replaceModel(trx, next);
    // New output terms change what may be released of every conversation the model answered in.
    if (patch.output_licences !== undefined) await refreshModelReleaseLicences(trx, next.id);
    await audit(ctx, trx, principal, { action: 'model.update', target_kind: 'model', target_id: next.id, details: { changed: Object.keys(patch) } });
  });
  return next;
}

/** Registers a new version of a model, with the pool releases it was trained on (its provenance). */
export async function createModelVersion(ctx: ServiceContext, principal: Principal, idOrSlug: string, input: ModelVersionInput): Promise<ModelVersion> {
  const model = await getOwnedModel(ctx, principal, idOrSlug);
  if ((await findModelVersionByName(ctx.store.db, model.id, input.version)) !== undefined) {
    throw new AppError('conflict', `version "${input.version}" of this model exists`, 'version');
  }
  const version: ModelVersion = { id: ctx.newId(), model_id: model.id, ...input, created_at: timestamp(ctx) };
  await ctx.store.write(async (trx) => {
    await insertModelVersion(trx, version);
    await audit(ctx, trx, principal, { action: 'model.version.create', target_kind: 'model', target_id: model.id, details: { version: version.version, trained_on: version.trained_on } });
  });
  return version;
}

export async function listModelVersions(ctx: ServiceContext, idOrSlug: string): Promise<ModelVersion[]> {
  const model = await getModel(ctx, idOrSlug);
  return (await listVersionRows(ctx.store.db, model.id)).map(toModelVersion);
}
