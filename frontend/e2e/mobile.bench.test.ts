import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiServer } from './support/api-server';
import { launchChromium } from './support/browser';

/**
 * Lighthouse-style mobile budgets measured locally: Debian Chromium driven over the DevTools
 * protocol with Lighthouse's "DevTools throttling" for mobile (CPU 4x slower, slow 4G: 562.5 ms
 * round trip, 1.47 Mbit/s down, 675 kbit/s up), a cold cache on every load. Timings depend on
 * this machine, so they are ratios against a blank page loaded the same way in the same run;
 * bytes do not, so they are absolute (and also checked in `make test` by test/budget.test.ts).
 */
const THROTTLING = {
  cpuSlowdown: 4,
  latencyMs: 562.5,
  downloadBytesPerSecond: (1474.56 * 1024) / 8,
  uploadBytesPerSecond: (675 * 1024) / 8,
};
const BUDGET = {
  /** JavaScript bytes sent for the login route (brotli), as test/budget.test.ts. */
  loginJsBytes: 44 * 1024,
  /**
   * LCP of the login page / LCP of a blank page with one paragraph. An SPA paints after two
   * dependent fetches (HTML, then its JS and CSS in parallel) where the blank page needs one,
   * so 2 is the floor; measured 2.36-2.74 here (3.43 before the board was split off and the
   * JS compressed).
   */
  lcpRatio: 3,
  /**
   * Total blocking time / the blocking time of a reference task the blank page runs (a fixed
   * 60 ms of work unthrottled, so about Lighthouse's 200 ms "good" mobile TBT at 4x here).
   */
  tbtRatio: 1,
};
const RUNS = 5;
/** Work the blank page does once painted, to calibrate TBT on this machine. */
const REFERENCE_TASK_MS = 60;

let api: ApiServer;
let blank: Server;
let blankUrl: string;
let browser: Browser;

// The blank page: a paragraph (its LCP) and, once painted, one long task of fixed cost measured
// unthrottled on this machine by the test process itself (same V8 engine).
let referenceIterations = 0;
function calibrate(): number {
  const work = (n: number) => {
    const start = performance.now();
    let x = 0;
    for (let i = 0; i < n; i++) x = (x + Math.sqrt(i)) % 1e9;
    if (x < 0) throw new Error('unreachable');
    return performance.now() - start;
  };
  let n = 1_000_000;
  while (work(n) < 20) n *= 2;
  // The fastest of several runs: the machine's speed without the other processes' bursts.
  const ms = Math.min(...Array.from({ length: 7 }, () => work(n)));
  return Math.round((n * REFERENCE_TASK_MS) / ms);
}

const blankHtml = () => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>blank</title></head>
<body><p>blank page</p><script>
new PerformanceObserver((list, observer) => {
  if (!list.getEntriesByName('first-contentful-paint').length) return;
  observer.disconnect();
  setTimeout(() => {
    let x = 0; for (let i = 0; i < ${referenceIterations}; i++) x = (x + Math.sqrt(i)) % 1e9;
    document.body.dataset.done = String(x >= 0);
  }, 0);
}).observe({ type: 'paint', buffered: true });
</script></body></html>`;

beforeAll(async () => {
  referenceIterations = calibrate();
  api = new ApiServer();
  await api.start();
  blank = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(blankHtml());
  });
  await new Promise<void>((resolve) => blank.listen(0, '127.0.0.1', resolve));
  blankUrl = `http://127.0.0.1:${(blank.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.dispose();
  await new Promise((resolve) => blank?.close(resolve));
});

interface Load {
  lcpMs: number;
  tbtMs: number;
  jsBytes: number;
}

/** One cold, throttled load on a phone-sized viewport; waits until the main thread is quiet. */
async function load(url: string): Promise<Load> {
  const context = await browser.newContext({
    viewport: { width: 412, height: 823 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = await context.newPage();
    // Long tasks are not kept in the performance timeline: observe them from the first script.
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __lcp: number };
      w.__longTasks = [];
      w.__lcp = Number.NaN;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask' });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__lcp = e.startTime;
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: THROTTLING.latencyMs,
      downloadThroughput: THROTTLING.downloadBytesPerSecond,
      uploadThroughput: THROTTLING.uploadBytesPerSecond,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLING.cpuSlowdown });
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    // Quiet: no new long task for two seconds (a stand-in for Lighthouse's time to interactive).
    let seen = -1;
    for (let i = 0; i < 30; i++) {
      await page.waitForTimeout(2000);
      const n = await page.evaluate(
        () => (window as unknown as { __longTasks: unknown[] }).__longTasks.length,
      );
      if (n === seen) break;
      seen = n;
    }
    return await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
      const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __lcp: number };
      const lcp = w.__lcp;
      const tasks = w.__longTasks;
      const tbt = tasks
        .filter((t) => t.start >= fcp)
        .reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);
      const js = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => new URL(e.name).pathname.endsWith('.js'))
        .reduce((sum, e) => sum + e.encodedBodySize, 0);
      return { lcpMs: lcp, tbtMs: tbt, jsBytes: js };
    });
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

it('login route on a throttled phone: JS bytes, LCP and TBT within budget against a blank page', async () => {
  const app: Load[] = [];
  const ref: Load[] = [];
  await load(`${api.url}/login`); // warm-up: the API's first requests, Chromium's own start
  for (let run = 0; run < RUNS; run++) {
    // Interleaved, so a burst of load from other processes hits both series alike.
    ref.push(await load(blankUrl));
    app.push(await load(`${api.url}/login`));
  }
  const jsBytes = median(app.map((l) => l.jsBytes));
  const lcp = { app: median(app.map((l) => l.lcpMs)), blank: median(ref.map((l) => l.lcpMs)) };
  const tbt = { app: median(app.map((l) => l.tbtMs)), reference: median(ref.map((l) => l.tbtMs)) };
  const lcpRatio = lcp.app / lcp.blank;
  const tbtRatio = tbt.app / tbt.reference;
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

  console.log(
    `bench-frontend mobile (CPU ${THROTTLING.cpuSlowdown}x, slow 4G, cold cache, ${RUNS} interleaved loads, medians):`,
  );
  console.log(
    `  login JS sent:  ${(jsBytes / 1024).toFixed(1)} KB  budget ${BUDGET.loginJsBytes / 1024} KB  ${verdict(jsBytes <= BUDGET.loginJsBytes)}`,
  );
  console.log(
    `  LCP:  login ${lcp.app.toFixed(0)} ms (${range(app.map((l) => l.lcpMs))}), blank ${lcp.blank.toFixed(0)} ms (${range(ref.map((l) => l.lcpMs))}): ratio ${lcpRatio.toFixed(2)}  budget ${BUDGET.lcpRatio}  ${verdict(lcpRatio <= BUDGET.lcpRatio)}`,
  );
  console.log(
    `  TBT:  login ${tbt.app.toFixed(0)} ms (${range(app.map((l) => l.tbtMs))}), reference task ${tbt.reference.toFixed(0)} ms (${range(ref.map((l) => l.tbtMs))}): ratio ${tbtRatio.toFixed(2)}  budget ${BUDGET.tbtRatio}  ${verdict(tbtRatio <= BUDGET.tbtRatio)}`,
  );

  expect(tbt.reference, 'the reference task must register as blocking time').toBeGreaterThan(0);
  expect(jsBytes).toBeGreaterThan(0);
  expect(jsBytes).toBeLessThanOrEqual(BUDGET.loginJsBytes);
  expect(lcpRatio).toBeLessThanOrEqual(BUDGET.lcpRatio);
  expect(tbtRatio).toBeLessThanOrEqual(BUDGET.tbtRatio);
});
