import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import { MODE } from '../support/env';
import { FaultProxy, type ProxyMode } from '../support/tcp-proxy';
import { client, startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let proxy: FaultProxy;
let api: ReturnType<typeof client>;
let token: string;
let taskId: string;
/** Refresh, logout, PATCH and DELETE may still reach the database after a 503 (the statement was
 * in the stalled socket's buffers): they act on a user and a task of their own. */
let victim: Awaited<ReturnType<ReturnType<typeof client>['register']>>;
let victimTaskId: string;

beforeAll(async () => {
  const db = await createTestDatabase();
  proxy = FaultProxy.forUrl(db.url);
  await proxy.start();
  // Cache off: every list must reach the database, so the outage is visible on every route.
  t = await startTestApp({
    db,
    env: { CACHE_ENABLED: 'false', DATABASE_POOL_MAX: '10' },
    databaseUrl: (url) => proxy.rewrite(url),
  });
  api = client(t.url);
  token = (await api.register()).token;
  victim = await api.register();
  victimTaskId = (
    await api.send<{ id: string }>('POST', '/api/tasks', { token: victim.token, body: { title: 'victim' } })
  ).body.id;
  taskId = (
    await api.send<{ id: string }>('POST', '/api/tasks', { token, body: { title: 'survives the outage' } })
  ).body.id;
});
afterAll(async () => {
  await proxy.setMode('pass');
  await t.close();
  await t.db.drop();
  await proxy.stop();
});

async function recovers(deadlineMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    const res = await api.send('GET', '/api/tasks', { token });
    if (res.status === 200) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('did not recover');
}

/** Every route that touches the database, transactional ones (register, refresh, logout) included. */
function everyRoute(): [string, () => ReturnType<typeof api.send>][] {
  const cookie = { cookie: victim.cookie! };
  return [
    [
      'register',
      () =>
        api.send('POST', '/api/auth/register', {
          body: { email: `o-${randomUUID()}@example.com`, password: 'outage password' },
        }),
    ],
    [
      'login',
      () => api.send('POST', '/api/auth/login', { body: { email: victim.email, password: victim.password } }),
    ],
    ['refresh', () => api.send('POST', '/api/auth/refresh', { headers: cookie })],
    ['logout', () => api.send('POST', '/api/auth/logout', { token: victim.token, headers: cookie })],
    ['me', () => api.send('GET', '/api/auth/me', { token })],
    ['list', () => api.send('GET', '/api/tasks', { token })],
    ['create', () => api.send('POST', '/api/tasks', { token, body: { title: 'during outage' } })],
    ['get', () => api.send('GET', `/api/tasks/${taskId}`, { token })],
    [
      'patch',
      () =>
        api.send('PATCH', `/api/tasks/${victimTaskId}`, { token: victim.token, body: { status: 'DONE' } }),
    ],
    ['delete', () => api.send('DELETE', `/api/tasks/${victimTaskId}`, { token: victim.token })],
  ];
}

/** 503 + Retry-After within 2 s (the slowest answer, not a typical one). */
function expectFastUnavailable(results: [string, Awaited<ReturnType<typeof api.send>>][]) {
  const slowest = Math.max(...results.map(([, r]) => r.ms));
  const summary = results.map(([name, r]) => `${name}:${r.status}/${Math.round(r.ms)}ms`).join(' ');
  for (const [name, res] of results) {
    expect(res.status, `${name} ${summary}`).toBe(503);
    expect(res.headers.get('retry-after'), name).toBe('1');
    expect(res.body, name).toMatchObject({ statusCode: 503 });
    // An outage never sets nor clears the refresh cookie: the client keeps its session and retries.
    expect(res.headers.getSetCookie(), name).toEqual([]);
  }
  expect(slowest, summary).toBeLessThan(2000);
  return slowest;
}

describe.each<ProxyMode>(['refuse', 'blackhole'])(
  `every route under a database outage: %s (${MODE})`,
  (mode) => {
    it('answers 503 + Retry-After within 2 s, one client at a time and 24 at once against a pool of 10', async () => {
      // The worst case: the pool holds established connections when the database stalls.
      const warm = async () => {
        await proxy.setMode('pass');
        const took = await recovers(15_000);
        if (process.env.PEEK) console.info(`[db-outage ${mode}] recovered in ${took} ms`);
        await Promise.all(Array.from({ length: 12 }, () => api.send('GET', '/api/tasks', { token })));
        await proxy.setMode(mode);
      };
      try {
        await warm();
        const routes = everyRoute();
        const single: [string, Awaited<ReturnType<typeof api.send>>][] = [];
        for (const [name, call] of routes) single.push([name, await call()]);
        const slowestSingle = expectFastUnavailable(single);
        for (let round = 0; round < 2; round++) {
          await warm();
          const calls = Array.from({ length: 24 }, (_, i) => routes[i % routes.length]!);
          const results = await Promise.all(calls.map(async ([name, call]) => [name, await call()] as const));
          const slowest = expectFastUnavailable(results.map(([n, r]) => [n, r]));
          console.info(
            `[db-outage ${mode}] slowest single ${Math.round(slowestSingle)} ms, 24 concurrent ${Math.round(slowest)} ms`,
          );
        }
      } finally {
        await proxy.setMode('pass');
      }
      await recovers(15_000);
      const task = await api.send<{ title: string }>('GET', `/api/tasks/${taskId}`, { token });
      expect(task.body.title).toBe('survives the outage');
    });
  },
);

describe.each<ProxyMode>(['refuse', 'blackhole'])(`database outage: %s (${MODE})`, (mode) => {
  it('fails fast with 503, keeps liveness, fails readiness, and recovers by itself', async () => {
    await proxy.setMode(mode);
    const calls = [
      () => api.send('GET', '/api/tasks', { token }),
      () => api.send('POST', '/api/tasks', { token, body: { title: 'during outage' } }),
      () => api.send('GET', `/api/tasks/${taskId}`, { token }),
      () => api.send('PATCH', `/api/tasks/${taskId}`, { token, body: { status: 'IN_PROGRESS' } }),
    ];
    // Several rounds, in parallel, so pooled and fresh connections are both exercised.
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(calls.map((c) => c()));
      for (const res of results) {
        expect(res.status).toBe(503);
        expect(res.ms).toBeLessThan(2000);
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.body).toMatchObject({ statusCode: 503 });
      }
    }
    const live = await api.send('GET', '/health');
    expect(live.status).toBe(200);
    const ready = await api.send<{ status: string }>('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(2000);

    await proxy.setMode('pass');
    const took = await recovers(15_000);
    expect(took).toBeLessThan(15_000);
    expect((await api.send('GET', '/health/ready')).status).toBe(200);
    const task = await api.send<{ title: string }>('GET', `/api/tasks/${taskId}`, { token });
    expect(task.body.title).toBe('survives the outage');
  });
});
