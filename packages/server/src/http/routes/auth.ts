import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { ServiceContext } from '../../services/context.js';
import { finishOidcSignIn, signInProviders, startOidcSignIn } from '../../services/oidc-sign-in.js';
import { setSessionCookie } from '../authenticate.js';
import { errors } from '../schemas.js';

/** The sign-in in progress (see services/oidc-flow.ts); sent back only to the callback. */
const FLOW_COOKIE = 'of_oidc';
const FLOW_COOKIE_PATH = '/v1/auth/oidc/';

const Providers = z.object({ oidc: z.object({ enabled: z.boolean(), name: z.string() }) });

/**
 * These routes are where the browser's address bar goes, not `fetch`: a sign-in that fails is sent
 * back to the app as `/?sign_in_error=<code>`, which the app shows, rather than as a JSON page.
 */
function backToAppWithError(reply: FastifyReply, e: unknown): FastifyReply {
  if (e instanceof AppError && (e.code === 'sign_in_failed' || e.code === 'unavailable')) {
    reply.log.info({ code: e.code }, e.message);
    return reply.redirect(`/?sign_in_error=${e.code}`, 303);
  }
  throw e;
}

export const authRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const flowCookie = { httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.cookieSecure, path: FLOW_COOKIE_PATH };

  app.get(
    '/v1/auth/providers',
    { schema: { tags: ['accounts'], summary: 'The ways to sign in besides handle and password', response: { 200: Providers } } },
    async () => signInProviders(ctx),
  );

  app.get(
    '/v1/auth/oidc/start',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign in with the OpenID Connect provider: redirects (302) there',
        description:
          'Open it in the browser (a link, not fetch). Afterwards the provider sends the person to /v1/auth/oidc/callback, which signs them in and ' +
          'redirects to `return_to` (a path of this site; default `/`). 404 when no provider is configured; a provider that cannot be reached ' +
          'sends the browser to `/?sign_in_error=unavailable`.',
        querystring: z.object({ return_to: z.string().max(2000).optional().describe('Where to land after signing in: a path of this site, such as `/rate`.') }),
        response: { ...errors(404) },
      },
    },
    async (request, reply) => {
      try {
        const started = await startOidcSignIn(ctx, request.query.return_to);
        reply.setCookie(FLOW_COOKIE, started.flowCookie, { ...flowCookie, maxAge: started.maxAgeSeconds });
        return reply.header('cache-control', 'no-store').redirect(started.authorizationUrl, 302);
      } catch (e) {
        return backToAppWithError(reply, e);
      }
    },
  );

  app.get(
    '/v1/auth/oidc/callback',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Where the OpenID Connect provider sends the person back: signs in and redirects (303) to return_to',
        description:
          'Checks state, PKCE and the ID token with its nonce, finds the account linked to the provider\'s subject (or makes one with a generated ' +
          'pseudonymous handle), sets the session cookie. Failures redirect to `/?sign_in_error=sign_in_failed` (or `unavailable`).',
        querystring: z.looseObject({
          code: z.string().max(4096).optional(),
          state: z.string().max(512).optional(),
          error: z.string().max(512).optional(),
        }),
        response: { ...errors(404) },
      },
    },
    async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const cookie = request.cookies[FLOW_COOKIE];
      try {
        const signedIn = await finishOidcSignIn(ctx, cookie, query);
        reply.clearCookie(FLOW_COOKIE, flowCookie);
        setSessionCookie(reply, ctx, signedIn);
        return reply.header('cache-control', 'no-store').redirect(signedIn.returnTo, 303);
      } catch (e) {
        if (cookie !== undefined) reply.clearCookie(FLOW_COOKIE, flowCookie);
        return backToAppWithError(reply, e);
      }
    },
  );
};
