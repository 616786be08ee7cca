import { randomBytes, randomUUID } from 'node:crypto';
import { RUM_LIMITS } from '@taskboard/contracts';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import OpenAPIBackend, { type Operation, SetMatchType } from 'openapi-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import { MODE } from '../support/env';
import { FaultProxy } from '../support/tcp-proxy';
import { refreshCookie, startTestApp, type TestApp } from '../support/test-app';

/*
 * The served OpenAPI document against real traffic. Every operation is driven through its
 * success and error cases; each exchange is checked by openapi-backend (ajv over the
 * document's own schemas: an independent validator, not the classes that generate it):
 * - the request: a request the document declares valid must not be refused as invalid (400),
 *   and one it declares invalid must not succeed;
 * - the response: its status is documented for that operation, its body matches that status'
 *   schema (or is empty where none is documented), and every documented header is present
 *   and valid.
 * At the end every documented status of every operation must have been seen.
 */

type Definition = ConstructorParameters<typeof OpenAPIBackend>[0]['definition'];

const AUTH_RATE_LIMIT = 2;
const RUM_RATE_LIMIT = 2;

let t: TestApp;
let proxy: FaultProxy;
let oas: OpenAPIBackend;
let operations: Operation[];
const seen = new Map<string, Set<string>>();
const problems: string[] = [];

beforeAll(async () => {
  const db = await createTestDatabase();
  proxy = FaultProxy.forUrl(db.url);
  await proxy.start();
  t = await startTestApp({
    db,
    env: {
      // Each exchange below comes from its own client address (X-Forwarded-For), so only the
      // rate-limit cases share one and reach these low limits.
      TRUST_PROXY: '1',
      AUTH_RATE_LIMIT: String(AUTH_RATE_LIMIT),
      RUM_RATE_LIMIT: String(RUM_RATE_LIMIT),
      // Every route then reaches the database, so an outage answers 503 where documented.
      CACHE_ENABLED: 'false',
    },
    databaseUrl: (url) => proxy.rewrite(url),
  });
  const definition = (await (await fetch(`${t.url}/docs/json`)).json()) as Definition;
  oas = new OpenAPIBackend({
    definition,
    strict: true,
    validate: true,
    // Formats (uuid, date-time, email) are part of the contract: ajv checks them only when told.
    customizeAjv: (ajv) => addFormats(ajv),
  });
  await oas.init();
  operations = oas.getOperations();
});
afterAll(async () => {
  await proxy?.setMode('pass');
  await t?.close();
  await t?.db.drop();
  await proxy?.stop();
});

interface Exchange {
  status: number;
  body: unknown;
  headers: Headers;
  docValidRequest: boolean | undefined;
}

interface Send {
  token?: string;
  cookie?: string;
  /** JSON body; its request validity is judged by the document. */
  body?: unknown;
  /** A body sent as is (wrong media type, oversized): the document cannot judge it. */
  raw?: { contentType: string; data: string };
  query?: Record<string, string>;
  /** Client address for the rate limiters; a fresh one per exchange unless given. */
  client?: string;
}

const freshClient = () => `10.${[...randomBytes(3)].join('.')}`;

/** One HTTP exchange, validated in both directions against the served document. */
async function exchange(method: string, path: string, opts: Send = {}): Promise<Exchange> {
  const headers: Record<string, string> = { 'x-forwarded-for': opts.client ?? freshClient() };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  let payload: string | undefined;
  if (opts.raw) {
    headers['content-type'] = opts.raw.contentType;
    payload = opts.raw.data;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(opts.body);
  }
  const query = opts.query ?? {};
  const label = `${method} ${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;

  const operation = oas.matchOperation({ method, path, headers, query });
  if (!operation) throw new Error(`${label}: not in the document`);
  let docValidRequest: boolean | undefined;
  let whyInvalid = '';
  if (!opts.raw) {
    const checked = oas.validateRequest({ method, path, headers, query, body: opts.body }, operation);
    docValidRequest = checked.valid;
    whyInvalid = errs(checked);
  }

  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${t.url}${path}${qs ? `?${qs}` : ''}`, { method, headers, body: payload });
  const text = await res.text();
  const status = String(res.status);
  const where = `${operation.operationId} ${label} → ${status}`;

  const documented = operation.responses?.[status] as
    | { content?: Record<string, unknown>; headers?: Record<string, unknown> }
    | undefined;
  let body: unknown = text;
  if (!documented) {
    problems.push(`${where}: status not documented (body ${text.slice(0, 200)})`);
  } else {
    if (!seen.has(operation.operationId!)) seen.set(operation.operationId!, new Set());
    seen.get(operation.operationId!)!.add(status);
    if (documented.content) {
      const type = res.headers.get('content-type') ?? '';
      if (!Object.keys(documented.content).some((t) => type.startsWith(t)))
        problems.push(`${where}: content-type ${type} not documented`);
      try {
        body = JSON.parse(text);
      } catch {
        problems.push(`${where}: body is not JSON: ${text.slice(0, 200)}`);
      }
      const valid = oas.validateResponse(body, operation, res.status);
      if (!valid.valid)
        problems.push(`${where}: body ${text.slice(0, 300)} breaks the schema: ${errs(valid)}`);
    } else if (text !== '') {
      problems.push(`${where}: a body where none is documented: ${text.slice(0, 200)}`);
    }
    const headerCheck = oas.validateResponseHeaders(Object.fromEntries(res.headers), operation, {
      statusCode: res.status,
      setMatchType: SetMatchType.Superset,
    });
    if (!headerCheck.valid) problems.push(`${where}: headers ${errs(headerCheck)}`);
  }
  if (docValidRequest === true && res.status === 400)
    problems.push(`${where}: the document declares this request valid, the API refused it: ${text}`);
  if (docValidRequest === false && res.status < 300)
    problems.push(
      `${where}: the document declares ${JSON.stringify(opts.body)} invalid (${whyInvalid}), the API accepted it`,
    );
  return { status: res.status, body, headers: res.headers, docValidRequest };
}

function errs(result: { errors?: { instancePath?: string; message?: string }[] | null }): string {
  return (result.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

/** Register and return the access token, the refresh cookie and the user. */
async function account() {
  const email = `conf-${randomUUID()}@example.com`;
  const res = await exchange('POST', '/api/auth/register', {
    body: { email, password: 'correct horse battery' },
  });
  expect(res.status).toBe(201);
  return {
    email,
    token: (res.body as { accessToken: string }).accessToken,
    cookie: refreshCookie(res.headers)!,
  };
}

const notJson = { contentType: 'text/plain', data: 'hello' };
const oversized = (bytes: number) => ({
  contentType: 'application/json',
  data: JSON.stringify({ title: 'x', description: 'y'.repeat(bytes) }),
});
const APP_BODY_LIMIT = 128 * 1024;

describe(`OpenAPI conformance of every operation (${MODE})`, () => {
  it('auth: register, login, refresh, me, logout and their error cases', async () => {
    const a = await account();
    await exchange('POST', '/api/auth/register', {
      body: { email: a.email, password: 'another password 1' },
    }); // 409
    await exchange('POST', '/api/auth/register', {
      body: { email: 'not-an-email', password: 'correct horse battery' },
    });
    await exchange('POST', '/api/auth/register', {
      body: { email: `x-${randomUUID()}@example.com`, password: 'short' },
    });
    await exchange('POST', '/api/auth/register', { body: { email: `x-${randomUUID()}@example.com` } });
    await exchange('POST', '/api/auth/register', {
      body: { email: `x-${randomUUID()}@example.com`, password: 'correct horse battery', admin: true },
    });
    await exchange('POST', '/api/auth/login', {
      body: { email: a.email, password: 'correct horse battery' },
    });
    await exchange('POST', '/api/auth/login', { body: { email: a.email, password: 'wrong password 123' } }); // 401
    await exchange('POST', '/api/auth/login', { body: { email: 42, password: 'correct horse battery' } }); // 400
    await exchange('POST', '/api/auth/login', { body: [] });
    await exchange('GET', '/api/auth/me', { token: a.token });
    await exchange('GET', '/api/auth/me'); // 401
    await exchange('GET', '/api/auth/me', { token: 'not.a.jwt' }); // 401
    const refreshed = await exchange('POST', '/api/auth/refresh', { cookie: a.cookie });
    expect(refreshed.status).toBe(200);
    await exchange('POST', '/api/auth/refresh'); // 401, no cookie
    await exchange('POST', '/api/auth/refresh', { cookie: 'taskboard_refresh=forged' }); // 401
    await exchange('POST', '/api/auth/logout', {
      token: (refreshed.body as { accessToken: string }).accessToken,
      cookie: refreshCookie(refreshed.headers),
    });
    await exchange('POST', '/api/auth/logout'); // 204: nothing to end
    for (const path of ['/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout']) {
      await exchange('POST', path, { raw: notJson }); // 415
      await exchange('POST', path, { raw: oversized(APP_BODY_LIMIT) }); // 413
    }
    // One client over the limit: 429 with Retry-After.
    const client = freshClient();
    for (let i = 0; i <= AUTH_RATE_LIMIT; i++) {
      await exchange('POST', '/api/auth/login', {
        client,
        body: { email: a.email, password: 'wrong password 123' },
      });
      await exchange('POST', '/api/auth/register', {
        client,
        body: { email: `rl-${randomUUID()}@example.com`, password: 'correct horse battery' },
      });
    }
  });

  it('tasks: create, list, get, update, delete and their error cases', async () => {
    const a = await account();
    const other = await account();
    const created = await exchange('POST', '/api/tasks', {
      token: a.token,
      body: {
        title: 'Rotate the DB password',
        description: 'before Friday',
        status: 'IN_PROGRESS',
        priority: 'HIGH',
        dueDate: '2026-12-01T09:00:00Z',
      },
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    await exchange('POST', '/api/tasks', { token: a.token, body: { title: 'minimal' } });
    await exchange('POST', '/api/tasks', {
      token: a.token,
      body: { title: 'cleared', description: null, dueDate: null },
    });
    await exchange('POST', '/api/tasks', { token: a.token, body: {} }); // 400
    await exchange('POST', '/api/tasks', { token: a.token, body: { title: 'x', ownerId: randomUUID() } }); // 400
    await exchange('POST', '/api/tasks', { token: a.token, body: { title: 'x', status: 'NOPE' } });
    await exchange('POST', '/api/tasks', { token: a.token, body: { title: 'x', dueDate: 'tomorrow' } });
    await exchange('POST', '/api/tasks', { body: { title: 'x' } }); // 401
    await exchange('POST', '/api/tasks', { token: a.token, raw: notJson });
    await exchange('POST', '/api/tasks', { token: a.token, raw: oversized(APP_BODY_LIMIT) });

    await exchange('GET', '/api/tasks', { token: a.token });
    const page = await exchange('GET', '/api/tasks', {
      token: a.token,
      query: { limit: '1', sort: 'dueDate' },
    });
    const next = (page.body as { nextCursor: string | null }).nextCursor;
    expect(next).toBeTruthy();
    await exchange('GET', '/api/tasks', {
      token: a.token,
      query: { limit: '1', sort: 'dueDate', cursor: next! },
    });
    await exchange('GET', '/api/tasks', {
      token: a.token,
      query: { status: 'IN_PROGRESS', priority: 'HIGH' },
    });
    await exchange('GET', '/api/tasks', { token: a.token, query: { limit: '0' } }); // 400
    await exchange('GET', '/api/tasks', { token: a.token, query: { limit: '2.5' } }); // 400: an integer
    await exchange('GET', '/api/tasks', { token: a.token, query: { status: 'NOPE' } });
    await exchange('GET', '/api/tasks'); // 401

    const taskPath = `/api/tasks/${id}`;
    await exchange('GET', taskPath, { token: a.token });
    await exchange('GET', taskPath, { token: other.token }); // 404: not theirs
    await exchange('GET', `/api/tasks/${randomUUID()}`, { token: a.token });
    await exchange('GET', '/api/tasks/not-a-uuid', { token: a.token }); // 400
    await exchange('GET', taskPath); // 401
    await exchange('PATCH', taskPath, { token: a.token, body: { status: 'DONE', description: null } });
    await exchange('PATCH', taskPath, { token: a.token, body: { dueDate: '2027-01-31T17:30:00.000Z' } });
    await exchange('PATCH', taskPath, { token: a.token, body: { priority: 'NOPE' } }); // 400
    await exchange('PATCH', taskPath, { token: a.token, body: { id: randomUUID() } }); // 400: unknown
    await exchange('PATCH', taskPath, { token: other.token, body: { status: 'DONE' } }); // 404
    await exchange('PATCH', '/api/tasks/not-a-uuid', { token: a.token, body: { status: 'DONE' } });
    await exchange('PATCH', taskPath, { body: { status: 'DONE' } }); // 401
    await exchange('PATCH', taskPath, { token: a.token, raw: notJson });
    await exchange('PATCH', taskPath, { token: a.token, raw: oversized(APP_BODY_LIMIT) });
    await exchange('DELETE', taskPath, { token: other.token }); // 404
    await exchange('DELETE', '/api/tasks/not-a-uuid', { token: a.token });
    await exchange('DELETE', taskPath); // 401
    await exchange('DELETE', taskPath, { token: a.token, raw: notJson });
    await exchange('DELETE', taskPath, { token: a.token, raw: oversized(APP_BODY_LIMIT) });
    await exchange('DELETE', taskPath, { token: a.token }); // 204
    await exchange('DELETE', taskPath, { token: a.token }); // 404 now
  });

  it('rum and health: every status', async () => {
    const report = {
      route: 'board',
      vitals: [{ name: 'LCP', value: 1234 }],
      errors: [{ kind: 'error', message: 'x' }],
    };
    await exchange('POST', '/api/rum', { body: report });
    await exchange('POST', '/api/rum', { body: { route: 'https://example.com/secret' } }); // 400
    await exchange('POST', '/api/rum', { body: { ...report, extra: 1 } }); // 400
    await exchange('POST', '/api/rum', { raw: notJson });
    await exchange('POST', '/api/rum', { raw: oversized(RUM_LIMITS.maxBodyBytes) });
    const client = freshClient();
    for (let i = 0; i <= RUM_RATE_LIMIT; i++) await exchange('POST', '/api/rum', { client, body: report });
    await exchange('GET', '/health');
    await exchange('GET', '/health/ready');
  });

  it('create: the document and the API agree on which bodies are valid (property-based)', async () => {
    const a = await account();
    const text = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9 .,-]{0,${max}}$`));
    // Mostly valid values, so that bodies with exactly one wrong field are common.
    const field = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof(
        { weight: 8, arbitrary: valid },
        fc.constant(null),
        fc.integer(),
        fc.boolean(),
        fc.constant(''),
        fc.constant([]),
      );
    const body = fc
      .record(
        {
          title: fc.oneof(
            text(40),
            field(fc.string({ minLength: 195, maxLength: 205, unit: fc.constantFrom('a', 'b') })),
          ),
          description: field(text(60)),
          status: field(fc.constantFrom('TODO', 'IN_PROGRESS', 'DONE', 'todo')),
          priority: field(fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'URGENT', 'CRITICAL')),
          dueDate: field(
            fc.constantFrom('2026-12-01T09:00:00Z', '2027-06-30T23:59:59.999+02:00', '2026-13-01T00:00:00Z'),
          ),
          unknownField: fc.string({ maxLength: 3 }),
        },
        { requiredKeys: [] },
      )
      .map(({ unknownField, ...known }) => (unknownField === 'x' ? { ...known, unknownField } : known));
    const before = problems.length;
    await fc
      .assert(
        fc.asyncProperty(body, async (b) => {
          const res = await exchange('POST', '/api/tasks', { token: a.token, body: b });
          // Asserted here too (exchange() only records it) so fast-check shrinks to a minimal body.
          expect(res.status).toBe(res.docValidRequest ? 201 : 400);
        }),
        { numRuns: 60 },
      )
      .finally(() => {
        // The property asserts the verdicts itself (and reports the shrunk body); keep the other findings.
        const others = problems.splice(before).filter((p) => !p.includes(': the document declares'));
        problems.push(...others);
      });
  });

  it('a database outage: 503 with Retry-After wherever documented', async () => {
    const a = await account();
    const task = await exchange('POST', '/api/tasks', { token: a.token, body: { title: 'outage' } });
    const id = (task.body as { id: string }).id;
    const fresh = await account();
    await proxy.setMode('refuse');
    try {
      const path = `/api/tasks/${id}`;
      await exchange('POST', '/api/auth/register', {
        body: { email: `down-${randomUUID()}@example.com`, password: 'correct horse battery' },
      });
      await exchange('POST', '/api/auth/login', {
        body: { email: a.email, password: 'correct horse battery' },
      });
      await exchange('POST', '/api/auth/refresh', { cookie: fresh.cookie });
      await exchange('GET', '/api/auth/me', { token: a.token });
      await exchange('GET', '/api/tasks', { token: a.token });
      await exchange('POST', '/api/tasks', { token: a.token, body: { title: 'during the outage' } });
      await exchange('GET', path, { token: a.token });
      await exchange('PATCH', path, { token: a.token, body: { status: 'DONE' } });
      await exchange('DELETE', path, { token: a.token });
      await exchange('POST', '/api/auth/logout', { token: a.token, cookie: a.cookie });
      await exchange('GET', '/health/ready');
      await exchange('GET', '/health');
    } finally {
      await proxy.setMode('pass');
    }
  });

  it('every exchange matched the document, and every documented status was seen', () => {
    const unseen = operations.flatMap((op) =>
      Object.keys(op.responses ?? {})
        .filter((status) => !seen.get(op.operationId!)?.has(status))
        .map((status) => `${op.operationId} ${status}`),
    );
    expect({ problems, unseen }).toEqual({ problems: [], unseen: [] });
  });
});
