import Fastify from 'fastify';

/** The ceiling: Fastify with one route that does nothing and answers 204. */
const app = Fastify({ logger: false });
app.post('/v1/feedback', async (_request, reply) => reply.status(204).send());
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`bare fastify on ${url}\n`);
process.once('SIGTERM', () => void app.close());
