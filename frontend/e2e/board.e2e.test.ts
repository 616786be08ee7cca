import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, RUM_METRICS } from '@taskboard/contracts';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer, ARTIFACTS } from './support/api-server';
import { axe, launchChromium, serious } from './support/browser';

let api: ApiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Console errors and uncaught exceptions; the outage phase allows only failed connections. */
const consoleErrors: string[] = [];
let outage = false;
const OUTAGE_NOISE = /ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|Failed to fetch/;
/** While a test provokes 401s on purpose, Chromium's "Failed to load resource: 401" is expected. */
let expecting401 = false;
const UNAUTHORIZED_NOISE = /status of 401/;
/** Marks the errors the RUM test throws on purpose. */
const PROBE = 'rum-e2e-probe';

function watch(p: Page) {
  p.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (outage && OUTAGE_NOISE.test(m.text())) return;
    if (expecting401 && UNAUTHORIZED_NOISE.test(m.text())) return;
    if (m.text().includes(PROBE)) return;
    consoleErrors.push(`${m.text()} @ ${m.location().url}`);
  });
  p.on('pageerror', (err) => {
    if (!err.message.includes(PROBE)) consoleErrors.push(`pageerror: ${err.message}`);
  });
}

const password = 'correct horse battery';
const userA = `alice-${Date.now()}@example.com`;
const userB = `bob-${Date.now()}@example.com`;

const column = (status: string) => page.getByTestId(`column-${status}`);
const card = (title: string) =>
  page.locator('[data-test="task-card"]', { has: page.getByRole('heading', { name: title, exact: true }) });
const count = (status: string) => column(status).getByTestId('count');

async function register(p: Page, email: string) {
  await p.goto(`${api.url}/register`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Create account' }).click();
}

async function createTask(title: string, options: { priority?: string; due?: string } = {}) {
  await page.getByTestId('new-task').click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill(title);
  if (options.priority) await dialog.getByLabel('Priority').selectOption(options.priority);
  if (options.due) await dialog.getByLabel('Due date').fill(options.due);
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect.poll(() => dialog.count()).toBe(0);
  await card(title).waitFor();
}

beforeAll(async () => {
  api = new ApiServer();
  await api.start();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  watch(page);
});

afterAll(async () => {
  await browser?.close();
  await api?.dispose();
});

describe('task board in Chromium against the real API', () => {
  it('sends a visitor to login, which has no serious accessibility violations', async () => {
    await page.goto(api.url);
    await page.waitForURL(/\/login$/);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'login.png') });
    const all = await axe(page);
    console.log(
      `axe ${new URL(page.url()).pathname}: ${all.length} violation(s) ${all.map((v) => `${v.id}/${v.impact}`).join(' ')}`,
    );
    const violations = serious(all);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  });

  it('registers and shows the empty board', async () => {
    await register(page, userA);
    await page.getByTestId('empty').waitFor();
    expect(await page.getByTestId('user-email').textContent()).toBe(userA);
  });

  it('validates a new task inline before calling the API', async () => {
    await page.getByTestId('new-task').click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.getByText('Title must be 1-200 characters').waitFor();
    expect(await dialog.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('creates three tasks, with priority badges and an overdue highlight', async () => {
    await createTask('Write the runbook', { priority: 'HIGH' });
    await createTask('Fix the flaky alert', { priority: 'URGENT', due: '2020-01-15' });
    await createTask('Review the chart', { priority: 'LOW' });
    expect(await count('TODO').textContent()).toBe('3');
    expect(await card('Fix the flaky alert').getAttribute('class')).toContain('overdue');
    expect(await card('Fix the flaky alert').getByTestId('priority').textContent()).toContain('Urgent');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'board-three-tasks.png'), fullPage: true });
  });

  it('moves a task by drag and drop, then to DONE with the keyboard-accessible button', async () => {
    await card('Review the chart').dragTo(column('IN_PROGRESS'));
    await column('IN_PROGRESS').locator(card('Review the chart')).waitFor();
    await page.getByRole('button', { name: 'Move Review the chart to Done' }).click();
    await column('DONE').locator(card('Review the chart')).waitFor();
    expect(await count('TODO').textContent()).toBe('2');
    expect(await count('IN_PROGRESS').textContent()).toBe('0');
    expect(await count('DONE').textContent()).toBe('1');
  });

  it('edits a task', async () => {
    await page.getByRole('button', { name: 'Edit Write the runbook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    await dialog.getByLabel('Title').fill('Write the on-call runbook');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await card('Write the on-call runbook').waitFor();
    expect(await card('Write the runbook').count()).toBe(0);
  });

  it('deletes a task after confirmation', async () => {
    await page.getByRole('button', { name: 'Delete Fix the flaky alert' }).click();
    await page.getByRole('button', { name: 'Confirm delete Fix the flaky alert' }).click();
    await expect.poll(() => card('Fix the flaky alert').count()).toBe(0);
    expect(await count('TODO').textContent()).toBe('1');
  });

  it('filters by priority and searches by title', async () => {
    await page.getByLabel('Priority', { exact: true }).selectOption('LOW');
    expect(await page.getByTestId('task-card').count()).toBe(1);
    await page.getByLabel('Priority', { exact: true }).selectOption('');
    await page.getByLabel('Search').fill('on-call');
    expect(await page.getByTestId('task-card').count()).toBe(1);
    await page.getByLabel('Search').fill('nothing like this');
    await page.getByTestId('no-match').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(await page.getByTestId('task-card').count()).toBe(2);
  });

  it('has no serious accessibility violations on the board, and saves a screenshot', async () => {
    const all = await axe(page);
    console.log(
      `axe ${new URL(page.url()).pathname}: ${all.length} violation(s) ${all.map((v) => `${v.id}/${v.impact}`).join(' ')}`,
    );
    const violations = serious(all);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'board.png'), fullPage: true });
  });

  it('keeps the session and the board across a reload', async () => {
    await page.reload();
    await page.getByTestId('board').waitFor();
    expect(page.url()).toBe(`${api.url}/`);
    await column('DONE').locator(card('Review the chart')).waitFor();
    await column('TODO').locator(card('Write the on-call runbook')).waitFor();
    expect(await page.getByTestId('task-card').count()).toBe(2);

    // Nothing waits in line: the session refresh is sent while the board's code is still
    // downloading (both start from main.ts before the app mounts), not after it.
    const timing = await page.evaluate(() => {
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const refresh = entries.find((e) => e.name.endsWith('/api/auth/refresh'));
      const board = entries.find((e) => /\/assets\/BoardView-[^/]+\.js$/.test(e.name));
      return { refreshStart: refresh?.startTime, boardStart: board?.startTime, boardEnd: board?.responseEnd };
    });
    expect(timing.boardStart, 'board chunk requested').toBeDefined();
    expect(timing.refreshStart, 'refresh requested').toBeDefined();
    expect(timing.refreshStart!).toBeLessThan(timing.boardEnd!);
  });

  it("does not show one user's tasks to another", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    watch(p);
    await register(p, userB);
    await p.getByTestId('empty').waitFor();
    expect(await p.getByTestId('task-card').count()).toBe(0);
    await other.close();
  });

  it('shows the failure banner while the API is down and recovers after a restart', async () => {
    outage = true;
    await api.stop();
    await page.getByRole('button', { name: 'Move Write the on-call runbook to In progress' }).click();
    await page.getByTestId('network-banner').waitFor();
    // The optimistic move is rolled back and the user is told so.
    await page.getByTestId('notice').waitFor();
    await column('TODO').locator(card('Write the on-call runbook')).waitFor();

    await api.start();
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.getByTestId('network-banner').count()).toBe(0);
    outage = false;
    await page.getByRole('button', { name: 'Move Write the on-call runbook to In progress' }).click();
    await column('IN_PROGRESS').locator(card('Write the on-call runbook')).waitFor();
    await page.reload();
    await column('IN_PROGRESS').locator(card('Write the on-call runbook')).waitFor();
  });

  it('renews a refused access token once through the refresh cookie, transparently', async () => {
    expecting401 = true;
    const bearers: string[] = [];
    let refreshes = 0;
    const onRequest = (req: Request) => {
      if (req.url().endsWith('/api/auth/refresh')) refreshes++;
    };
    page.on('request', onRequest);
    // The API answers the board's first task list as it would for an expired token.
    await page.route('**/api/tasks?*', async (route) => {
      bearers.push(route.request().headers().authorization ?? '');
      if (bearers.length === 1) {
        await route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: '{"statusCode":401,"error":"Unauthorized","message":"Unauthorized"}',
        });
      } else {
        await route.continue();
      }
    });
    await page.reload();
    await page.getByTestId('board').waitFor();
    await page.unroute('**/api/tasks?*');
    page.off('request', onRequest);
    expecting401 = false;
    // One refresh restores the session on reload, one renews the refused token; the list is
    // retried once, with the new token, and the user stays on the board.
    expect(refreshes).toBe(2);
    expect(bearers).toHaveLength(2);
    expect(bearers[1]).not.toBe(bearers[0]);
    expect(page.url()).toBe(`${api.url}/`);
    expect(await page.getByTestId('task-card').count()).toBe(2);
  });

  it('sends the user to login when the session ends elsewhere (logout in another tab)', async () => {
    expecting401 = true;
    const other = await context.newPage();
    watch(other);
    await other.goto(api.url);
    await other.getByRole('button', { name: 'Log out' }).click();
    await other.waitForURL(/\/login$/);
    await other.close();
    // This tab still holds an access token in memory; the API has revoked its session.
    await page.getByRole('button', { name: 'Move Write the on-call runbook to To do' }).click();
    await page.waitForURL(/\/login\?redirect=|\/login$/);
    await page.getByText('Your session has expired. Please log in again.').waitFor();
    await page.getByLabel('Email').fill(userA);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('board').waitFor();
    expecting401 = false;
  });

  it('reports uncaught errors and unhandled rejections to the API, labelled by page', async () => {
    const series = (kind: string) => `${RUM_METRICS.frontendErrors.name}{route="board",kind="${kind}"}`;
    await page.evaluate((probe) => {
      setTimeout(() => {
        throw new Error(probe);
      });
      void Promise.reject(new Error(probe));
    }, PROBE);
    await expect
      .poll(
        async () => {
          const text = await (await fetch(`${api.url}/metrics`)).text();
          return [series('error'), series('unhandledrejection')].map((s) => text.includes(`${s} 1`));
        },
        { timeout: 10_000, interval: 500 },
      )
      .toEqual([true, true]);
    expect(api.logs.some((l) => l.includes('frontend error reported') && l.includes(PROBE))).toBe(true);
  });

  it('logs out, and the board is no longer reachable', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(api.url);
    await page.waitForURL(/\/login$/);
  });

  it('reported web vitals from the browser to the API', async () => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    const fcp = text
      .split('\n')
      .find((l) => l.startsWith(`${RUM_METRICS.webVitalsSeconds.name}_count{metric="FCP"`));
    expect(fcp, 'an FCP observation').toBeDefined();
    expect(text).toContain(METRICS.httpRequestDuration.name);
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
