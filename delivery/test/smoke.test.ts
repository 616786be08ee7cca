import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { API_PATHS } from '@taskboard/contracts';
import { CookieJar } from 'tough-cookie';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, startApi } from '../src/drill/api-process';
import { createDrillDatabase } from '../src/drill/database';
import { freePort } from '../src/drill/ports';
import {
  createNodeSmokeHttp,
  type SmokeHttp,
  type SmokeRequest,
  type SmokeResponse,
} from '../src/smoke/http-client';
import { JOURNEY_STEPS, runJourney } from '../src/smoke/journey';
import { ADMIN_DATABASE_URL, REDIS_URL } from './support/services';

const POSTGRES_MISSING = inject('postgresMissing');

const CLI = resolve(__dirname, '..', 'dist', 'src', 'cli', 'smoke.js');

let api: ApiProcess;
let dropDb: () => Promise<void>;
let dir: string;

/** The real API (compiled, own process, own database) serving a stand-in SPA build. */
beforeAll(async () => {
  if (POSTGRES_MISSING) return;
  dir = mkdtempSync(join(tmpdir(), 'taskboard-smoke-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><body><div id="app"></div><script type="module" src="/assets/app-1a2b3c.js"></script></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'app-1a2b3c.js'), 'console.log(1)');
  const db = await createDrillDatabase(ADMIN_DATABASE_URL);
  dropDb = db.drop;
  api = await startApi('smoke', await freePort(), {
    DATABASE_URL: db.url,
    REDIS_URL,
    SPA_DIR: dir,
    AUTH_RATE_LIMIT: '1000',
  });
});

afterAll(async () => {
  await api?.stop();
  await dropDb?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The real client, with one response (or request) altered: proves each step notices that fault. */
function faulty(
  http: SmokeHttp,
  alter: (req: SmokeRequest, send: () => Promise<SmokeResponse>) => Promise<SmokeResponse>,
): SmokeHttp {
  return {
    baseUrl: http.baseUrl,
    hasCookieFor: http.hasCookieFor,
    send: (req) => alter(req, () => http.send(req)),
  };
}

async function journey(alter?: Parameters<typeof faulty>[1]) {
  const http = createNodeSmokeHttp(api.url);
  try {
    return await runJourney(alter ? faulty(http, alter) : http);
  } finally {
    http.close();
  }
}

function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    proc.on('exit', (code) => done({ code, out }));
  });
}

describe.skipIf(POSTGRES_MISSING)('smoke journey against the real API', () => {
  it('passes every step, in order, against a healthy API', async () => {
    const steps: string[] = [];
    const http = createNodeSmokeHttp(api.url);
    const result = await runJourney(http, { onStep: (s) => steps.push(s.step) });
    http.close();
    expect(result.failed).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(steps).toEqual([...JOURNEY_STEPS]);
    expect(result.steps.every((s) => s.ok)).toBe(true);
  });

  it('fails at "spa-shell" when the page names a bundle the server does not have (half-synced release)', async () => {
    const r = await journey(async (req, send) => {
      const res = await send();
      return req.path === '/' ? { ...res, body: res.body.replace('app-1a2b3c.js', 'app-000000.js') } : res;
    });
    expect(r.failed?.step).toBe('spa-shell');
    expect(r.failed?.reason).toMatch(/app-000000\.js.*404/);
    expect(r.steps.map((s) => s.step)).toEqual(['ready', 'spa-shell']);
  });

  it('fails at "refresh" when the refresh cookie is not sent back (Secure on plain http, wrong Path...)', async () => {
    // A jar that keeps nothing, as a browser keeps no Secure cookie from a plain-http origin.
    const jar = new CookieJar();
    jar.setCookie = (async () => undefined) as unknown as CookieJar['setCookie'];
    const http = createNodeSmokeHttp(api.url, { jar });
    const r = await runJourney(http);
    http.close();
    expect(r.failed?.step).toBe('refresh');
    expect(r.failed?.reason).toMatch(/HTTP 401; no taskboard_refresh cookie a browser would send/);
  });

  it('fails at "delete-task" when a delete answers 204 but the task is still there', async () => {
    const r = await journey(async (req, send) =>
      req.method === 'DELETE' ? { status: 204, headers: {}, body: '' } : send(),
    );
    expect(r.failed?.step).toBe('delete-task');
    expect(r.failed?.reason).toMatch(/after delete: expected HTTP 404, got 200/);
  });

  it('fails at "logout" when the session outlives the logout', async () => {
    const r = await journey(async (req, send) =>
      req.path === API_PATHS.logout ? { status: 204, headers: {}, body: '' } : send(),
    );
    expect(r.failed?.step).toBe('logout');
    expect(r.failed?.reason).toMatch(/expected HTTP 401, got 200/);
  });

  it('the CLI (make smoke) exits 0 on success and 1 with a line naming the failed step', async () => {
    const ok = await runCli([api.url]);
    expect(ok.out).toContain(`smoke: PASS ${api.url}`);
    expect(ok.code).toBe(0);
    const closed = await freePort();
    const down = await runCli([`http://127.0.0.1:${closed}`]);
    expect(down.code).toBe(1);
    expect(down.out).toMatch(
      /smoke: FAIL http:\/\/127\.0\.0\.1:\d+ at step "ready": request failed: connect ECONNREFUSED/,
    );
  });
});

describe('smoke CLI usage', () => {
  it('exits 2 without a URL, or with one that is not http(s)', async () => {
    expect((await runCli([])).code).toBe(2);
    const ftp = await runCli(['ftp://example.com']);
    expect(ftp.code).toBe(2);
    expect(ftp.out).toContain('URL must be http(s)');
  });
});
