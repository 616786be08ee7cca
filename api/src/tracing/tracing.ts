import { type Attributes, context, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { TracingSdk } from './sdk';

export interface TracingConfig {
  /** OTLP/HTTP traces URL (e.g. http://collector:4318/v1/traces); undefined = tracing off. */
  endpoint: string | undefined;
  /** Share of new traces recorded (0..1); a caller's sampled flag is always honoured (parent-based). */
  sampleRatio: number;
  serviceName: string;
}

let active: TracingSdk | undefined;

/**
 * The tracer while tracing is on; `undefined` while it is off. The request hooks and the logger
 * ask once, when they are set up, and install nothing per request when it is off.
 */
export function activeTracer(): Tracer | undefined {
  return active?.tracer;
}

/** The tracer and the head sampler while tracing is on (the request hooks need both). */
export function activeTracing(): Pick<TracingSdk, 'tracer' | 'shouldRecord'> | undefined {
  return active;
}

/**
 * Starts tracing when an endpoint is configured (or a test passes its own exporter). Must run
 * before `pg` and the Redis client are first required: the instrumentations patch them on load
 * (TypeORM requires `pg` when the data source is created, so starting before the app is enough).
 * The SDK is required here, lazily: with tracing off it is never loaded (`@opentelemetry/api`,
 * a few KiB of no-op facades, is all the API carries).
 */
export function startTracing(
  config: TracingConfig,
  exporter?: SpanExporter,
  loadSdk: () => typeof import('./sdk') = requireSdk,
): boolean {
  if (active) return true;
  if (!exporter && !config.endpoint) return false;
  active = loadSdk().createTracingSdk(config, exporter);
  return true;
}

/**
 * Synchronous on purpose: the instrumentations must be in place before main's next import loads
 * the Redis client (an `import()` would only run after all of them). Tests running the TypeScript
 * source pass their own `loadSdk` (the module they imported), since vitest cannot require a .ts file.
 */
const requireSdk = (): typeof import('./sdk') => require('./sdk');

/** Exports every ended span now (tests; the batch processor otherwise sends once a second). */
export async function flushTracing(): Promise<void> {
  await active?.flush();
}

/** Flushes what is queued and turns tracing off (shutdown, and between tests). */
export async function stopTracing(): Promise<void> {
  const a = active;
  if (!a) return;
  active = undefined;
  await a.shutdown();
}

/**
 * Runs `fn` inside a child span of the current one when the current one is recorded; otherwise
 * (tracing off, an unsampled request, no request at all) it is just `fn()`: no span object, no
 * attributes, no context switch for the 90 % of requests that are not kept.
 * A thrown error marks the span as an error (its name only: never request data).
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const tracer = active?.tracer;
  const parent = context.active();
  if (!tracer || !trace.getSpan(parent)?.isRecording()) return fn();
  // startSpan + context.with rather than startActiveSpan's async callback: one closure and one
  // promise fewer per span on the recorded path, where tracing's cost is per span.
  const span = tracer.startSpan(name, Object.keys(attributes).length ? { attributes } : undefined, parent);
  const failed = (err: unknown): never => {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
    span.end();
    throw err;
  };
  let pending: Promise<T>;
  try {
    pending = context.with(trace.setSpan(parent, span), fn);
  } catch (err) {
    return failed(err); // a non-async fn that throws before returning its promise
  }
  return pending.then((value) => {
    span.end();
    return value;
  }, failed);
}
