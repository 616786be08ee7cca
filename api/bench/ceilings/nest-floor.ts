import 'reflect-metadata';
import { createSecretKey } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { verify } from 'jsonwebtoken';
import { Pool } from 'pg';
import { TASK_COLUMNS } from '../../src/tasks/task-queries';

/**
 * Not a ceiling but a floor: the same work as the bare Fastify ceiling, routed through NestJS
 * on the Fastify adapter and nothing else (no passport, validation, session check, cache,
 * logging or metrics). The distance from the bare ceiling to this floor is what the required
 * framework costs by itself on this machine; the distance from here to the API is what our
 * features cost. Printed by `make bench` so a missed ratio can be read, not guessed.
 */
const secret = createSecretKey(Buffer.from(process.env.JWT_SECRET!, 'utf8'));
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
});

function userOf(header: string | undefined): string {
  const claims = verify((header ?? '').replace(/^Bearer /, ''), secret, {
    algorithms: ['HS256'],
    issuer: 'taskboard-api',
    audience: 'taskboard',
  }) as { sub: string };
  return claims.sub;
}

@Controller('api/tasks')
class FloorController {
  @Get()
  async list(@Headers('authorization') auth: string | undefined) {
    const { rows } = await pool.query(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userOf(auth), 21],
    );
    return { items: rows.slice(0, 20), nextCursor: null, limit: 20 };
  }

  @Post()
  @HttpCode(201)
  async create(
    @Headers('authorization') auth: string | undefined,
    @Body() b: { title: string; priority?: string },
  ) {
    const { rows } = await pool.query(
      `INSERT INTO tasks (owner_id, title, description, status, priority, due_date)
       VALUES ($1, $2, $3, COALESCE($4::task_status, 'TODO'), COALESCE($5::task_priority, 'MEDIUM'), $6)
       RETURNING ${TASK_COLUMNS}`,
      [userOf(auth), b.title, null, null, b.priority ?? null, null],
    );
    return rows[0];
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
}

void main();
