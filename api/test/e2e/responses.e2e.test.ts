import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { rawGet, rawRequest } from '../support/raw-http';
import { client, refreshCookie, startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let api: ReturnType<typeof client>;
let token: string;
let taskId: string;
beforeAll(async () => {
  t = await startTestApp();
  api = client(t.url);
  token = (await api.register()).token;
  taskId = (await api.send<{ id: string }>('POST', '/api/tasks', { token, body: { title: 'fixture' } })).body
    .id;
});
afterAll(() => t.close());

const auth = () => ({ authorization: `Bearer ${token}` });

interface Answer {
  status: number;
  header: (name: string) => string | null | undefined;
  body: unknown;
}
const fromFetch = (r: { status: number; headers: Headers; body: unknown }): Answer => ({
  status: r.status,
  header: (n) => r.headers.get(n),
  body: r.body,
});
const fromRaw = (r: { status: number; headers: Record<string, string>; body: unknown }): Answer => ({
  status: r.status,
  header: (n) => r.headers[n],
  body: r.body,
});

/** The documented error shape, with the request id the response header also carries. */
function expectErrorShape(res: Answer, status?: number, context = '') {
  if (status !== undefined) expect(res.status, context).toBe(status);
  expect(res.status, context).toBeGreaterThanOrEqual(400);
  expect(res.header('content-type'), context).toMatch(/^application\/json/);
  expect(res.header('x-content-type-options'), context).toBe('nosniff');
  const body = res.body as Record<string, unknown>;
  expect(typeof body, `${context} ${JSON.stringify(body)}`).toBe('object');
  expect(
    Object.keys(body).every((k) => ['statusCode', 'error', 'message', 'fields', 'requestId'].includes(k)),
  ).toBe(true);
  expect(body.statusCode, context).toBe(res.status);
  expect(typeof body.error, context).toBe('string');
  expect(typeof body.message, context).toBe('string');
  expect(typeof body.requestId, context).toBe('string');
  expect((body.requestId as string).length, context).toBeGreaterThan(0);
  expect(res.header('x-request-id'), context).toBe(body.requestId);
  if (res.status === 400)
    expect(Object.keys((body.fields as object) ?? {}).length, context).toBeGreaterThan(0);
}

describe(`every error is the documented shape, the framework's own too (${MODE})`, () => {
  it('bad URL encoding, overlong and malformed ids are 400 (never 404 or 414)', async () => {
    for (const target of [
      '/api/tasks/%zz',
      '/api/tasks/%',
      '/api/tasks/%E0%A4%A',
      '/api/tasks/%C0%AF',
      `/api/tasks/${'a'.repeat(101)}`,
      `/api/tasks/${'a'.repeat(1000)}`,
      `/api/tasks/${'f'.repeat(8000)}`,
      `/api/tasks/${taskId}x`,
      `/api/tasks/${taskId}%00`,
    ]) {
      expectErrorShape(fromRaw(await rawGet(t.url, target, auth())), 400, target.slice(0, 60));
    }
    // The same on PATCH and DELETE, and with a body.
    const id = 'b'.repeat(300);
    expectErrorShape(fromFetch(await api.send('DELETE', `/api/tasks/${id}`, { token })), 400);
    expectErrorShape(
      fromFetch(await api.send('PATCH', `/api/tasks/${id}`, { token, body: { title: 'x' } })),
      400,
    );
  });

  it('a URL beyond what the HTTP parser accepts is 431 in the same shape', async () => {
    expectErrorShape(fromRaw(await rawGet(t.url, `/api/tasks/${'a'.repeat(20_000)}`, auth())), 431);
  });

  it('unknown routes and unrouted methods are 404; malformed HTTP is 400; all with a request id', async () => {
    expectErrorShape(fromFetch(await api.send('GET', '/nope', { token })), 404);
    expectErrorShape(fromFetch(await api.send('PUT', '/api/tasks', { token })), 404);
    expectErrorShape(fromFetch(await api.send('PROPFIND', '/api/tasks', { token })), 404);
    expectErrorShape(fromRaw(await rawGet(t.url, '/%zz/%')), 400);
    for (const raw of [
      'BREW /api/tasks HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'GET /api/tasks HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'GET /api/tasks HTTP/9.9\r\nHost: x\r\n\r\n',
      'garbage\r\n\r\n',
      'POST /api/tasks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc',
    ]) {
      expectErrorShape(fromRaw(await rawRequest(t.url, raw)), 400, JSON.stringify(raw));
    }
  });

  it('property: any path answers < 500 in the documented shape; any non-uuid task id is 400', async () => {
    // Characters that stress decoding and routing: percent signs with and without hex, encoded
    // separators, dots, unicode, controls (percent-encoded, as a client must send them).
    const unit = fc.oneof(
      fc.constantFrom('%', '%2', '%zz', '%2F', '%2f', '%00', '%C0%AF', '%E2%82', '%FF', '..', '.', ';', '~'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }).map(encodeURIComponent),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
      fc.stringMatching(/^[0-9a-f-]{1,40}$/),
    );
    const segment = fc
      .array(unit, { minLength: 1, maxLength: 30 })
      .map((parts) => parts.join(''))
      .filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s));
    const longSegment = fc.integer({ min: 90, max: 12_000 }).map((n) => 'x'.repeat(n));
    const idSegment = fc.oneof(segment, longSegment);
    const anyPath = fc.array(fc.oneof(segment, fc.constantFrom('api', 'tasks', 'auth', 'docs', 'health')), {
      minLength: 1,
      maxLength: 5,
    });

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            kind: fc.constant('id' as const),
            seg: idSegment,
            method: fc.constantFrom('GET', 'DELETE'),
          }),
          fc.record({
            kind: fc.constant('any' as const),
            parts: anyPath,
            method: fc.constantFrom('GET', 'POST'),
          }),
        ),
        async (c) => {
          const target = c.kind === 'id' ? `/api/tasks/${c.seg}` : `/${c.parts.join('/')}`;
          const res = fromRaw(
            await rawRequest(
              t.url,
              `${c.method} ${target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
            ),
          );
          const ctx = `${c.method} ${target.slice(0, 120)}`;
          expect(res.status, ctx).toBeLessThan(500);
          expect(res.header('x-content-type-options'), ctx).toBe('nosniff');
          if (c.kind === 'id') expectErrorShape(res, 400, ctx);
          else if (res.status >= 400) expectErrorShape(res, undefined, ctx);
        },
      ),
      { numRuns: 300, seed: 20261202 },
    );
  });
});

describe(`response headers (${MODE})`, () => {
  it('every API response says nosniff; every /api response, auth ones included, says no-store', async () => {
    const u = await api.register();
    const login = await api.send('POST', '/api/auth/login', {
      body: { email: u.email, password: u.password },
    });
    const cookie = refreshCookie(login.headers)!;
    const created = await api.send<{ id: string }>('POST', '/api/tasks', {
      token: u.token,
      body: { title: 'h' },
    });
    const all: [string, Awaited<ReturnType<typeof api.send>>][] = [
      [
        'register',
        await api.send('POST', '/api/auth/register', {
          body: { email: `h-${Date.now()}@example.com`, password: 'password 123' },
        }),
      ],
      ['login', login],
      [
        'login 401',
        await api.send('POST', '/api/auth/login', { body: { email: u.email, password: 'wrong one!' } }),
      ],
      ['refresh', await api.send('POST', '/api/auth/refresh', { headers: { cookie } })],
      ['refresh 401', await api.send('POST', '/api/auth/refresh')],
      ['me', await api.send('GET', '/api/auth/me', { token: u.token })],
      ['me 401', await api.send('GET', '/api/auth/me')],
      ['list', await api.send('GET', '/api/tasks', { token: u.token })],
      ['create', created],
      ['get', await api.send('GET', `/api/tasks/${created.body.id}`, { token: u.token })],
      [
        'patch',
        await api.send('PATCH', `/api/tasks/${created.body.id}`, { token: u.token, body: { title: 'i' } }),
      ],
      ['get 404', await api.send('GET', `/api/tasks/${crypto.randomUUID()}`, { token: u.token })],
      ['get 400', await api.send('GET', '/api/tasks/nope', { token: u.token })],
      ['delete', await api.send('DELETE', `/api/tasks/${created.body.id}`, { token: u.token })],
      ['api 404', await api.send('GET', '/api/nothing', { token: u.token })],
      ['logout', await api.send('POST', '/api/auth/logout', { token: u.token })],
    ];
    for (const [name, res] of all) {
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('cache-control'), name).toMatch(/\bno-store\b/);
    }
    for (const path of ['/health', '/health/ready', '/metrics', '/docs', '/docs/json', '/nope']) {
      const res = await fetch(t.url + path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});
