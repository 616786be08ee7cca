import { type Context, ROOT_CONTEXT, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { createTracingSdk } from '../src/tracing/sdk';

export interface TracingFloor {
  /** CPU to record, batch and export one recorded cached list's spans, with no request around them. */
  usPerRecorded: number;
  spansPerRecorded: number;
  /** Every repetition's figure (the median is `usPerRecorded`). */
  repetitions: number[];
}

/**
 * The tracing SDK's own floor: the CPU our SDK configuration (`createTracingSdk`: pooled ids, the
 * batch processor, OTLP protobuf over HTTP) spends on the spans of one recorded cached list (the
 * server span, the session check and the cache lookup, and three Redis client spans under them:
 * the shape tracing-export.e2e proves), measured in this process with the sink in another one.
 * No request, context switch or instrumentation is involved, so it is a lower bound on what
 * recording costs a request: at ratio r every request pays r times it on average. Spans are made
 * in small bursts with a pause after each so the exporter keeps up; a dropped span would
 * understate the floor, so the measurement fails when the exporter did not receive every span.
 */
export async function measureTracingFloor(sinkUrl: string, recorded = 30_000): Promise<TracingFloor> {
  const exporter = new CountingExporter(new OTLPTraceExporter({ url: sinkUrl }));
  const sdk = createTracingSdk({ endpoint: sinkUrl, sampleRatio: 1, serviceName: 'taskboard-api' }, exporter);
  try {
    const once = () => recordCachedList(sdk.tracer);
    const idle = () => undefined;
    await cpuPerCall(once, recorded / 10, sdk.flush); // warm-up
    const repetitions: number[] = [];
    for (let i = 0; i < 3; i++) {
      const base = await cpuPerCall(idle, recorded / 3, sdk.flush);
      exporter.spans = 0;
      const withSpans = await cpuPerCall(once, recorded / 3, sdk.flush);
      const expected = SPANS_PER_RECORDED * Math.ceil(recorded / 3 / BURST) * BURST;
      if (exporter.spans !== expected)
        throw new Error(`bench: tracing floor: the exporter received ${exporter.spans} of ${expected} spans`);
      repetitions.push(withSpans - base);
    }
    const sorted = [...repetitions].sort((a, b) => a - b);
    return { usPerRecorded: sorted[1]!, spansPerRecorded: SPANS_PER_RECORDED, repetitions };
  } finally {
    await sdk.shutdown();
  }
}

const SPANS_PER_RECORDED = 6;
const BURST = 20;
// What the Redis instrumentation sets on a command's span (with no statement: sdk.ts).
const REDIS = { 'db.system.name': 'redis', 'server.address': '127.0.0.1', 'server.port': 6379 };

/** The spans a recorded cached list makes, with the names and attributes the API gives them. */
export function recordCachedList(tracer: Tracer): void {
  const server = tracer.startSpan(
    'GET /api/tasks',
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': '/api/tasks', 'url.scheme': 'http' },
    },
    ROOT_CONTEXT,
  );
  const request = trace.setSpan(ROOT_CONTEXT, server);
  around(tracer, request, 'auth session check', {}, ['GET']);
  around(tracer, request, 'cache tasks lookup', { 'cache.name': 'tasks' }, ['MGET', 'GET']);
  server.setAttribute('http.response.status_code', 200);
  server.end();
}

function around(tracer: Tracer, parent: Context, name: string, attributes: object, commands: string[]): void {
  const span = tracer.startSpan(name, { attributes: { ...attributes } }, parent);
  const inside = trace.setSpan(parent, span);
  for (const command of commands)
    tracer
      .startSpan(
        command,
        { kind: SpanKind.CLIENT, attributes: { ...REDIS, 'db.operation.name': command } },
        inside,
      )
      .end();
  span.end();
}

/** User + system CPU µs per call of `fn`, called in bursts with a 1 ms pause after each, then flushed. */
async function cpuPerCall(fn: () => void, calls: number, flush: () => Promise<void>): Promise<number> {
  const bursts = Math.ceil(calls / BURST);
  const start = process.cpuUsage();
  for (let b = 0; b < bursts; b++) {
    for (let i = 0; i < BURST; i++) fn();
    await new Promise((r) => setTimeout(r, 1));
  }
  await flush();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (bursts * BURST);
}

/** Passes every batch on, counting its spans. */
class CountingExporter implements SpanExporter {
  spans = 0;
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    this.inner.export(spans, done);
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
