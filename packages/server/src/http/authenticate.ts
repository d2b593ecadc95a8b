import '@fastify/cookie'; // its request.cookies typing
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn } from '../services/accounts.js';
import { AppError } from '../errors.js';
import { principalFromApiKey, principalFromSession } from '../services/authentication.js';
import type { ServiceContext } from '../services/context.js';
import type { Principal } from '../services/principal.js';

export const SESSION_COOKIE = 'of_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * Resolves who is asking before anything else runs: an `Authorization: Bearer ofk_…` API key or
 * the session cookie. Credentials that are sent but not valid are refused outright (401), rather
 * than silently treated as anonymous.
 */
export function installAuthentication(app: FastifyInstance, ctx: ServiceContext): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const [scheme, key] = header.split(' ', 2);
      const principal = scheme?.toLowerCase() === 'bearer' && key !== undefined ? await principalFromApiKey(ctx, key) : undefined;
      if (principal === undefined) throw new AppError('unauthenticated', 'the API key is malformed, unknown or revoked');
      request.principal = principal;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token !== undefined && token !== '') {
      request.principal = (await principalFromSession(ctx, token)) ?? null;
    }
  });
}

/** The principal of a route that needs one; 401 when the request is anonymous. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new AppError('unauthenticated', 'sign in or send an API key (Authorization: Bearer ofk_…)');
  return request.principal;
}

/** Signs the browser in: the session cookie, as sign-up, sign-in and OpenID Connect set it. */
export function setSessionCookie(reply: FastifyReply, ctx: ServiceContext, session: Pick<SignedIn, 'sessionToken' | 'expiresAt'>): FastifyReply {
  return reply.setCookie(SESSION_COOKIE, session.sessionToken, {
    httpOnly: true,
    sameSite: 'lax', // with JSON-only bodies this keeps cross-site forms from acting as the user
    secure: ctx.config.cookieSecure,
    path: '/',
    expires: session.expiresAt,
  });
}
