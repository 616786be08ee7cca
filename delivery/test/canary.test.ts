import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { API_PATHS, type AuthResponse } from '@taskboard/contracts';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BROWSER_STEPS, type CanaryCredentials, runBrowserJourney } from '../src/canary/journey';
import { type ApiProcess, startApi } from '../src/drill/api-process';
import { createDrillDatabase } from '../src/drill/database';
import { isListening } from '../src/drill/ports';
import { describeResult } from '../src/smoke/journey';
import { ADMIN_DATABASE_URL } from './support/services';

/**
 * The canary's browser journey, proven locally before it ships: the real compiled API (own
 * PostgreSQL database, in-process cache) serving the real SPA build, and Debian's Chromium driven
 * by playwright-core, as the frontend's end-to-end tests launch it.
 */
const REPO = resolve(__dirname, '..', '..');
const SPA_DIST = join(REPO, 'frontend', 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The ports this suite may use (given to it so it never collides with the other suites). */
const PORTS = { from: 24600, to: 24620 };

const missing = [
  inject('postgresMissing') && `PostgreSQL (${inject('postgresMissing')})`,
  !existsSync(CHROMIUM) &&
    `Chromium at ${CHROMIUM} (make tools installs Debian's chromium; or set CHROMIUM_PATH)`,
  !existsSync(join(SPA_DIST, 'index.html')) && `the SPA build in ${SPA_DIST} (make build-frontend)`,
].filter(Boolean);
if (missing.length > 0)
  console.info(
    `[skip] canary journey: missing ${missing.join('; ')}; run make test-delivery where they exist`,
  );

async function portInRange(): Promise<number> {
  for (let port = PORTS.from; port <= PORTS.to; port++) {
    if (await isListening(port, 300)) continue;
    const free = await new Promise<boolean>((done) => {
      const s = createServer();
      s.once('error', () => done(false));
      s.listen(port, '127.0.0.1', () => s.close(() => done(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${PORTS.from}-${PORTS.to}`);
}

async function post<T>(url: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

let api: ApiProcess | undefined;
let dropDb: (() => Promise<void>) | undefined;
let browser: Browser | undefined;
const canary: CanaryCredentials = {
  email: `canary-${Date.now()}@example.com`,
  password: 'canary-local-password-1',
};
const TASK_TITLE = 'canary: the board lists this task';

beforeAll(async () => {
  if (missing.length > 0) return;
  const db = await createDrillDatabase(ADMIN_DATABASE_URL);
  dropDb = db.drop;
  // No REDIS_URL: the in-process cache, so nothing is shared with the drills on Redis DB 11.
  api = await startApi('canary', await portInRange(), {
    DATABASE_URL: db.url,
    SPA_DIR: SPA_DIST,
    AUTH_RATE_LIMIT: '1000',
  });
  // The one-time AWS step (docs/delivery.md), done here through the same public API.
  const reg = await post<AuthResponse>(`${api.url}${API_PATHS.register}`, canary);
  expect(reg.status).toBe(201);
  const task = await post(`${api.url}${API_PATHS.tasks}`, { title: TASK_TITLE }, reg.body.accessToken);
  expect(task.status).toBe(201);
  const { launchChromium } = await import('../../frontend/e2e/support/browser.js');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await dropDb?.();
});

async function journey(credentials: CanaryCredentials) {
  const context: BrowserContext = await browser!.newContext();
  try {
    const page = await context.newPage();
    const steps: string[] = [];
    const result = await runBrowserJourney(page, api!.url, credentials, {
      timeoutMs: 20_000,
      onStep: (s) => steps.push(s.step),
    });
    return { result, steps, url: page.url() };
  } finally {
    await context.close();
  }
}

describe.skipIf(missing.length > 0)('canary browser journey in Chromium against the local app', () => {
  it('loads the SPA, logs in as the canary user and sees the task list', async () => {
    const { result, steps, url } = await journey(canary);
    expect(result.failed, describeResult(result, 'canary')).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(steps).toEqual([...BROWSER_STEPS]);
    expect(new URL(url).pathname).toBe('/');
  });

  it('fails at the login step, saying why, when the password is wrong', async () => {
    const { result, steps } = await journey({ ...canary, password: 'not-the-canary-password' });
    expect(result.ok).toBe(false);
    expect(steps).toEqual(['spa-shell', 'login']);
    expect(result.failed?.step).toBe('login');
    expect(result.failed?.reason).toBe(
      `POST ${API_PATHS.login} answered HTTP 401; the page says "Invalid email or password."`,
    );
    expect(describeResult(result, 'canary')).toMatch(
      /^canary: FAIL http:\/\/127\.0\.0\.1:246\d\d at step "login"/,
    );
  });

  it('fails at "spa-shell" when the page cannot render (nothing listening)', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      const closed = await portInRange();
      const result = await runBrowserJourney(page, `http://127.0.0.1:${closed}`, canary, { timeoutMs: 5000 });
      expect(result.failed?.step).toBe('spa-shell');
      expect(result.failed?.reason).toMatch(/ERR_CONNECTION_REFUSED/);
    } finally {
      await context.close();
    }
  });
});
