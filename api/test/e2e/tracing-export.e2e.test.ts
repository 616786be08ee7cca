import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { REDIS_URL } from '../support/env';
import { type OtlpReceiver, type OtlpSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { BUILT, MIGRATE_JS, runNode, type SpawnedApi, spawnApi } from '../support/spawn-api';
import { client } from '../support/test-app';

// The compiled API, as the container runs it, exporting to a real OTLP/HTTP receiver (a server
// in this test standing in for the ADOT collector): spans arrive over the wire, in OTLP protobuf,
// with the PostgreSQL and Redis client spans the instrumentations add in a real process.
let receiver: OtlpReceiver;
let db: TestDatabase;
let api: SpawnedApi;

beforeAll(async () => {
  if (!BUILT) return;
  receiver = await startOtlpReceiver();
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
    TRACING_OTLP_ENDPOINT: receiver.tracesUrl,
    TRACING_SAMPLE_RATIO: '1',
  });
}, 180_000);

afterAll(async () => {
  if (api && api.proc.exitCode === null) {
    api.proc.kill('SIGTERM');
    await api.exited;
  }
  await receiver?.close();
  await db?.drop();
});

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
    const spans = receiver.spans().filter((s) => s.traceId === traceId);
    const names = spans.map((s) => s.name).join(', ');
    expect(spans.find((s) => s.kind === 2 /* OTLP SERVER */)?.name, names).toBe('GET /api/tasks');
    const system = (s: OtlpSpan) => s.attributes['db.system'] ?? s.attributes['db.system.name'];
    expect(
      spans.some((s) => system(s) === 'postgresql'),
      names,
    ).toBe(true);
    // Redis only in the real-services mode (embedded mode uses the in-process cache): client
    // spans under both the session check and the cache lookup, named by command only (no
    // statement: keys carry user ids, values tokens).
    if (REDIS_URL)
      for (const around of ['auth session check', 'cache tasks lookup']) {
        const parent = spans.find((s) => s.name === around);
        const redis = spans.filter((s) => system(s) === 'redis' && s.parentSpanId === parent?.spanId);
        expect(redis.length, `${around}: ${names}`).toBeGreaterThan(0);
        for (const r of redis) {
          expect(r.kind).toBe(3 /* OTLP CLIENT */);
          expect(r.attributes['db.operation.name']).toMatch(/^[A-Z]+$/);
          expect(r.attributes['db.query.text']).toBeUndefined();
        }
      }
    // Every export was protobuf on /v1/traces (the receiver refuses anything else).
    expect(receiver.refused).toEqual([]);
    expect(receiver.received[0]?.resources[0]?.attributes['service.name']).toBe('taskboard-api');
    // Ids decoded from bytes join up: the server span is the root, every other span's parent is
    // a span of the same trace.
    const server = spans.find((s) => s.kind === 2)!;
    expect(server.parentSpanId).toBe('');
    const orphans = spans.filter((s) => s !== server && !spans.some((p) => p.spanId === s.parentSpanId));
    expect(orphans.map((s) => s.name)).toEqual([]);
  });
});
