import type { LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { activeTracer } from '../tracing/tracing';
import { redactStackHead, serializeError } from './safe-error';

/**
 * JSON logs on stdout. Credentials can never be logged: request headers and bodies are not
 * logged at all, and these paths are redacted wherever an object carrying them is logged.
 */
export function createLogger(level: string, destination: DestinationStream = bufferedStdout()): Logger {
  return pino(
    {
      ...COMMON,
      level,
      // With tracing on, a line logged inside a request names its trace (Logs Insights finds a
      // trace's lines by trace_id); with tracing off no hook runs at all.
      ...(activeTracer() ? { mixin: traceIds } : {}),
      // Any `err` logged anywhere (our code, Fastify, TypeORM's logger) drops database values.
      serializers: { err: serializeError },
      redact: {
        paths: [
          'password',
          '*.password',
          'accessToken',
          '*.accessToken',
          'refreshToken',
          '*.refreshToken',
          'token',
          '*.token',
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'headers.cookie',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

function traceIds(): Record<string, string> {
  const ids = trace.getActiveSpan()?.spanContext();
  return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}

const COMMON = { base: { service: 'taskboard-api' }, timestamp: pino.stdTimeFunctions.isoTime };

/**
 * The per-request access line, on the same stream and format as `app` but without the
 * redaction pass: redaction clones every logged object (~11 KB of garbage per request, the
 * largest single allocator of a request), and the access line is built field by field from values
 * that cannot carry a credential (method, route, path without query, status, duration, ids).
 */
export function createAccessLogger(app: Logger): Logger {
  return pino(
    { ...COMMON, level: app.level },
    (app as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym],
  );
}

/**
 * stdout written asynchronously: lines produced while a write is in flight go out together in
 * the next one (a synchronous write per request line cost ~15% of the API's throughput), and
 * an idle service still writes each line at once. Flushed on exit, so shutdown loses no line.
 */
function bufferedStdout(): DestinationStream {
  const dest = pino.destination({ dest: 1, sync: false });
  process.on('exit', () => dest.flushSync());
  return dest;
}

/** Routes Nest's own log calls (bootstrap, route mapping) into the same pino stream. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly pinoLog: Logger) {}
  log(message: unknown, context?: string) {
    this.pinoLog.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    // Nest hands over errors (and their stacks) from TypeORM's retries and unhandled paths too.
    if (message instanceof Error) {
      this.pinoLog.error({ context, err: message }, 'error');
      return;
    }
    this.pinoLog.error({ context, trace: trace && redactStackHead(trace) }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pinoLog.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pinoLog.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pinoLog.trace({ context }, String(message));
  }
}
