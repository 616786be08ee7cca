import { HTTP_DURATION_BUCKETS, METRICS, UNMATCHED_ROUTE } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { useTestApp } from '../support/test-app';

const ctx = useTestApp();

/** Parses the text exposition into `name{labels} value` samples. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const H = METRICS.httpRequestDuration.name;

describe(`/metrics (${MODE})`, () => {
  it('counts a scripted set of requests exactly, with route templates and bounded labels', async () => {
    const u = await ctx.api.register();
    const created = await ctx.api.send<{ id: string }>('POST', '/api/tasks', {
      token: u.token,
      body: { title: 'm' },
    });
    await ctx.api.send('GET', '/api/tasks', { token: u.token });
    await ctx.api.send('GET', '/api/tasks', { token: u.token });
    await ctx.api.send('GET', `/api/tasks/${created.body.id}`, { token: u.token });
    await ctx.api.send('PATCH', `/api/tasks/${created.body.id}`, {
      token: u.token,
      body: { status: 'DONE' },
    });
    await ctx.api.send('GET', `/api/tasks/${crypto.randomUUID()}`, { token: u.token });
    await ctx.api.send('GET', '/api/tasks/not-a-uuid', { token: u.token });
    await ctx.api.send('GET', '/api/tasks');
    await ctx.api.send('GET', '/wp-admin/setup.php');
    await ctx.api.send('GET', '/random/path/1');
    await ctx.api.send('GET', '/health');

    const res = await fetch(`${ctx.t.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    const s = samples(text);
    const count = (method: string, route: string, code: number) =>
      s.get(`${H}_count{method="${method}",route="${route}",status_code="${code}"}`);

    expect(count('POST', '/api/auth/register', 201)).toBe(1);
    expect(count('POST', '/api/tasks', 201)).toBe(1);
    expect(count('GET', '/api/tasks', 200)).toBe(2);
    expect(count('GET', '/api/tasks', 401)).toBe(1);
    expect(count('GET', '/api/tasks/:id', 200)).toBe(1);
    expect(count('GET', '/api/tasks/:id', 404)).toBe(1);
    expect(count('GET', '/api/tasks/:id', 400)).toBe(1);
    expect(count('PATCH', '/api/tasks/:id', 200)).toBe(1);
    expect(count('GET', UNMATCHED_ROUTE, 404)).toBe(2);
    expect(count('GET', '/health', 200)).toBe(1);

    // Exactly the contract's buckets, and only the contract's labels.
    const les = [
      ...text.matchAll(
        new RegExp(`^${H}_bucket\\{le="([^"]+)",method="POST",route="/api/tasks",status_code="201"\\}`, 'gm'),
      ),
    ].map((m) => m[1]);
    expect(les).toEqual([...HTTP_DURATION_BUCKETS.map(String), '+Inf']);
    for (const key of s.keys()) {
      if (!key.startsWith(`${H}_count`)) continue;
      const labels = [...key.matchAll(/(\w+)="/g)].map((m) => m[1]).sort();
      expect(labels).toEqual(['method', 'route', 'status_code']);
      expect(key).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/); // no ids leak into route labels
    }

    expect(s.get(`${METRICS.tasksCreated.name}`)).toBe(1);
    expect(s.get(`${METRICS.tasksCompleted.name}`)).toBe(1);
    expect(s.get(`${METRICS.authAttempts.name}{action="register",result="success"}`)).toBe(1);
    expect(s.get(`${METRICS.httpRequestsInFlight.name}`)).toBeGreaterThanOrEqual(1); // this scrape itself
    expect(s.get(`${METRICS.dbPoolMax.name}`)).toBeGreaterThanOrEqual(1);
    expect(s.get(`${METRICS.dbPoolConnections.name}{state="total"}`)).toBeGreaterThanOrEqual(1);
    expect(s.get(`${METRICS.cacheOperations.name}{cache="tasks",result="hit"}`)).toBeGreaterThanOrEqual(1);
    expect(
      [...s.keys()].some((k) =>
        k.startsWith(`${METRICS.dbQueryDuration.name}_count{operation="tasks.insert",outcome="ok"}`),
      ),
    ).toBe(true);
    expect(s.get(`${METRICS.cacheUp.name}{backend="${ctx.t.core.cache.backend}"}`)).toBe(1);
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(s.has(name), name).toBe(true);
    }
  });
});
