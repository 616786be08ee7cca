import { context, propagation, type Tracer, trace } from '@opentelemetry/api';
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
import type { TracingConfig } from './tracing';

/**
 * The OpenTelemetry SDK side of tracing. Only `tracing.ts` loads this file, and only when
 * tracing is configured: with tracing off none of the SDK, exporter or instrumentation modules
 * is ever required (they weighed ~24 MiB of boot RSS).
 */
export interface TracingSdk {
  tracer: Tracer;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createTracingSdk(config: TracingConfig, exporter?: SpanExporter): TracingSdk {
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
      // requireParentSpan: a query or command outside a recorded request makes no span. The request
      // hooks enter a span's context only when it is recorded, so the unsampled 90 % skip these
      // instrumentations after one context lookup instead of building non-recording spans.
      // Statement text only (parameterised SQL): values could be emails or password hashes.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      // The command name only, never its arguments (keys carry user ids, values tokens).
      new RedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (cmd) => cmd }),
    ],
  });
  return {
    tracer: provider.getTracer('taskboard-api'),
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

/**
 * Parent-based: a span inside a recorded trace is recorded, and an unsampled caller is honoured.
 * A caller asking for recording (the SPA always does) gets the same ratio as a new trace, decided
 * on the trace id, so every service with this ratio keeps or drops the same traces whole.
 */
export function samplerFor(ratio: number): ParentBasedSampler {
  const byTraceId = new TraceIdRatioBasedSampler(ratio);
  return new ParentBasedSampler({ root: byTraceId, remoteParentSampled: byTraceId });
}
