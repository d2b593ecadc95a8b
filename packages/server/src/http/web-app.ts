import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './error-handler.js';

/** Where `vite build` puts the web app (packages/web/dist), found from this file in the sources or in the bundle. */
export function webAppDirectory(): string | null {
  for (const candidate of ['../../../web/dist/', '../../web/dist/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}

/** Paths the API owns: never answered with the web app. */
const API_PATHS = /^\/(v1\/|docs|openapi\.json|health)/;

/**
 * Serves the contributor's web app at `/`: its built files, and index.html for any other page path
 * (the app routes in the browser). Security headers for everything, with a Content-Security-Policy
 * that lets pages load only this server's scripts and styles: stored text that slips a `<script>`
 * or an inline handler past the renderer still cannot run.
 */
export async function installWebApp(app: FastifyInstance, dir: string | null): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI and Mantine set style attributes; styles cannot run code.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  if (dir === null) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));
    return;
  }
  // `wildcard: false`: one route per built file, which leaves `/*` to the route below (a not-found
  // handler here would clash with the error handler's one and stop the server starting).
  // Hashed assets never change: cached for a year. index.html names the current ones: always revalidated.
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // `/` is the route below: with pre-compressed files the plugin's own index lookup answers 404.
    index: false,
    wildcard: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res, path) => res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.type('text/html').sendFile('index.html'));
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (API_PATHS.test(path)) return reply.status(404).send(errorBody('not_found', `no route ${request.method} ${path}`));
    // A file built after the server started (a missing one answers the JSON 404).
    if (path.includes('.')) return reply.sendFile((request.params as { '*': string })['*']);
    return reply.type('text/html').sendFile('index.html');
  });
}
