import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS, SPA_CACHE_CONTROL, SPA_SECURITY_HEADERS, UNMATCHED_ROUTE } from '@taskboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { MODE } from '../support/env';
import { client, startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let api: ReturnType<typeof client>;
let dir: string;

const INDEX =
  '<!doctype html><html><body><div id="app"></div><script type="module" src="/assets/app-3f2a1b.js"></script></body></html>';
const html = { accept: 'text/html,application/xhtml+xml' };

/** A stand-in build with the shape Vite writes: index.html, hashed assets, a plain public file. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taskboard-spa-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-3f2a1b.js'), 'console.log("app")');
  writeFileSync(join(dir, 'robots.txt'), 'User-agent: *\n');
  t = await startTestApp({ env: { SPA_DIR: dir } });
  api = client(t.url);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectSecurityHeaders(headers: Headers) {
  for (const [name, value] of Object.entries(SPA_SECURITY_HEADERS))
    expect(headers.get(name), name).toBe(value);
}

describe(`SPA served by the API in local mode (${MODE})`, () => {
  it('serves index.html at / with no-cache and the security headers, even without Accept', async () => {
    const res = await api.send('GET', '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe(SPA_CACHE_CONTROL.index);
    expect(res.body).toBe(INDEX);
    expectSecurityHeaders(res.headers);
  });

  it('answers client-side routes with index.html for browsers (history fallback)', async () => {
    for (const path of ['/login', '/register', '/index.html', '/some/deep/link?x=1']) {
      const res = await api.send('GET', path, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.body, path).toBe(INDEX);
      expect(res.headers.get('cache-control')).toBe(SPA_CACHE_CONTROL.index);
    }
  });

  it('caches hashed assets for a year as immutable, and other files for an hour', async () => {
    const asset = await api.send('GET', '/assets/app-3f2a1b.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe(SPA_CACHE_CONTROL.hashedAsset);
    expectSecurityHeaders(asset.headers);
    const robots = await api.send('GET', '/robots.txt');
    expect(robots.headers.get('cache-control')).toBe(SPA_CACHE_CONTROL.other);
  });

  it('answers a missing asset, a non-browser request and an encoded traversal with the API’s JSON 404', async () => {
    for (const [path, headers] of [
      ['/assets/app-000000.js', html],
      ['/login', { accept: 'application/json' }],
      ['/%2e%2e/%2e%2e/package.json', { accept: '*/*' }],
    ] as const) {
      const res = await api.send<{ statusCode: number }>('GET', path, { headers });
      expect(res.status, path).toBe(404);
      expect(res.body.statusCode, path).toBe(404);
    }
  });

  it('never answers API, health, metrics or docs paths with the SPA', async () => {
    const unknownApi = await api.send<{ statusCode: number }>('GET', '/api/nope', { headers: html });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toMatch(/application\/json/);
    const tasks = await api.send('GET', '/api/tasks', { headers: html });
    expect(tasks.status).toBe(401);
    expect((await api.send('GET', '/health', { headers: html })).status).toBe(200);
    const metrics = await api.send('GET', '/metrics', { headers: html });
    expect(String(metrics.body)).toContain(METRICS.httpRequestDuration.name);
    expect((await api.send('GET', '/metrics/nope', { headers: html })).status).toBe(404);
  });

  it('keeps the API working beside it, and labels SPA requests with one bounded route', async () => {
    const user = await api.register();
    const created = await api.send('POST', '/api/tasks', {
      token: user.token,
      body: { title: 'Served together' },
    });
    expect(created.status).toBe(201);
    await api.send('GET', '/a/b/c', { headers: html });
    await api.send('GET', '/d/e/f', { headers: html });
    const text = String((await api.send('GET', '/metrics')).body);
    const spaRoutes = text
      .split('\n')
      .filter((l) => l.startsWith(`${METRICS.httpRequestDuration.name}_count`) && l.includes('route="/*"'));
    expect(spaRoutes.length).toBeGreaterThan(0);
    expect(text).not.toContain('route="/a/b/c"');
    expect(text).not.toContain(`route="${UNMATCHED_ROUTE}",status_code="200"`);
  });
});

describe('SPA_DIR configuration', () => {
  it('turns serving off with an empty value and keeps an explicit directory', () => {
    expect(loadConfig({ SPA_DIR: '' }).spa.dir).toBeUndefined();
    expect(loadConfig({ SPA_DIR: '/srv/spa' }).spa.dir).toBe('/srv/spa');
  });

  it('refuses to start when SPA_DIR has no build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'taskboard-spa-empty-'));
    try {
      await expect(startTestApp({ env: { SPA_DIR: empty } })).rejects.toThrow(/has no index.html/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
