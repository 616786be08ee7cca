import { describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { type TestApp, useTestApp } from '../support/test-app';

const ctx = useTestApp();

const requestLines = (app: TestApp) => app.logs.filter((l) => l.msg === 'request completed');

describe(`request logs (${MODE})`, () => {
  it('writes one JSON line per request with request id, route, status, duration and user id', async () => {
    const u = await ctx.api.register();
    const before = requestLines(ctx.t).length;
    const res = await ctx.api.send('GET', '/api/tasks', {
      token: u.token,
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123');
    const lines = requestLines(ctx.t).slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      reqId: 'trace-abc.123',
      method: 'GET',
      route: '/api/tasks',
      statusCode: 200,
      userId: u.userId,
      service: 'taskboard-api',
    });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('generates a request id when none (or a hostile one) is given, and returns it', async () => {
    const a = await ctx.api.send('GET', '/health');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await ctx.api.send('GET', '/health', {
      headers: { 'x-request-id': 'evil<script>'.padEnd(300, 'x') },
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const last = requestLines(ctx.t).at(-1)!;
    expect(last.reqId).toBe(hostile.headers.get('x-request-id'));
    expect(last.userId).toBeUndefined();
  });
});
