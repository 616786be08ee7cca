import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODE } from '../support/env';
import { client, type Res, startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let api: ReturnType<typeof client>;
let token: string;
let taskId: string;
beforeAll(async () => {
  t = await startTestApp({ env: { BODY_LIMIT_BYTES: '65536' } });
  api = client(t.url);
  token = (await api.register()).token;
  taskId = (await api.send<{ id: string }>('POST', '/api/tasks', { token, body: { title: 'fixture' } })).body
    .id;
});
afterAll(() => t.close());

/** Every error answer is the contract's JSON shape; a 400 names at least one field. */
function expectApiError(res: Res, status?: number) {
  if (status) expect(res.status).toBe(status);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = res.body as { statusCode: number; message: string; fields?: Record<string, string[]> };
  expect(body.statusCode).toBe(res.status);
  expect(typeof body.message).toBe('string');
  if (res.status === 400) expect(Object.keys(body.fields ?? {}).length).toBeGreaterThan(0);
}

describe(`malformed input (${MODE})`, () => {
  it('malformed JSON is 400, oversized 413, wrong content type 415, bad uuid 400, unknown route 404', async () => {
    expectApiError(
      await api.send('POST', '/api/tasks', {
        token,
        raw: '{"title":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectApiError(
      await api.send('POST', '/api/tasks', {
        token,
        raw: JSON.stringify({ title: 'x'.repeat(70_000) }),
        headers: { 'content-type': 'application/json' },
      }),
      413,
    );
    expectApiError(
      await api.send('POST', '/api/tasks', {
        token,
        raw: 'title=x',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
    );
    expectApiError(
      await api.send('POST', '/api/tasks', {
        token,
        raw: 'title=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
    expectApiError(await api.send('GET', '/api/tasks/not-a-uuid', { token }), 400);
    expectApiError(await api.send('GET', '/api/nothing-here', { token }), 404);
    expectApiError(
      await api.send('POST', '/api/tasks', {
        token,
        raw: '[1,2]',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectApiError(
      await api.send('POST', '/api/tasks', {
        token,
        raw: '"str"',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectApiError(
      await api.send('POST', '/api/tasks', {
        token,
        raw: 'null',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectApiError(
      await api.send('POST', '/api/tasks', {
        token,
        raw: '{"__proto__":{"x":1},"title":"p"}',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    // Nothing was created or damaged by any of it.
    const list = await api.send<{ items: { title: string }[] }>('GET', '/api/tasks', { token });
    expect(list.body.items.map((x) => x.title)).toEqual(['fixture']);
  });

  it('hundreds of random bodies and parameters never produce a 5xx', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), json);
    const taskish = fc.record(
      { title: field, description: field, status: field, priority: field, dueDate: field, extra: field },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      taskish,
      json.map((v) => v as unknown),
    );
    const rawText = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constant('{'),
      fc.constant('{"a":}'),
      fc.constant('\u0000'),
    );
    const query = fc.dictionary(
      fc.constantFrom('status', 'priority', 'sort', 'limit', 'cursor', 'junk'),
      fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String)),
    );
    const pathId = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 }), fc.constant(taskId));

    const cases = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), body }),
      fc.record({ kind: fc.constant('patch' as const), body, id: pathId }),
      fc.record({ kind: fc.constant('raw' as const), raw: rawText }),
      fc.record({ kind: fc.constant('list' as const), query }),
      fc.record({ kind: fc.constant('get' as const), id: pathId }),
      fc.record({ kind: fc.constant('login' as const), body }),
    );

    let checked = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        let res: Res;
        const enc = (s: string) => encodeURIComponent(s);
        switch (c.kind) {
          case 'create':
            res = await api.send('POST', '/api/tasks', { token, body: c.body });
            break;
          case 'patch':
            res = await api.send('PATCH', `/api/tasks/${enc(c.id)}`, { token, body: c.body });
            break;
          case 'raw':
            res = await api.send('POST', '/api/tasks', {
              token,
              raw: c.raw,
              headers: { 'content-type': 'application/json' },
            });
            break;
          case 'list': {
            const qs = Object.entries(c.query)
              .map(([k, v]) => `${k}=${enc(v)}`)
              .join('&');
            res = await api.send('GET', `/api/tasks?${qs}`, { token });
            break;
          }
          case 'get':
            res = await api.send('GET', `/api/tasks/${enc(c.id)}`, { token });
            break;
          case 'login':
            res = await api.send('POST', '/api/auth/login', { body: c.body });
            break;
        }
        checked++;
        expect(res.status, JSON.stringify(c).slice(0, 300)).toBeLessThan(500);
        if (res.status >= 400) expectApiError(res);
      }),
      { numRuns: 400, seed: 20261124 },
    );
    expect(checked).toBe(400);
    expect((await api.send<{ title: string }>('GET', `/api/tasks/${taskId}`, { token })).status).toBe(200);
  });
});
