import type { Community, CommunityInput, CommunityUpdate } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findCommunity, insertCommunity, listCommunities as listCommunityRows, replaceCommunity, toCommunity } from '../store/community-repository.js';
import { timestamp, type ServiceContext } from './context.js';
import { requireAdmin, type Principal } from './principal.js';

export async function createCommunity(ctx: ServiceContext, principal: Principal, input: CommunityInput): Promise<Community> {
  requireAdmin(principal, 'creating a community');
  if ((await findCommunity(ctx.store.db, input.slug)) !== undefined) {
    throw new AppError('conflict', `a community with slug "${input.slug}" exists`, 'slug');
  }
  const community: Community = { id: ctx.newId(), ...input, created_at: timestamp(ctx) };
  await insertCommunity(ctx.store.db, community);
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
  await replaceCommunity(ctx.store.db, next);
  return next;
}
