import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Consent, ConsentInput, ContributionLicence } from '@openfeedback/core';
import { acceptConsent, currentTerms, getConsent, withdrawConsent } from '../../services/consent.js';
import type { ServiceContext } from '../../services/context.js';
import { principalOf } from '../authenticate.js';
import { errors } from '../schemas.js';

const Terms = z.object({ version: z.string(), licences: z.array(ContributionLicence), summary: z.string() });

export const consentRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/v1/consent/terms', { schema: { tags: ['consent'], summary: 'The current consent terms and the licences one may grant', response: { 200: Terms } } }, async () =>
    currentTerms(ctx),
  );
  app.get('/v1/consent', { schema: { tags: ['consent'], summary: 'My latest consent', response: { 200: Consent, ...errors(401, 404) } } }, async (request) =>
    getConsent(ctx, principalOf(request)),
  );
  app.post(
    '/v1/consent',
    { schema: { tags: ['consent'], summary: 'Accept the current terms, with the licence for my future contributions', body: ConsentInput, response: { 201: Consent, ...errors(401, 403, 422) } } },
    async (request, reply) => reply.status(201).send(await acceptConsent(ctx, principalOf(request), request.body)),
  );
  app.delete(
    '/v1/consent',
    { schema: { tags: ['consent'], summary: 'Withdraw consent: capture stops and my records leave every later release', response: { 200: Consent, ...errors(401, 403, 404) } } },
    async (request) => withdrawConsent(ctx, principalOf(request)),
  );
};
