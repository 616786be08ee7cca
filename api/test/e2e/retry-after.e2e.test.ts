import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { client, useTestApp } from '../support/test-app';

// Its own file (and app): two embedded apps in one file made the first one's close hang.
const ctx = useTestApp({ env: { AUTH_RATE_LIMIT: '2', AUTH_RATE_WINDOW_SECONDS: '30', TRUST_PROXY: '1' } });

describe(`429 carries Retry-After (${MODE})`, () => {
  it('in seconds until the window resets', async () => {
    const c = client(ctx.t.url);
    const body = { email: 'nobody@example.com', password: 'whatever1' };
    // A client address of its own: limiter counters in Redis are shared with other test files.
    const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const headers = { 'x-forwarded-for': ip };
    let res = await c.send('POST', '/api/auth/login', { body, headers });
    for (let i = 0; i < 3 && res.status !== 429; i++) {
      res = await c.send('POST', '/api/auth/login', { body, headers });
    }
    expect(res.status).toBe(429);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((res.body as { requestId?: string }).requestId).toBe(res.headers.get('x-request-id'));
    const retryAfter = res.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(30);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
  });
});
