import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/database/data-source';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ADMIN_DATABASE_URL, MODE, REDIS_URL } from '../support/env';
import { BUILT, MAIN_JS, MIGRATE_JS, runNode, spawnApi } from '../support/spawn-api';
import { client } from '../support/test-app';

const built = BUILT ? describe : describe.skip;

built('startup configuration', () => {
  it.each([
    [
      { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/db', JWT_SECRET: 'short' },
      'JWT_SECRET',
    ],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'DATABASE_URL'],
    [
      {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://x@127.0.0.1/db',
        JWT_SECRET: 'x'.repeat(40),
        COOKIE_SECURE: 'false',
      },
      'COOKIE_SECURE',
    ],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://nope' }, 'DATABASE_URL'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
  ])('refuses to start on bad config %j, naming %s', async (env, variable) => {
    const res = await runNode(MAIN_JS, env);
    expect(res.code).toBe(78);
    expect(res.stderr).toContain(variable);
    expect(res.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});

built(`graceful shutdown under load (${MODE})`, () => {
  let db: TestDatabase;
  let dataDir: string | undefined;
  beforeAll(async () => {
    if (ADMIN_DATABASE_URL) db = await createTestDatabase();
    else dataDir = mkdtempSync(join(tmpdir(), 'taskboard-sigterm-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM: readiness fails first, in-flight requests finish, no acknowledged write is lost', async () => {
    const env = ADMIN_DATABASE_URL ? { DATABASE_URL: db.url, REDIS_URL } : { EMBEDDED_DATA_DIR: dataDir };
    const api = await spawnApi({ ...env, SHUTDOWN_DELAY_MS: '800', AUTH_RATE_LIMIT: '100000' });
    const c = client(api.url);
    const user = await c.register();

    // The workers stand in for a load balancer's clients: they send to this replica while its
    // readiness passes (the prober plays the LB's health check) and stop once it fails.
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let routable = true;
    let readyFailedAt = 0;
    let signalledAt = 0;
    let stop = false;

    const worker = async (n: number) => {
      for (let i = 0; routable && !stop && i < 10_000; i++) {
        try {
          const res = await c.send<{ id: string }>('POST', '/api/tasks', {
            token: user.token,
            body: { title: `w${n}-${i}` },
          });
          if (res.status === 201) acknowledged.push(res.body.id);
          else failures.push(`status ${res.status}`);
        } catch (err) {
          const code = (err as { cause?: { code?: string } }).cause?.code;
          failures.push(`${code ?? (err as Error).message}`);
          return;
        }
      }
    };
    const probe = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${api.url}/health/ready`);
          if (signalledAt && res.status === 503 && !readyFailedAt) {
            readyFailedAt = Date.now();
            routable = false;
          }
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const workers = Array.from({ length: 12 }, (_, n) => worker(n));
    const prober = probe();
    await new Promise((r) => setTimeout(r, 1000));
    const beforeSignal = acknowledged.length;
    signalledAt = Date.now();
    api.proc.kill('SIGTERM');
    const exitCode = await api.exited;
    stop = true;
    await Promise.all([...workers, prober]);

    expect(exitCode).toBe(0);
    expect(failures).toEqual([]);
    expect(beforeSignal).toBeGreaterThan(10);
    expect(acknowledged.length).toBeGreaterThan(beforeSignal); // kept serving until the LB reacted
    await expect(fetch(`${api.url}/health`)).rejects.toThrow(); // and the listener is gone
    expect(readyFailedAt).toBeGreaterThan(0);
    expect(readyFailedAt - signalledAt).toBeLessThan(500);
    const logs = api.stdout.join('\n');
    expect(logs).toContain('"msg":"draining"');
    expect(logs).toContain('"msg":"stopped"');

    // Every acknowledged write is in the database.
    const ids = await persistedIds(env);
    const missing = acknowledged.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    console.info(
      `sigterm: ${acknowledged.length} writes acknowledged (${acknowledged.length - beforeSignal} while draining), all persisted`,
    );
  });

  async function persistedIds(env: Record<string, string | undefined>): Promise<Set<string>> {
    if (env.DATABASE_URL) {
      const pg = new Client({ connectionString: env.DATABASE_URL });
      await pg.connect();
      const { rows } = await pg.query<{ id: string }>('SELECT id FROM tasks');
      await pg.end();
      return new Set(rows.map((r) => r.id));
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const lite = await PGlite.create(env.EMBEDDED_DATA_DIR!);
    const { rows } = await lite.query<{ id: string }>('SELECT id FROM tasks');
    await lite.close();
    return new Set(rows.map((r) => r.id));
  }
});

built('embedded defaults (what `make demo` runs)', () => {
  it('keeps data in its folder across a restart, with no DATABASE_URL or REDIS_URL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskboard-demo-'));
    try {
      const first = await spawnApi({ EMBEDDED_DATA_DIR: dataDir });
      const c1 = client(first.url);
      const user = await c1.register();
      await c1.send('POST', '/api/tasks', { token: user.token, body: { title: 'survives restart' } });
      expect(
        (await c1.send<{ details: { cache: { backend: string } } }>('GET', '/health/ready')).body.details
          .cache.backend,
      ).toBe('memory');
      for (const path of ['/docs', '/docs/json', '/metrics'])
        expect((await fetch(first.url + path)).status, path).toBe(200);
      first.proc.kill('SIGTERM');
      expect(await first.exited).toBe(0);

      const second = await spawnApi({ EMBEDDED_DATA_DIR: dataDir });
      const c2 = client(second.url);
      const login = await c2.send<{ accessToken: string }>('POST', '/api/auth/login', {
        body: { email: user.email, password: user.password },
      });
      expect(login.status).toBe(200);
      const list = await c2.send<{ items: { title: string }[] }>('GET', '/api/tasks', {
        token: login.body.accessToken,
      });
      expect(list.body.items.map((x) => x.title)).toEqual(['survives restart']);
      second.proc.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const realDb = BUILT && ADMIN_DATABASE_URL ? describe : describe.skip;
if (!ADMIN_DATABASE_URL)
  console.info(
    '[skip] concurrent migrate test: needs a shared PostgreSQL (DATABASE_URL); PGlite is single-process',
  );

realDb('migrate command', () => {
  it('runs once when several migrators race (advisory lock)', async () => {
    const db = await createTestDatabase();
    try {
      const runs = await Promise.all([1, 2, 3].map(() => runNode(MIGRATE_JS, { DATABASE_URL: db.url })));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      expect(runs.filter((r) => r.stdout.startsWith('applied:'))).toHaveLength(1);
      expect(runs.filter((r) => r.stdout.startsWith('no pending'))).toHaveLength(2);
      const pg = new Client({ connectionString: db.url });
      await pg.connect();
      const { rows } = await pg.query('SELECT name FROM migrations');
      await pg.end();
      expect(rows).toHaveLength(MIGRATIONS.length);
    } finally {
      await db.drop();
    }
  });
});
