import Fastify from 'fastify';
import { announcePort } from './ready';
import { createTask, listTasks } from './same-work';

/**
 * Ceiling 2: the same work as our list and create endpoints (JWT check, the same SQL, JSON
 * out) on bare Fastify + pg, with no framework, validation, cache, logging or metrics. The
 * API is held to a fraction of this.
 */
const app = Fastify({ logger: false });

app.get('/api/tasks', (req) => listTasks(req.headers.authorization));

app.post('/api/tasks', async (req, reply) => {
  reply.code(201);
  return createTask(req.headers.authorization, req.body as { title: string; priority?: string });
});

app.listen({ port: 0, host: '127.0.0.1' }).then(() => announcePort(app.server.address()));
