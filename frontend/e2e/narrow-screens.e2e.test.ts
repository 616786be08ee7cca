import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_PATHS } from '@taskboard/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer, ARTIFACTS } from './support/api-server';
import { launchChromium } from './support/browser';

/** Phone widths from the Lighthouse audit's range: the smallest common one and an iPhone's. */
const WIDTHS = [320, 375];
const password = 'correct horse battery';
// Long enough to overflow any phone header unless the layout gives way (64 + 30 characters).
const email = `a-rather-long-mailbox-name-for-layout-checks-${Date.now()}@subdomain.example-company.org`;

let api: ApiServer;
let browser: Browser;

/** A user with a few tasks, one of them a long unbroken title (a URL pasted as a title). */
async function seed(): Promise<void> {
  const res = await fetch(api.url + API_PATHS.register, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(201);
  const { accessToken } = (await res.json()) as { accessToken: string };
  const titles = [
    'Write the runbook',
    'https://example.com/a/very/long/unbroken/path/pasted/as/a/title',
    'Review',
  ];
  for (const [i, title] of titles.entries()) {
    const created = await fetch(api.url + API_PATHS.tasks, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        title,
        priority: 'URGENT',
        dueDate: i === 0 ? '2020-01-15T00:00:00.000Z' : null,
      }),
    });
    expect(created.status).toBe(201);
  }
}

/** How far the document reaches beyond the viewport, and where "Log out" sits (if shown). */
function measure(page: Page) {
  return page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Log out');
    const r = button?.getBoundingClientRect();
    return {
      innerWidth: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      logout: r ? { left: r.left, right: r.right, clipped: button!.scrollWidth > button!.clientWidth } : null,
    };
  });
}

beforeAll(async () => {
  api = new ApiServer();
  await api.start();
  await seed();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.dispose();
});

describe.each(WIDTHS)('at %i px wide (a phone)', (width) => {
  it('login, register and the board are never wider than the viewport; "Log out" is fully visible', async () => {
    const context = await browser.newContext({
      viewport: { width, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      for (const path of ['/login', '/register']) {
        await page.goto(api.url + path);
        await page.getByLabel('Email').waitFor();
        const m = await measure(page);
        expect(m.scrollWidth, `${path} at ${width}px`).toBeLessThanOrEqual(m.innerWidth);
      }

      await page.goto(`${api.url}/login`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('board').waitFor();
      const m = await measure(page);
      expect(m.innerWidth).toBe(width);
      expect(m.scrollWidth, `board at ${width}px`).toBeLessThanOrEqual(m.innerWidth);
      expect(m.logout, 'Log out button').not.toBeNull();
      expect(m.logout!.left).toBeGreaterThanOrEqual(0);
      expect(m.logout!.right).toBeLessThanOrEqual(m.innerWidth);
      expect(m.logout!.clipped).toBe(false);
      // The whole address stays available even when the header shortens it.
      expect(await page.getByTestId('user-email').getAttribute('title')).toBe(email);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `board-${width}px.png`), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
