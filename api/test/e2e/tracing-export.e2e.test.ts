import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { REDIS_URL } from '../support/env';
import { BUILT, MIGRATE_JS, runNode, type SpawnedApi, spawnApi } from '../support/spawn-api';
import { client } from '../support/test-app';

// The compiled API, as the container runs it, exporting to a real OTLP/HTTP receiver (a server
// in this test standing in for the ADOT collector): spans arrive over the wire, in OTLP JSON,
// with the PostgreSQL and Redis client spans the instrumentations add in a real process.
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const received: OtlpExport[] = [];
let receiver: Server;
let db: TestDatabase;
let api: SpawnedApi;

beforeAll(async () => {
  if (!BUILT) return;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json'))
        received.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  db = await createTestDatabase();
  const migrated = await runNode(MIGRATE_JS, { DATABASE_URL: db.url });
  expect(migrated.code, migrated.stderr).toBe(0);
  api = await spawnApi({
    DATABASE_URL: db.url,
    REDIS_URL,
    MIGRATE_ON_BOOT: 'false',
    // The auth rate limit's counters live in the shared Redis, keyed by client IP (127.0.0.1 for
    // every test file running beside this one): at the default 10 per minute this file's one
    // registration failed with 429 when other files registered in the same minute.
    AUTH_RATE_LIMIT: '100000',
    TRACING_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`,
    TRACING_SAMPLE_RATIO: '1',
  });
}, 180_000);

afterAll(async () => {
  if (api && api.proc.exitCode === null) {
    api.proc.kill('SIGTERM');
    await api.exited;
  }
  receiver?.close();
  await db?.drop();
});

const allSpans = () =>
  received.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

describe.skipIf(!BUILT)('tracing over OTLP/HTTP from the compiled API', () => {
  it('exports the server span and its PostgreSQL and Redis client spans, with the trace id the log line carries', async () => {
    const http = client(api.url);
    const user = await http.register();
    const res = await http.send('GET', '/api/tasks', { token: user.token });
    expect(res.status).toBe(200);
    const reqId = res.headers.get('x-request-id');
    // The batch processor sends about once a second; SIGTERM flushes whatever is left (and the
    // buffered log lines).
    api.proc.kill('SIGTERM');
    await api.exited;
    const line = api.stdout
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      })
      .find((l) => l.msg === 'request completed' && l.reqId === reqId);
    const traceId = String(line?.trace_id);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = allSpans().filter((s) => s.traceId === traceId);
    const names = spans.map((s) => s.name).join(', ');
    expect(spans.find((s) => s.kind === 2 /* OTLP SERVER */)?.name, names).toBe('GET /api/tasks');
    const system = (s: OtlpSpan) =>
      s.attributes.find((a) => a.key === 'db.system' || a.key === 'db.system.name')?.value.stringValue;
    expect(
      spans.some((s) => system(s) === 'postgresql'),
      names,
    ).toBe(true);
    // Redis only in the real-services mode (embedded mode uses the in-process cache).
    if (REDIS_URL)
      expect(
        spans.some((s) => system(s) === 'redis'),
        names,
      ).toBe(true);
    const service = received[0]?.resourceSpans[0]?.resource.attributes.find((a) => a.key === 'service.name');
    expect(service?.value.stringValue).toBe('taskboard-api');
  });
});
