import {
  type Attributes,
  context,
  propagation,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export interface TracingConfig {
  /** OTLP/HTTP traces URL (e.g. http://collector:4318/v1/traces); undefined = tracing off. */
  endpoint: string | undefined;
  /** Share of new traces recorded (0..1); a caller's sampled flag is always honoured (parent-based). */
  sampleRatio: number;
  serviceName: string;
}

interface Active {
  tracer: Tracer;
  provider: TracerProvider;
  disableInstrumentations: () => void;
}

let active: Active | undefined;

/**
 * The tracer while tracing is on; `undefined` while it is off. Every instrumented path checks
 * this first and does nothing else when it is off, so tracing costs nothing unless configured.
 */
export function activeTracer(): Tracer | undefined {
  return active?.tracer;
}

/**
 * Starts tracing when an endpoint is configured (or a test passes its own exporter). Must run
 * before `pg` and the Redis client are first required: the instrumentations patch them on load
 * (TypeORM requires `pg` when the data source is created, so starting before the app is enough).
 */
export function startTracing(config: TracingConfig, exporter?: SpanExporter): boolean {
  if (active) return true;
  if (!exporter && !config.endpoint) return false;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    sampler: samplerFor(config.sampleRatio),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: exporter ?? new OTLPTraceExporter({ url: config.endpoint }),
        // A full queue drops spans rather than holding memory: tracing must never hurt serving.
        maxQueueSize: 4096,
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Statement text only (parameterised SQL): values could be emails or password hashes.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      // The command name only, never its arguments (keys carry user ids, values tokens).
      new RedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (cmd) => cmd }),
    ],
  });
  active = { tracer: provider.getTracer('taskboard-api'), provider, disableInstrumentations };
  return true;
}

/**
 * Parent-based: a span inside a recorded trace is recorded, and an unsampled caller is honoured.
 * A caller asking for recording (the SPA always does) gets the same ratio as a new trace, decided
 * on the trace id, so every service with this ratio keeps or drops the same traces whole.
 */
export function samplerFor(ratio: number): ParentBasedSampler {
  const byTraceId = new TraceIdRatioBasedSampler(ratio);
  return new ParentBasedSampler({ root: byTraceId, remoteParentSampled: byTraceId });
}

/** Exports every ended span now (tests; the batch processor otherwise sends once a second). */
export async function flushTracing(): Promise<void> {
  await active?.provider.forceFlush();
}

/** Flushes what is queued and turns tracing off (shutdown, and between tests). */
export async function stopTracing(): Promise<void> {
  const a = active;
  if (!a) return;
  active = undefined;
  a.disableInstrumentations();
  await a.provider.forceFlush().catch(() => undefined);
  await a.provider.shutdown().catch(() => undefined);
  trace.disable();
  context.disable();
  propagation.disable();
}

/**
 * Runs `fn` inside a child span of the current one; with tracing off it is just `fn()`.
 * A thrown error marks the span as an error (its message only: never request data).
 */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const tracer = active?.tracer;
  if (!tracer) return fn();
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}
