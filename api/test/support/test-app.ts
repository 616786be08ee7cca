import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/config';
import type { CoreServices } from '../../src/core/core.module';
import { buildCoreServices } from '../../src/core/core-services';
import { createLogger } from '../../src/core/logger';
import { createDataSource } from '../../src/database/data-source';
import { runMigrationsLocked } from '../../src/database/migrate';
import { AppMetrics } from '../../src/metrics/app-metrics';
import { createTestDatabase, type TestDatabase } from './database';
import { EMBEDDED, REDIS_URL } from './env';

export interface TestApp {
  url: string;
  app: NestFastifyApplication;
  core: CoreServices;
  db: TestDatabase;
  /** Every JSON log line the app wrote. */
  logs: Record<string, unknown>[];
  rawLogs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /** Rewrites the database URL (e.g. through a FaultProxy) after the database is created and migrated. */
  databaseUrl?: (url: string) => string;
  db?: TestDatabase;
}

/** The real app, in process, on an ephemeral loopback port, with its own fresh database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  AppMetrics.resetRegistry();
  const db = options.db ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    AUTH_RATE_LIMIT: '100000',
    DATABASE_URL: db.url,
    // The embedded server is one PostgreSQL session: embedded mode proper runs a pool of one.
    DATABASE_POOL_MAX: EMBEDDED ? '1' : undefined,
    REDIS_URL,
    ...options.env,
  });
  const migrator = createDataSource(config, db.url);
  await migrator.initialize();
  await runMigrationsLocked(migrator);
  await migrator.destroy();

  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        rawLogs.push(line);
        logs.push(JSON.parse(line));
      }
      cb();
    },
  });
  const core = buildCoreServices(config, createLogger('info', sink));
  const app = await createApp(core, options.databaseUrl ? options.databaseUrl(db.url) : db.url);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    url,
    app,
    core,
    db,
    logs,
    rawLogs,
    async close() {
      await app.close();
      await core.redis?.close();
      if (!options.db) await db.drop();
    },
  };
}

export interface Res<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  ms: number;
}

/** A small JSON HTTP client for the tests. */
export function client(baseUrl: string) {
  const send = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const started = performance.now();
    const res = await fetch(baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Left as text: the assertion decides whether that is acceptable.
    }
    return { status: res.status, body: body as T, headers: res.headers, ms: performance.now() - started };
  };

  const register = async (email = `user-${randomUUID()}@example.com`, password = 'correct horse battery') => {
    const res = await send<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/register', {
      body: { email, password },
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      email,
      password,
      token: res.body.accessToken,
      userId: res.body.user.id,
      cookie: refreshCookie(res.headers),
    };
  };

  return { send, register };
}

/** The refresh token from a Set-Cookie header, as a Cookie header value. */
export function refreshCookie(headers: Headers): string | undefined {
  const set = headers.getSetCookie().find((c) => c.startsWith('taskboard_refresh='));
  return set?.split(';')[0];
}

/** One app (and its own database) for a whole test file, started before its tests. */
export function useTestApp(options?: TestAppOptions): { t: TestApp; api: ReturnType<typeof client> } {
  const ctx = {} as { t: TestApp; api: ReturnType<typeof client> };
  beforeAll(async () => {
    ctx.t = await startTestApp(options);
    ctx.api = client(ctx.t.url);
  });
  afterAll(() => ctx.t?.close());
  return ctx;
}
