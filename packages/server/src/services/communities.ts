import type { Community, CommunityInput, CommunityUpdate } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findCommunity, insertCommunity, listCommunities as listCommunityRows, replaceCommunity, toCommunity } from '../store/community-repository.js';
import { audit } from './audit.js';
import { timestamp, type ServiceContext } from './context.js';
import { requireAdmin, type Principal } from './principal.js';

export async function createCommunity(ctx: ServiceContext, principal: Principal, input: CommunityInput): Promise<Community> {
  requireAdmin(principal, 'creating a community');
  if ((await findCommunity(ctx.store.db, input.slug)) !== undefined) {
    throw new AppError('conflict', `a community with slug "${input.slug}" exists`, 'slug');
  }
  const community: Community = { id: ctx.newId(), ...input, created_at: timestamp(ctx) };
  await ctx.store.write(async (trx) => {
    await insertCommunity(trx, community);
    await audit(ctx, trx, principal, { action: 'community.create', target_kind: 'community', target_id: community.id, details: { slug: community.slug, rubric_questions: community.rubric.length } });
  });
  return community;
}

export async function getCommunity(ctx: ServiceContext, idOrSlug: string): Promise<Community> {
  const row = await findCommunity(ctx.store.db, idOrSlug);
  if (row === undefined) throw notFound('community');
  return toCommunity(row);
}

export async function listCommunities(ctx: ServiceContext): Promise<Community[]> {
  return (await listCommunityRows(ctx.store.db)).map(toCommunity);
}

export async function updateCommunity(ctx: ServiceContext, principal: Principal, idOrSlug: string, patch: CommunityUpdate): Promise<Community> {
  requireAdmin(principal, 'changing a community');
  const current = await getCommunity(ctx, idOrSlug);
  const next: Community = { ...current };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.languages !== undefined) next.languages = patch.languages;
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.guidelines !== undefined) next.guidelines = patch.guidelines;
  if (patch.rubric !== undefined) next.rubric = patch.rubric;
  await ctx.store.write(async (trx) => {
    await replaceCommunity(trx, next);
    await audit(ctx, trx, principal, { action: 'community.update', target_kind: 'community', target_id: next.id, details: { changed: Object.keys(patch) } });
  });
  return next;
}
