import { randomFillSync } from 'node:crypto';

/**
 * Trace and span ids for the access line of a request that is not recorded (90 % in production):
 * it gets no span, yet its log line still names a trace (the caller's, when it sent a
 * `traceparent`), so a browser-side trace id finds its API log lines. Hex from a pooled random
 * buffer refilled every 256 requests: one `randomFillSync` instead of a span and its ids per request.
 */
const ID_BYTES = 24; // 16 for the trace id, 8 for the span id
const pool = Buffer.allocUnsafe(ID_BYTES * 256);
let next = pool.length;

export interface LogIds {
  traceId: string;
  spanId: string;
}

export function unrecordedIds(callerTraceId?: string): LogIds {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const at = next;
  next += ID_BYTES;
  return {
    traceId: callerTraceId ?? pool.toString('hex', at, at + 16),
    spanId: pool.toString('hex', at + 16, at + ID_BYTES),
  };
}
