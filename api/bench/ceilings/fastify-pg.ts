import { createSecretKey } from 'node:crypto';
import Fastify from 'fastify';
import { verify } from 'jsonwebtoken';
import { Pool } from 'pg';
import { TASK_COLUMNS } from '../../src/tasks/task-queries';

/**
 * Ceiling 2: the same work as our list and create endpoints (JWT check, the same SQL, JSON
 * out) on bare Fastify + pg, with no framework, validation, cache, logging or metrics. The
 * API is held to a fraction of this.
 */
// A KeyObject, as the API uses: a string secret makes jsonwebtoken try PEM parsing every call.
const secret = createSecretKey(Buffer.from(process.env.JWT_SECRET!, 'utf8'));
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
});
const app = Fastify({ logger: false });

function userOf(header: string | undefined): string {
  const claims = verify((header ?? '').replace(/^Bearer /, ''), secret, {
    algorithms: ['HS256'],
    issuer: 'taskboard-api',
    audience: 'taskboard',
  }) as { sub: string };
  return claims.sub;
}

app.get('/api/tasks', async (req, reply) => {
  const owner = userOf(req.headers.authorization);
  const { rows } = await pool.query(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [owner, 21],
  );
  reply.send({ items: rows.slice(0, 20), nextCursor: null, limit: 20 });
});

app.post('/api/tasks', async (req, reply) => {
  const owner = userOf(req.headers.authorization);
  const b = req.body as { title: string; priority?: string };
  const { rows } = await pool.query(
    `INSERT INTO tasks (owner_id, title, description, status, priority, due_date)
     VALUES ($1, $2, $3, COALESCE($4::task_status, 'TODO'), COALESCE($5::task_priority, 'MEDIUM'), $6)
     RETURNING ${TASK_COLUMNS}`,
    [owner, b.title, null, null, b.priority ?? null, null],
  );
  reply.code(201).send(rows[0]);
});

app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  const address = app.server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
});
