import { METRICS } from '@taskboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODE, REDIS_URL } from '../support/env';
import { FaultProxy } from '../support/tcp-proxy';
import { client, startTestApp, type TestApp } from '../support/test-app';

type Page = { items: { id: string; title: string; status: string }[] };

/** Sum of the cache operation counter for `result`, over the named cache or all of them. */
async function counter(url: string, cache: string | undefined, result: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${METRICS.cacheOperations.name}{`) && l.includes(`result="${result}"`))
    .filter((l) => !cache || l.includes(`cache="${cache}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describe(`task list cache (${MODE})`, () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    t = await startTestApp();
    api = client(t.url);
  });
  afterAll(() => t.close());

  it('serves repeat lists from the cache and invalidates on every write by that user', async () => {
    const u = await api.register();
    const list = async () => (await api.send<Page>('GET', '/api/tasks', { token: u.token })).body.items;
    await list(); // miss, fills
    const hitsBefore = await counter(t.url, 'tasks', 'hit');
    await list();
    await list();
    expect(await counter(t.url, 'tasks', 'hit')).toBe(hitsBefore + 2);

    const created = await api.send<{ id: string }>('POST', '/api/tasks', {
      token: u.token,
      body: { title: 'new' },
    });
    expect((await list()).map((x) => x.title)).toEqual(['new']);
    await api.send('PATCH', `/api/tasks/${created.body.id}`, { token: u.token, body: { status: 'DONE' } });
    expect((await list())[0]!.status).toBe('DONE');
    await api.send('DELETE', `/api/tasks/${created.body.id}`, { token: u.token });
    expect(await list()).toEqual([]);
  });

  it("never serves one user's cached list to another (user id in the key)", async () => {
    const a = await api.register();
    const b = await api.register();
    await api.send('POST', '/api/tasks', { token: a.token, body: { title: 'a-secret' } });
    for (let i = 0; i < 3; i++) {
      const la = await api.send<Page>('GET', '/api/tasks?limit=10', { token: a.token });
      const lb = await api.send<Page>('GET', '/api/tasks?limit=10', { token: b.token });
      expect(la.body.items.map((x) => x.title)).toEqual(['a-secret']);
      expect(lb.body.items).toEqual([]);
    }
  });
});

// The outage tests need a Redis to take away; the embedded mode has none.
const outage = REDIS_URL ? describe : describe.skip;
if (!REDIS_URL)
  console.info('[skip] Redis outage tests: no REDIS_URL (embedded mode runs the in-process cache)');

outage(`Redis outage (${MODE})`, () => {
  let t: TestApp;
  let proxy: FaultProxy;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    proxy = FaultProxy.forUrl(REDIS_URL!);
    await proxy.start();
    t = await startTestApp({ env: { REDIS_URL: proxy.rewrite(REDIS_URL!) } });
    api = client(t.url);
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
  });

  it.each(['refuse', 'blackhole'] as const)(
    'keeps every request succeeding while Redis is %s, then uses it again',
    async (mode) => {
      const u = await api.register();
      const titles = async () =>
        (await api.send<Page>('GET', '/api/tasks', { token: u.token })).body.items.map((x) => x.title);
      await api.send('POST', '/api/tasks', { token: u.token, body: { title: 'before' } });
      await titles();
      await titles(); // cached now
      const errorsBefore = await counter(t.url, undefined, 'error');

      await proxy.setMode(mode);
      const statuses: number[] = [];
      const slowest: number[] = [];
      for (let i = 0; i < 10; i++) {
        const created = await api.send<{ id: string }>('POST', '/api/tasks', {
          token: u.token,
          body: { title: `during-${i}` },
        });
        const listed = await api.send<Page>('GET', '/api/tasks?limit=100', { token: u.token });
        const got = await api.send('GET', `/api/tasks/${created.body.id}`, { token: u.token });
        statuses.push(created.status, listed.status, got.status);
        slowest.push(created.ms, listed.ms, got.ms);
        // Reads during the outage see every write (no stale cache served).
        expect(listed.body.items.map((x) => x.title)).toContain(`during-${i}`);
      }
      // Logins and registrations keep working (the rate limiter falls back to local counters).
      const login = await api.send('POST', '/api/auth/login', {
        body: { email: u.email, password: u.password },
      });
      statuses.push(login.status === 200 ? 200 : login.status);
      expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
      expect(Math.max(...slowest)).toBeLessThan(1000);
      expect(await counter(t.url, undefined, 'error')).toBeGreaterThan(errorsBefore);
      const ready = await api.send<{ details: { cache: { status: string } } }>('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.cache.status).toBe('degraded');

      await proxy.setMode('pass');
      // Picked up again without a restart: the cache answers hits once more.
      const deadline = Date.now() + 10_000;
      let hitsNow = 0;
      const hitsBefore = await counter(t.url, 'tasks', 'hit');
      while (Date.now() < deadline) {
        await titles();
        hitsNow = await counter(t.url, 'tasks', 'hit');
        if (hitsNow > hitsBefore) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(hitsNow).toBeGreaterThan(hitsBefore);
      // And what it serves includes every write made during the outage.
      const after = await titles();
      expect(after).toContain('during-9');
      expect(after).toContain('before');
      expect(
        (await api.send<{ details: { cache: { status: string } } }>('GET', '/health/ready')).body.details
          .cache.status,
      ).toBe('up');
    },
  );

  it('boots and serves when Redis is unreachable from the start', async () => {
    const down = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const c = client(down.url);
      const u = await c.register();
      expect((await c.send('POST', '/api/tasks', { token: u.token, body: { title: 'x' } })).status).toBe(201);
      expect((await c.send('GET', '/api/tasks', { token: u.token })).status).toBe(200);
      expect((await c.send('GET', '/health/ready')).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});
