import type { CreatedApiKey, Contributor } from '@openfeedback/core';
import { ApiKeyScope, SignUpInput } from '@openfeedback/core';
import { AppError } from '../errors.js';
import { findContributorByHandle } from '../store/contributor-repository.js';
import { signUp } from './accounts.js';
import { createApiKey } from './api-keys.js';
import type { ServiceContext } from './context.js';

/**
 * The first administrator of an instance, made from the command line (`openfeedback admin create`),
 * with an all-scopes API key. There is deliberately no HTTP route that makes an admin.
 */
export async function createAdmin(ctx: ServiceContext, handle: string, password: string): Promise<{ contributor: Contributor; apiKey: CreatedApiKey }> {
  const checked = SignUpInput.safeParse({ handle, password });
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new AppError('validation_failed', `${String(issue.path[0])}: ${issue.message}`, String(issue.path[0]));
  }
  if ((await findContributorByHandle(ctx.store.db, handle)) !== undefined) {
    throw new AppError('handle_taken', `the handle "${handle}" is taken`, 'handle');
  }
  const { contributor } = await signUp(ctx, { handle, password }, ['contributor', 'reviewer', 'moderator', 'trainer', 'admin']);
  const apiKey = await createApiKey(
    ctx,
    { contributorId: contributor.id, roles: contributor.roles, via: 'session', keyId: null, scopes: null },
    { name: 'admin (created by openfeedback admin create)', scopes: [...ApiKeyScope.options] },
  );
  return { contributor, apiKey };
}
