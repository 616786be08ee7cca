import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

/**
 * Trace and span ids cut from one pool of random bytes, hex-encoded once per 12 KiB: a substring
 * per id, where hex-encoding each id on its own (the SDK's generator, or our own before) cost
 * about 0.6 % of the API's CPU on the cached list for the unrecorded log ids alone (profiled).
 * Both the unrecorded requests' log ids and the SDK's span and trace ids come from it.
 * Type-only import of the SDK: this module is loaded with tracing off too, the SDK is not.
 */
const POOL_HEX = 24 * 1024;
const bytes = Buffer.allocUnsafe(POOL_HEX / 2);
let hex = '';
let next = 0;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** `chars` hex digits of fresh randomness, never all zeros (an invalid id in W3C trace context). */
function randomHex(chars: 32 | 16): string {
  for (;;) {
    if (next + chars > hex.length) {
      hex = randomFillSync(bytes).toString('hex');
      next = 0;
    }
    const id = hex.slice(next, next + chars);
    next += chars;
    if (id !== (chars === 32 ? ZERO_TRACE : ZERO_SPAN)) return id;
  }
}

export interface LogIds {
  traceId: string;
  spanId: string;
}

/**
 * Ids for the access line of a request that is not recorded (90 % in production): it gets no
 * span, yet its log line still names a trace (the caller's, when it sent a `traceparent`), so a
 * browser-side trace id finds its API log lines.
 */
export function unrecordedIds(callerTraceId?: string): LogIds {
  return { traceId: callerTraceId ?? randomHex(32), spanId: randomHex(16) };
}

/** The SDK's id generator (TracerProvider `idGenerator`), from the same pool. */
export const pooledIdGenerator: IdGenerator = {
  generateTraceId: () => randomHex(32),
  generateSpanId: () => randomHex(16),
};
