import {
  context,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { type DbStatementSerializer, RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { pooledIdGenerator } from './random-ids';
import type { TracingConfig } from './tracing';

/**
 * The OpenTelemetry SDK side of tracing. Only `tracing.ts` loads this file, and only when
 * tracing is configured: with tracing off none of the SDK, exporter or instrumentation modules
 * is ever required (they weighed ~24 MiB of boot RSS).
 */
export interface TracingSdk {
  tracer: Tracer;
  /** The head-sampling decision for a request, made before any span exists (see `headSampler`). */
  shouldRecord: HeadSampler;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createTracingSdk(config: TracingConfig, exporter?: SpanExporter): TracingSdk {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    // The request hook decides (headSampler) and starts a server span only for a request it keeps,
    // so every span the SDK is asked for belongs to a kept trace: the children inherit from it.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    idGenerator: pooledIdGenerator,
    spanProcessors: [
      new BatchSpanProcessor({
        // OTLP/HTTP in protobuf, the collector's default: serialising a batch cost a third of the
        // CPU of OTLP JSON and a third of its bytes (JSON was the largest single part of tracing's
        // direct cost, profiled: docs/observability.md).
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
      // requireParentSpan: a query or command outside a recorded request makes no span. The request
      // hooks enter a span's context only when it is recorded, so the unsampled 90 % skip these
      // instrumentations after one context lookup instead of building non-recording spans.
      // Statement text only (parameterised SQL): values could be emails or password hashes.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      // No statement: the arguments carry user ids (keys) and tokens (values), and the command
      // name is already the span's db.operation.name (repeating it was one more attribute to
      // clean and serialise on every Redis span). The instrumentation sets no attribute for a
      // null statement (its type says string; tracing.e2e pins the behaviour).
      new RedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: noStatement }),
    ],
  });
  return {
    tracer: provider.getTracer('taskboard-api'),
    shouldRecord: headSampler(config.sampleRatio),
    flush: () => provider.forceFlush(),
    async shutdown() {
      disableInstrumentations();
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

const noStatement = (() => undefined) as unknown as DbStatementSerializer;

/** Whether to record a request, given the caller's span context (undefined when it sent none). */
export type HeadSampler = (caller: SpanContext | undefined) => boolean;

/**
 * Parent-based, decided before a span exists: a request that is not kept (90 % at the production
 * ratio) then costs no span, no context switch and no child span checks at all (a non-recording
 * span per request was a measurable share of tracing's cost). A caller that asks not to be
 * recorded is honoured. A caller asking for recording (the SPA always does) gets the ratio,
 * decided on its trace id like the SDK's TraceIdRatioBasedSampler, so every service with this
 * ratio keeps or drops the same traces whole; a new trace gets the ratio by a random draw.
 */
export function headSampler(ratio: number): HeadSampler {
  const byTraceId = new TraceIdRatioBasedSampler(ratio);
  return (caller) => {
    if (!caller) return Math.random() < ratio;
    if ((caller.traceFlags & TraceFlags.SAMPLED) === 0) return false;
    return (
      byTraceId.shouldSample(ROOT_CONTEXT, caller.traceId).decision === SamplingDecision.RECORD_AND_SAMPLED
    );
  };
}
