import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../services/context.js';
import { principalKey } from '../services/principal.js';
import { installAuthentication } from './authenticate.js';
import { AppError } from '../errors.js';
import { frameworkErrors, installErrorHandler } from './error-handler.js';
import { accountRoutes } from './routes/accounts.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { arenaRoutes } from './routes/arena.js';
import { authRoutes } from './routes/auth.js';
import { chatRoutes } from './routes/chat.js';
import { communityRoutes } from './routes/communities.js';
import { consentRoutes } from './routes/consent.js';
import { conversationRoutes } from './routes/conversations.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { interchangeRoutes } from './routes/interchange.js';
import { leaderboardRoutes } from './routes/leaderboard.js';
import { moderationRoutes } from './routes/moderation.js';
import { moderationQueueRoutes } from './routes/moderation-queue.js';
import { releaseRoutes } from './routes/releases.js';
import { releaseBuildsSettled } from '../services/releases.js';
import { modelRoutes } from './routes/models.js';
import { myDataRoutes } from './routes/my-data.js';
import { queueRoutes } from './routes/queue.js';
import { qualityRoutes } from './routes/quality.js';
import { statsRoutes } from './routes/stats.js';
import { installWebApp, webAppDirectory } from './web-app.js';
import { zodValidatorCompiler } from './zod-compilers.js';

export const API_VERSION = '0.1.0';

/** Request lines in the log name the route, never the caller's address: the pool keeps no IPs. */
const requestWithoutAddress = (request: { method: string; url: string }) => ({ method: request.method, url: request.url.split('?')[0] ?? '' });

export interface AppOptions {
  /** Pino options, or false for no logs (tests). Defaults to the configured level. */
  logger?: boolean | { level: string };
  /** The built web app to serve at `/` (default: packages/web/dist when built; null: none, `/` goes to /docs). */
  webAppDir?: string | null;
}

/**
 * The HTTP API: thin routes over the services. Plugins are registered in the order requests meet
 * them: cookies, authentication (who is asking), rate limits (counted per session account, per API
 * key or per address, and per account in all), then the routes.
 */
export async function buildApp(ctx: ServiceContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = Fastify({
    logger: options.logger ?? (config.logLevel === 'silent' ? false : { level: config.logLevel, serializers: { req: requestWithoutAddress } }),
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Ids may be 128 characters (Id in core); Fastify's default of 100 answered longer ones with a 414.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors,
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenFeedback API',
        version: API_VERSION,
        description: 'The open pool of human feedback on language models. Errors always read `{ "error": { "code", "message", "field"? } }`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key `ofk_…` from POST /v1/api-keys' },
          session: { type: 'apiKey', in: 'cookie', name: 'of_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () => app.swagger());

  await app.register(cookie);
  installAuthentication(app, ctx);
  await app.register(rateLimit, {
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowSeconds * 1000,
    // Signed-in callers are counted per account (or per key); anonymous ones per address, in memory only.
    keyGenerator: (request) => (request.principal === null ? `ip:${request.ip}` : principalKey(request.principal)),
    errorResponseBuilder: (_request, context) => new AppError('rate_limited', `too many requests: at most ${context.max} per ${context.after}; retry after ${context.after}`),
  });
  // And each account in all (its sessions and every one of its keys together), so that minting keys does not multiply the rate.
  const accountMax = config.rateLimitAccountMax ?? 2 * config.rateLimitMax;
  const accountLimit = app.createRateLimit({ max: accountMax, timeWindow: config.rateLimitWindowSeconds * 1000, keyGenerator: (request) => `a:${request.principal?.contributorId ?? ''}` });
  app.addHook('onRequest', async (request) => {
    if (request.principal === null || request.routeOptions.config?.rateLimit === false) return;
    const limit = await accountLimit(request);
    if (!limit.isAllowed && limit.isExceeded) {
      throw new AppError('rate_limited', `too many requests from this account (all its keys and sessions): at most ${accountMax} per ${config.rateLimitWindowSeconds} s`, undefined, { retryAfterSeconds: limit.ttlInSeconds });
    }
  });

  // A release being built finishes (or fails and says so) before the database closes.
  app.addHook('onClose', () => releaseBuildsSettled(ctx));
  await app.register(healthRoutes, { ctx, version: API_VERSION });
  for (const routes of [
    accountRoutes,
    authRoutes,
    apiKeyRoutes,
    consentRoutes,
    communityRoutes,
    modelRoutes,
    conversationRoutes,
    chatRoutes,
    arenaRoutes,
    feedbackRoutes,
    queueRoutes,
    myDataRoutes,
    ingestRoutes,
    interchangeRoutes,
    statsRoutes,
    leaderboardRoutes,
    moderationRoutes,
    moderationQueueRoutes,
    qualityRoutes,
    releaseRoutes,
  ]) {
    await app.register(routes, { ctx });
  }
  await installWebApp(app, options.webAppDir === undefined ? webAppDirectory() : options.webAppDir);
  return app;
}
