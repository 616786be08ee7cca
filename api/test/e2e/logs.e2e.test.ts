import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SqlClient } from '../../src/database/sql-client';
import { MODE } from '../support/env';
import { type TestApp, useTestApp } from '../support/test-app';

const ctx = useTestApp();

const requestLines = (app: TestApp) => app.logs.filter((l) => l.msg === 'request completed');

describe(`request logs (${MODE})`, () => {
  it('writes one JSON line per request with request id, route, status, duration and user id', async () => {
    const u = await ctx.api.register();
    const before = requestLines(ctx.t).length;
    const res = await ctx.api.send('GET', '/api/tasks', {
      token: u.token,
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123');
    const lines = requestLines(ctx.t).slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      reqId: 'trace-abc.123',
      method: 'GET',
      route: '/api/tasks',
      statusCode: 200,
      userId: u.userId,
      service: 'taskboard-api',
    });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(typeof lines[0]!.time).toBe('string');
    // The "auth failures by client" saved query (stacks/alerting.ts) groups by it.
    expect(lines[0]!.clientIp).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
  });

  it('generates a request id when none (or a hostile one) is given, and returns it', async () => {
    const a = await ctx.api.send('GET', '/health');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await ctx.api.send('GET', '/health', {
      headers: { 'x-request-id': 'evil<script>'.padEnd(300, 'x') },
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const last = requestLines(ctx.t).at(-1)!;
    expect(last.reqId).toBe(hostile.headers.get('x-request-id'));
    expect(last.userId).toBeUndefined();
  });
});

describe(`database errors never put bound values or row detail in a log line (${MODE})`, () => {
  /**
   * The schema is extended (in this file's own database) with constraints and a trigger that
   * turn chosen titles and emails into each class of database error, so real requests hit
   * them through every logging path: the exception filter, TypeORM's logger and SqlClient.
   */
  const PROBE_DDL = [
    `ALTER TABLE tasks ADD CONSTRAINT probe_check CHECK (title NOT LIKE 'check-%')`,
    `CREATE UNIQUE INDEX probe_unique ON tasks (owner_id, title) WHERE title LIKE 'unique-%'`,
    `ALTER TABLE users ADD CONSTRAINT probe_users_check CHECK (email NOT LIKE 'check-%')`,
    `CREATE FUNCTION probe_errors() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.title LIKE 'syntax-%' THEN PERFORM NEW.title::uuid; END IF;
       IF NEW.title LIKE 'range-%' THEN PERFORM (NEW.title || ' 2026-13-45')::date; END IF;
       IF NEW.title LIKE 'fk-%' THEN
         INSERT INTO tasks (owner_id, title) VALUES (gen_random_uuid(), 'inner ' || NEW.title);
       END IF;
       RETURN NEW;
     END $$`,
    'CREATE TRIGGER probe_errors BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION probe_errors()',
  ];

  it('check, unique, foreign-key, syntax and range errors: 500s and logs without values', async () => {
    const sql = ctx.t.app.get(SqlClient);
    for (const statement of PROBE_DDL) await sql.pool.query(statement);
    const u = await ctx.api.register();
    const marker = `SECRET${randomUUID().replaceAll('-', '')}`;
    const titles = ['check', 'unique', 'unique', 'fk', 'syntax', 'range'].map((k) => `${k}-${marker}`);
    const statuses: number[] = [];
    for (const title of titles) {
      statuses.push((await ctx.api.send('POST', '/api/tasks', { token: u.token, body: { title } })).status);
    }
    // The first "unique" insert succeeds; every other one is a database error answered as a 500.
    expect(statuses).toEqual([500, 201, 500, 500, 500, 500]);
    // A TypeORM path (register) with a value in the failing row.
    const email = `check-${marker.toLowerCase()}@example.com`;
    const reg = await ctx.api.send('POST', '/api/auth/register', {
      body: { email, password: 'a long enough password' },
    });
    expect(reg.status).toBe(500);
    // SqlClient directly, with bound parameters that PostgreSQL rejects.
    await expect(sql.query('probe.syntax', 'SELECT $1::uuid', [`${marker}-param`])).rejects.toThrow();
    await expect(
      sql.query('probe.fk', 'INSERT INTO tasks (owner_id, title) VALUES ($1, $2)', [
        randomUUID(),
        `${marker}-fk-param`,
      ]),
    ).rejects.toThrow();

    const lines = ctx.t.rawLogs.filter((l) => !l.includes('"msg":"request completed"'));
    const errorLines = lines.filter((l) => /unhandled error|query failed/.test(l));
    // Each failure was logged (the filter's 500s and the query paths), and usefully: SQLSTATE kept.
    expect(errorLines.length).toBeGreaterThanOrEqual(8);
    expect(errorLines.some((l) => l.includes('"23514"'))).toBe(true);
    expect(errorLines.some((l) => l.includes('"23505"'))).toBe(true);
    expect(errorLines.some((l) => l.includes('"23503"'))).toBe(true);
    expect(errorLines.some((l) => l.includes('"22P02"'))).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(marker);
    expect(all.toLowerCase()).not.toContain(marker.toLowerCase());
    // Ids bound or shown in row detail: the user's id (access lines carry it by design, not here).
    expect(all).not.toContain(u.userId);
    for (const key of ['"detail"', '"parameters"', '"where"', '"driverError"']) {
      expect(all, key).not.toContain(key);
    }
  });
});
