import { Role, TRUST_PRIOR_MEAN, type Contributor, type ProfileUpdate, type SignInInput, type SignUpInput } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import {
  findContributorByHandle,
  findContributorById,
  insertContributor,
  listContributors as listContributorRows,
  toContributor,
  updateContributor,
} from '../store/contributor-repository.js';
import { deleteSession, insertSession } from '../store/credential-repository.js';
import { audit } from './audit.js';
import { timestamp, type ServiceContext } from './context.js';
import { requireAdmin, type Principal } from './principal.js';
import { hashPassword, newSecret, sha256, verifyPassword } from './secrets.js';

/** New accounts start low (core's TRUST_PRIOR_MEAN): trust grows with gold items and agreement (services/quality-pass.ts). */
const INITIAL_TRUST = TRUST_PRIOR_MEAN;

export interface SignedIn {
  contributor: Contributor;
  /** The session secret for the cookie; only its hash is stored. */
  sessionToken: string;
  expiresAt: Date;
}

/** Creates a pseudonymous account and signs it in. Nothing else of the person is stored until they consent. */
export async function signUp(ctx: ServiceContext, input: SignUpInput, roles: Role[] = ['contributor']): Promise<SignedIn> {
  const contributor = newContributor(ctx, input.handle, input.display_name ?? null, roles);
  const password_hash = await hashPassword(input.password);
  if ((await findContributorByHandle(ctx.store.db, input.handle)) !== undefined) {
    throw new AppError('handle_taken', `the handle "${input.handle}" is taken`, 'handle');
  }
  try {
    await insertContributor(ctx.store.db, { ...contributor, password_hash });
  } catch (e) {
    // Two sign-ups racing for one handle: the unique index decides.
    if ((await findContributorByHandle(ctx.store.db, input.handle)) !== undefined) {
      throw new AppError('handle_taken', `the handle "${input.handle}" is taken`, 'handle');
    }
    throw e;
  }
  return { contributor, ...(await startSession(ctx, contributor.id)) };
}

export async function signIn(ctx: ServiceContext, input: SignInInput): Promise<SignedIn> {
  const row = await findContributorByHandle(ctx.store.db, input.handle);
  // Verify against a dummy hash when the handle is unknown, so timing does not reveal which handles exist.
  const ok = await verifyPassword(input.password, row?.password_hash ?? DUMMY_HASH);
  if (row === undefined || row.password_hash === null || !ok) {
    throw new AppError('invalid_credentials', 'the handle or password is wrong');
  }
  return { contributor: toContributor(row), ...(await startSession(ctx, row.id)) };
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** A new account as every way of signing up makes it: nothing of the person but a pseudonym until they consent. */
export function newContributor(ctx: ServiceContext, handle: string, displayName: string | null = null, roles: Role[] = ['contributor']): Contributor {
  return { id: ctx.newId(), handle, display_name: displayName, roles, demographics: {}, expertise: [], trust: INITIAL_TRUST, created_at: timestamp(ctx) };
}

/** Opens a session for an account that proved who it is (password, or an OpenID Connect provider). */
export async function startSession(ctx: ServiceContext, contributorId: string): Promise<Omit<SignedIn, 'contributor'>> {
  const sessionToken = newSecret();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionDays * 86_400_000);
  await insertSession(ctx.store.db, {
    id: sha256(sessionToken),
    contributor_id: contributorId,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
  });
  return { sessionToken, expiresAt };
}

export async function signOut(ctx: ServiceContext, sessionToken: string): Promise<void> {
  await deleteSession(ctx.store.db, sha256(sessionToken));
  ctx.principals.forgetCredential(sha256(sessionToken));
}

export async function getContributor(ctx: ServiceContext, id: string): Promise<Contributor> {
  const row = await findContributorById(ctx.store.db, id);
  if (row === undefined) throw notFound('contributor');
  return toContributor(row);
}

/** Self-reported profile data is changed by the person, in a signed-in session, not by their programs. */
export async function updateProfile(ctx: ServiceContext, principal: Principal, patch: ProfileUpdate): Promise<Contributor> {
  if (principal.via !== 'session') throw new AppError('forbidden', 'the profile is changed in a signed-in session, not with an API key');
  await updateContributor(ctx.store.db, principal.contributorId, {
    ...(patch.display_name !== undefined && { display_name: patch.display_name }),
    ...(patch.demographics !== undefined && { demographics: patch.demographics }),
    ...(patch.expertise !== undefined && { expertise: patch.expertise }),
  });
  return getContributor(ctx, principal.contributorId);
}

export async function listContributors(ctx: ServiceContext, principal: Principal, after: string | undefined, limit: number) {
  requireAdmin(principal, 'listing accounts');
  const rows = await listContributorRows(ctx.store.db, after, limit + 1);
  const items = rows.slice(0, limit).map(toContributor);
  return { items, next_cursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

/** Grants and removes roles. Every account keeps `contributor`; an admin cannot drop their own admin role. */
export async function setRoles(ctx: ServiceContext, principal: Principal, contributorId: string, roles: Role[]): Promise<Contributor> {
  requireAdmin(principal, 'changing roles');
  const next = [...new Set<Role>(['contributor', ...roles])];
  if (contributorId === principal.contributorId && !next.includes('admin')) {
    throw new AppError('validation_failed', 'an admin cannot remove their own admin role', 'roles');
  }
  const before = await getContributor(ctx, contributorId);
  await ctx.store.write(async (trx) => {
    await updateContributor(trx, contributorId, { roles: next });
    await audit(ctx, trx, principal, { action: 'contributor.roles', target_kind: 'contributor', target_id: contributorId, details: { from: before.roles, to: next } });
  });
  ctx.principals.forgetWhere((p) => p.contributorId === contributorId);
  return getContributor(ctx, contributorId);
}
