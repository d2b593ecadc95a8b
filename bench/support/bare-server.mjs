// The ceiling: Fastify with one route that does nothing and answers 204. Plain JavaScript, so it
// runs without a TypeScript loader, like the bundled server it is compared with.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/v1/feedback', async (_request, reply) => reply.status(204).send());
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`bare fastify on ${url}\n`);
process.once('SIGTERM', () => void app.close());
