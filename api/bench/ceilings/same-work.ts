import { createSecretKey } from 'node:crypto';
import { verify } from 'jsonwebtoken';
import { Pool } from 'pg';
import { TASK_COLUMNS } from '../../src/tasks/task-queries';

/**
 * The work both the bare ceiling and the NestJS floor do per request, written once so the two
 * differ only in how the request reaches it: verify the JWT, run the same SQL as the API's
 * list and create, hand back rows.
 */
// A KeyObject, as the API uses: a string secret makes jsonwebtoken try PEM parsing every call.
const secret = createSecretKey(Buffer.from(process.env.JWT_SECRET!, 'utf8'));
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
});

function userOf(authorization: string | undefined): string {
  const claims = verify((authorization ?? '').replace(/^Bearer /, ''), secret, {
    algorithms: ['HS256'],
    issuer: 'taskboard-api',
    audience: 'taskboard',
  }) as { sub: string };
  return claims.sub;
}

export async function listTasks(authorization: string | undefined) {
  const { rows } = await pool.query(
    `SELECT ${TASK_COLUMNS} FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [userOf(authorization), 21],
  );
  return { items: rows.slice(0, 20), nextCursor: null, limit: 20 };
}

export async function createTask(
  authorization: string | undefined,
  body: { title: string; priority?: string },
) {
  const { rows } = await pool.query(
    `INSERT INTO tasks (owner_id, title, description, status, priority, due_date)
     VALUES ($1, $2, $3, COALESCE($4::task_status, 'TODO'), COALESCE($5::task_priority, 'MEDIUM'), $6)
     RETURNING ${TASK_COLUMNS}`,
    [userOf(authorization), body.title, null, null, body.priority ?? null, null],
  );
  return rows[0];
}
