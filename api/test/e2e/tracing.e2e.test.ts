import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { METRICS } from '@taskboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sdk from '../../src/tracing/sdk';
import { flushTracing, startTracing, stopTracing } from '../../src/tracing/tracing';
import { client, startTestApp, type TestApp } from '../support/test-app';

// Tracing on, in process, with an in-memory exporter: what one request produces, and what it
// must never carry. The wire format (OTLP/HTTP to a collector) is proven in tracing-export.e2e.
const exporter = new InMemorySpanExporter();
let t: TestApp;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  startTracing({ endpoint: undefined, sampleRatio: 1, serviceName: 'taskboard-api' }, exporter, () => sdk);
  t = await startTestApp();
  api = client(t.url);
}, 180_000);
afterAll(async () => {
  await t?.close();
  await stopTracing();
});

async function spansOf(traceId: string): Promise<ReadableSpan[]> {
  await flushTracing();
  return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
}

const parentId = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const accessLine = (reqId: string | null) =>
  t.logs.find((l) => l.msg === 'request completed' && l.reqId === reqId);

describe('tracing', () => {
  it('a list request: a server span by route template, a cache child, and on a miss a database child; the log line names the trace', async () => {
    const user = await api.register();
    await api.send('POST', '/api/tasks', { token: user.token, body: { title: 'traced', priority: 'HIGH' } });
    const res = await api.send('GET', '/api/tasks?status=TODO', { token: user.token });
    expect(res.status).toBe(200);
    const line = accessLine(res.headers.get('x-request-id'));
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);

    const spans = await spansOf(String(line!.trace_id));
    const server = spans.find((s) => s.kind === 1 /* SERVER */);
    expect(server?.name).toBe('GET /api/tasks');
    expect(server?.attributes['http.route']).toBe('/api/tasks');
    expect(server?.attributes['http.response.status_code']).toBe(200);
    expect(server?.spanContext().spanId).toBe(line!.span_id);

    const cache = spans.find((s) => s.name === 'cache tasks lookup');
    expect(cache, spans.map((s) => s.name).join(', ')).toBeDefined();
    const session = spans.find((s) => s.name === 'auth session check');
    expect(session).toBeDefined();
    const queries = spans.filter(
      (s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql',
    );
    expect(queries.length, spans.map((s) => s.name).join(', ')).toBeGreaterThan(0);
    // Every span of the request hangs off the server span (directly or through a child).
    const ids = new Set(spans.map((s) => s.spanContext().spanId));
    for (const s of spans.filter((s) => s !== server)) expect(ids.has(parentId(s) ?? '')).toBe(true);

    // The same list again is a cache hit: no database query under it.
    const again = await api.send('GET', '/api/tasks?status=TODO', { token: user.token });
    const hitSpans = await spansOf(String(accessLine(again.headers.get('x-request-id'))!.trace_id));
    expect(hitSpans.some((s) => s.name === 'cache tasks lookup')).toBe(true);
    expect(
      hitSpans.filter((s) =>
        String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? '').includes('"tasks"'),
      ),
    ).toEqual([]);
  });

  it("continues a caller's W3C trace context", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await api.send('GET', '/health', {
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(res.status).toBe(200);
    const [server] = (await spansOf(traceId)).filter((s) => s.kind === 1);
    expect(server?.name).toBe('GET /health');
    expect(parentId(server!)).toBe(callerSpan);
    expect(accessLine(res.headers.get('x-request-id'))?.trace_id).toBe(traceId);
  });

  it('a caller that asks not to be recorded: no span at all, yet the log line names its trace', async () => {
    const user = await api.register();
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    await flushTracing();
    const before = exporter.getFinishedSpans().length;
    const res = await api.send('GET', '/api/tasks', {
      token: user.token,
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-00` },
    });
    expect(res.status).toBe(200);
    expect(await spansOf(traceId)).toEqual([]);
    // Nothing else was recorded for it either: no cache or database span without a parent.
    expect(exporter.getFinishedSpans().length).toBe(before);
    const line = accessLine(res.headers.get('x-request-id'));
    expect(line?.trace_id).toBe(traceId);
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('no span carries a credential, a cookie, a password, an email or a query string', async () => {
    const password = 'a very secret password 42';
    const user = await api.register(undefined, password);
    const login = await api.send('POST', '/api/auth/login', { body: { email: user.email, password } });
    expect(login.status).toBe(200);
    await api.send('GET', '/api/tasks?status=DONE&limit=5', { token: user.token });
    await api.send('POST', '/api/auth/refresh', { headers: { cookie: user.cookie ?? '' } });
    await flushTracing();
    const dump = JSON.stringify(
      exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    );
    for (const secret of [
      password,
      user.email,
      user.token,
      user.cookie?.split('=')[1] ?? 'x'.repeat(40),
      'status=DONE',
      'Bearer',
    ]) {
      expect(dump).not.toContain(secret);
    }
  });

  it("exemplars: a sampled request's trace id is on the latency histogram in the OpenMetrics scrape; the text scrape keeps its names", async () => {
    const H = METRICS.httpRequestDuration.name;
    const text = async () => {
      const res = await fetch(`${t.url}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return res.text();
    };
    const names = (body: string) =>
      new Set(
        body
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => l.split(/[{ ]/)[0]),
      );
    const before = await text();
    expect(before).not.toContain(' # {'); // exemplars only exist in OpenMetrics

    const sampledId = '0af7651916cd43dd8448eb211c80319c';
    const unsampledId = 'b7ad6b7169203331b7ad6b7169203331';
    await api.send('GET', '/health', { headers: { traceparent: `00-${sampledId}-b7ad6b7169203331-01` } });
    await api.send('GET', '/health/ready', {
      headers: { traceparent: `00-${unsampledId}-b7ad6b7169203331-00` },
    });
    const res = await fetch(`${t.url}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const om = await res.text();
    expect(om.endsWith('# EOF\n')).toBe(true);
    const exemplars = [
      ...om.matchAll(
        new RegExp(
          `^${H}_bucket\\{[^}]*route="([^"]+)"[^}]*\\} \\d+ # \\{trace_id="([0-9a-f]{32})"\\}`,
          'gm',
        ),
      ),
    ].map((m) => ({ route: m[1], traceId: m[2] }));
    expect(exemplars).toContainEqual({ route: '/health', traceId: sampledId });
    // A request its caller did not sample is not recorded: no exemplar points at a missing trace.
    expect(exemplars.map((e) => e.traceId)).not.toContain(unsampledId);

    // Counters keep `_total` on their samples (a family name without it in OpenMetrics), so every
    // series name the dashboards and recording rules query is the same in both formats...
    expect(om).toContain(`# TYPE ${METRICS.tasksCreated.name.replace(/_total$/, '')} counter`);
    expect(names(om)).toEqual(names(before));
    // ...and an OpenMetrics scrape leaves the text format as it was (prom-client renames counters in place).
    const after = await text();
    expect(names(after)).toEqual(names(before));
    expect(after.match(/^# TYPE .*$/gm)).toEqual(before.match(/^# TYPE .*$/gm));
  });

  it('a 4xx answer is not a server error; a 5xx marks the server span as an error', async () => {
    const bad = await api.send('GET', '/api/tasks');
    expect(bad.status).toBe(401);
    const [unauthorized] = (
      await spansOf(String(accessLine(bad.headers.get('x-request-id'))!.trace_id))
    ).filter((s) => s.kind === 1);
    expect(unauthorized?.status.code).not.toBe(2);
    // Last test of the file: draining is one-way, and readiness answers 503 from then on.
    t.core.lifecycle.startDraining();
    const res = await api.send('GET', '/health/ready');
    expect(res.status).toBe(503);
    const [server] = (await spansOf(String(accessLine(res.headers.get('x-request-id'))!.trace_id))).filter(
      (s) => s.kind === 1,
    );
    expect(server?.status.code).toBe(2 /* ERROR */);
  });
});
