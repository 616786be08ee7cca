import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS } from '@taskboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsListener, startMetricsListener } from '../../src/metrics/metrics-listener';
import { MODE } from '../support/env';
import { BUILT, type SpawnedApi, spawnApi } from '../support/spawn-api';
import { client, startTestApp, type TestApp } from '../support/test-app';

const H = METRICS.httpRequestDuration.name;

async function expectApiNotFound(url: string) {
  const res = await fetch(url);
  expect(res.status, url).toBe(404);
  expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  expect(typeof body.message).toBe('string');
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
}

describe(`METRICS_PORT and DOCS_ENABLED=false: the public listener exposes neither (${MODE})`, () => {
  let t: TestApp;
  let metrics: MetricsListener;
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_PORT: '0', DOCS_ENABLED: 'false' } });
    metrics = await startMetricsListener('127.0.0.1', 0, t.core.logger);
  });
  afterAll(async () => {
    await t?.close();
    await metrics?.close();
  });

  it('answers 404 in the API shape for /metrics and /docs on the main listener', async () => {
    for (const path of ['/metrics', '/docs', '/docs/json', '/docs/static/index.html']) {
      await expectApiNotFound(t.url + path);
    }
    // The API itself is unaffected.
    const u = await client(t.url).register();
    expect((await client(t.url).send('GET', '/api/tasks', { token: u.token })).status).toBe(200);
  });

  it('serves the whole registry on its own port, uncounted by the request histogram', async () => {
    expect(new URL(metrics.url).hostname).toBe('127.0.0.1');
    await fetch(metrics.url);
    const res = await fetch(metrics.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await res.text();
    expect(text).toContain(`${H}_count{method="POST",route="/api/auth/register",status_code="201"} 1`);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain(METRICS.dbPoolMax.name);
    // Scrapes of the metrics port never show up as API traffic.
    expect(text).not.toMatch(new RegExp(`${H}_count\\{[^}]*route="/metrics"`));
    await expectApiNotFound(metrics.url.replace(/\/metrics$/, '/api/tasks'));
  });
});

const built = BUILT ? describe : describe.skip;

built('the compiled API with METRICS_PORT (what the chart runs)', () => {
  it('binds the metrics listener on HOST, serves it through the drain, closes it on shutdown', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'taskboard-metrics-port-'));
    let api: SpawnedApi | undefined;
    try {
      api = await spawnApi({
        EMBEDDED_DATA_DIR: dataDir,
        METRICS_PORT: '0',
        DOCS_ENABLED: 'false',
        SHUTDOWN_DELAY_MS: '1500',
      });
      const spawned = api;
      const metricsUrl = await waitFor(() => {
        for (const line of spawned.stdout) {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'metrics listening') return entry.url;
        }
      });
      expect(new URL(metricsUrl).hostname).toBe('127.0.0.1');
      expect(new URL(metricsUrl).port).not.toBe(new URL(api.url).port);
      expect((await fetch(metricsUrl)).status).toBe(200);
      await expectApiNotFound(`${api.url}/metrics`);
      await expectApiNotFound(`${api.url}/docs`);

      api.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      // Draining: readiness fails, and the scraper still sees the process.
      expect((await fetch(`${api.url}/health/ready`)).status).toBe(503);
      expect((await fetch(metricsUrl)).status).toBe(200);
      expect(await api.exited).toBe(0);
      await expect(fetch(metricsUrl)).rejects.toThrow();
    } finally {
      if (api && api.proc.exitCode === null) api.proc.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
