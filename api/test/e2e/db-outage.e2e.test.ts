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

beforeAll(async () => {
  const db = await createTestDatabase();
  proxy = FaultProxy.forUrl(db.url);
  await proxy.start();
  // Cache off: every list must reach the database, so the outage is visible on every route.
  t = await startTestApp({
    db,
    env: { CACHE_ENABLED: 'false', DATABASE_POOL_MAX: '4' },
    databaseUrl: (url) => proxy.rewrite(url),
  });
  api = client(t.url);
  token = (await api.register()).token;
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
