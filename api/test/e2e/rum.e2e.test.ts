import { METRICS, RUM_LIMITS, RUM_METRICS, RUM_PATH } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { client, startTestApp, useTestApp } from '../support/test-app';

const RATE_LIMIT = 5;
const ctx = useTestApp({ env: { RUM_RATE_LIMIT: '100000' } });

async function scrape(): Promise<string> {
  const res = await fetch(`${ctx.t.url}/metrics`);
  return res.text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : undefined;
}

describe(`POST ${RUM_PATH} (${MODE})`, () => {
  it('records timing vitals in seconds and CLS as-is, labelled by vital and page, and counts errors', async () => {
    const res = await ctx.api.send('POST', RUM_PATH, {
      body: {
        route: 'board',
        vitals: [
          { name: 'LCP', value: 1500 },
          { name: 'FCP', value: 250 },
          { name: 'TTFB', value: 40 },
          { name: 'INP', value: 120 },
          { name: 'CLS', value: 0.07 },
        ],
        errors: [{ kind: 'unhandledrejection', message: 'TypeError: boom' }],
      },
    });
    expect(res.status).toBe(204);
    const text = await scrape();
    const s = RUM_METRICS.webVitalsSeconds.name;
    expect(sample(text, `${s}_sum{metric="LCP",route="board"}`)).toBeCloseTo(1.5);
    expect(sample(text, `${s}_bucket{le="2.5",metric="LCP",route="board"}`)).toBe(1);
    expect(sample(text, `${s}_bucket{le="1",metric="LCP",route="board"}`)).toBe(0);
    expect(sample(text, `${s}_count{metric="FCP",route="board"}`)).toBe(1);
    expect(sample(text, `${s}_count{metric="TTFB",route="board"}`)).toBe(1);
    expect(sample(text, `${s}_count{metric="INP",route="board"}`)).toBe(1);
    expect(sample(text, `${RUM_METRICS.webVitalsCls.name}_sum{route="board"}`)).toBeCloseTo(0.07);
    expect(sample(text, `${RUM_METRICS.frontendErrors.name}{route="board",kind="unhandledrejection"}`)).toBe(
      1,
    );
    // Every bucket from the contract is exposed (dashboards compute "good" shares from them).
    for (const le of RUM_METRICS.webVitalsSeconds.buckets) {
      expect(text).toContain(`${s}_bucket{le="${le}",metric="LCP",route="board"}`);
    }
    // The message is logged for whoever chases the error, never a label.
    expect(
      ctx.t.logs.some((l) => l.msg === 'frontend error reported' && l.message === 'TypeError: boom'),
    ).toBe(true);
    expect(text).not.toContain('boom');
  });

  it('accepts only the SPA page names as the route label (never a raw URL)', async () => {
    const res = await ctx.api.send<{ fields: Record<string, string[]> }>('POST', RUM_PATH, {
      body: { route: '/tasks/6f1c?token=abc', vitals: [{ name: 'LCP', value: 1 }] },
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields)).toEqual(['route']);
    expect(await scrape()).not.toContain('token=abc');
  });

  it.each([
    ['an unknown vital', { route: 'login', vitals: [{ name: 'FID', value: 1 }] }, 'vitals.0.name'],
    ['a negative value', { route: 'login', vitals: [{ name: 'LCP', value: -1 }] }, 'vitals.0.value'],
    [
      'a huge value',
      { route: 'login', vitals: [{ name: 'LCP', value: RUM_LIMITS.maxTimingMs + 1 }] },
      'vitals.0.value',
    ],
    ['a string value', { route: 'login', vitals: [{ name: 'LCP', value: '12' }] }, 'vitals.0.value'],
    ['an unknown field', { route: 'login', extra: 1 }, 'extra'],
    [
      'an unknown nested field',
      { route: 'login', vitals: [{ name: 'LCP', value: 1, url: '/x' }] },
      'vitals.0.url',
    ],
    ['an unknown error kind', { route: 'login', errors: [{ kind: 'fatal' }] }, 'errors.0.kind'],
    [
      'a long error message',
      { route: 'login', errors: [{ kind: 'error', message: 'x'.repeat(RUM_LIMITS.maxErrorMessage + 1) }] },
      'errors.0.message',
    ],
    [
      'too many vitals',
      {
        route: 'login',
        vitals: Array.from({ length: RUM_LIMITS.maxVitalsPerReport + 1 }, () => ({ name: 'INP', value: 1 })),
      },
      'vitals',
    ],
  ])('rejects %s with 400 naming the field', async (_name, body, field) => {
    const res = await ctx.api.send<{ fields: Record<string, string[]> }>('POST', RUM_PATH, { body });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields)).toContain(field);
  });

  it(`refuses a body over ${RUM_LIMITS.maxBodyBytes} bytes with 413 before parsing it`, async () => {
    const padding = ' '.repeat(RUM_LIMITS.maxBodyBytes);
    const res = await ctx.api.send('POST', RUM_PATH, {
      raw: `{"route":"login"${padding}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
  });

  it('is anonymous, but rate-limited per client with Retry-After, counted on its own route', async () => {
    // Its own app with a low limit, behind one trusted proxy, so each run is a fresh client even
    // when the counters live in a shared Redis.
    const own = await startTestApp({
      env: { RUM_RATE_LIMIT: String(RATE_LIMIT), RUM_RATE_WINDOW_SECONDS: '60', TRUST_PROXY: '1' },
    });
    try {
      const c = client(own.url);
      const octet = () => Math.floor(Math.random() * 250) + 1;
      const clientIp = `10.${octet()}.${octet()}.${octet()}`;
      const report = (ip: string) =>
        c.send<{ statusCode: number }>('POST', RUM_PATH, {
          body: { route: 'login' },
          headers: { 'x-forwarded-for': ip },
        });
      const statuses: number[] = [];
      for (let i = 0; i < RATE_LIMIT + 2; i++) statuses.push((await report(clientIp)).status);
      expect(statuses).toEqual([...Array(RATE_LIMIT).fill(204), 429, 429]);
      // Another client is not affected.
      expect((await report(`10.${octet()}.${octet()}.0`)).status).toBe(204);
      const limited = await report(clientIp);
      expect(limited.body.statusCode).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const text = await (await fetch(`${own.url}/metrics`)).text();
      expect(sample(text, `${METRICS.rateLimited.name}{route="${RUM_PATH}"}`)).toBe(3);
      // Refused reports are not refused logins.
      expect(text).not.toContain(`${METRICS.authAttempts.name}{action="login",result="rate_limited"}`);
    } finally {
      await own.close();
    }
  });
});
