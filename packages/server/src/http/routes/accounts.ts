import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Contributor, ProfileUpdate, Role, SignInInput, SignUpInput } from '@openfeedback/core';
import { getContributor, listContributors, setRoles, signIn, signOut, signUp, updateProfile } from '../../services/accounts.js';
import type { ServiceContext } from '../../services/context.js';
import { principalOf, SESSION_COOKIE, setSessionCookie } from '../authenticate.js';
import { errors, IdParams, NoContent } from '../schemas.js';

const Me = Contributor.extend({ via: z.enum(['session', 'api_key']) });

export const accountRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/accounts',
    { schema: { tags: ['accounts'], summary: 'Create a pseudonymous account and sign in (sets the session cookie)', body: SignUpInput, response: { 201: Contributor, ...errors(409) } } },
    async (request, reply) => {
      const signedIn = await signUp(ctx, request.body);
      setSessionCookie(reply, ctx, signedIn);
      return reply.status(201).send(signedIn.contributor);
    },
  );

  app.post(
    '/v1/sessions',
    { schema: { tags: ['accounts'], summary: 'Sign in with handle and password (sets the session cookie)', body: SignInInput, response: { 200: Contributor, ...errors(401) } } },
    async (request, reply) => {
      const signedIn = await signIn(ctx, request.body);
      setSessionCookie(reply, ctx, signedIn);
      return signedIn.contributor;
    },
  );

  app.delete(
    '/v1/sessions/current',
    { schema: { tags: ['accounts'], summary: 'Sign out', response: { 204: NoContent } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token !== undefined) await signOut(ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get('/v1/me', { schema: { tags: ['accounts'], summary: 'The signed-in account', response: { 200: Me, ...errors(401) } } }, async (request) => {
    const p = principalOf(request);
    return { ...(await getContributor(ctx, p.contributorId)), via: p.via };
  });

  app.patch(
    '/v1/me',
    { schema: { tags: ['accounts'], summary: 'Update display name, self-reported demographics and expertise', body: ProfileUpdate, response: { 200: Contributor, ...errors(401) } } },
    async (request) => updateProfile(ctx, principalOf(request), request.body),
  );

  app.get(
    '/v1/admin/contributors',
    {
      schema: {
        tags: ['admin'],
        summary: 'List accounts (admin)',
        querystring: z.object({ cursor: z.string().max(128).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ items: z.array(Contributor), next_cursor: z.string().nullable() }), ...errors(401, 403) },
      },
    },
    async (request) => listContributors(ctx, principalOf(request), request.query.cursor, request.query.limit),
  );

  app.put(
    '/v1/admin/contributors/:id/roles',
    {
      schema: {
        tags: ['admin'],
        summary: "Set an account's roles (admin)",
        params: IdParams,
        body: z.strictObject({ roles: z.array(Role).max(5) }),
        response: { 200: Contributor, ...errors(401, 403, 404) },
      },
    },
    async (request) => setRoles(ctx, principalOf(request), request.params.id, request.body.roles),
  );
};
