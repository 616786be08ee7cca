import { randomUUID } from 'node:crypto';
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { UNMATCHED_ROUTE } from '@taskboard/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Lifecycle } from '../lifecycle/lifecycle';
import type { AppMetrics } from '../metrics/app-metrics';
import { type LogIds, unrecordedIds } from '../tracing/random-ids';
import { activeTracing } from '../tracing/tracing';
import { ALWAYS_HEADERS, API_PREFIX, NO_STORE } from './framework-errors';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Honour a caller's x-request-id when it is sane; otherwise mint one. */
export function requestIdFrom(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The route template Fastify matched; one fixed label for everything else (bounded cardinality). */
export function routeLabel(req: FastifyRequest): string {
  return req.routeOptions.url ?? UNMATCHED_ROUTE;
}

/**
 * A request's tracing state, one slot of one shape whether it is recorded or not: a property that
 * only some requests get gives the request objects two hidden classes, and every framework path
 * that touches a request (Fastify, Nest, the guards) turns polymorphic once sampling mixes them.
 */
interface RequestTrace {
  span: Span | undefined;
  active: Context | undefined;
  ids: LogIds | undefined;
}

/**
 * Per-request observability at the Fastify level, so it also sees requests Nest never
 * routes (malformed JSON, oversized bodies, unknown routes: Nest maps those errors through
 * its exception filters, so they still get the ApiError body): the duration histogram and
 * in-flight gauge, one JSON log line, the request id echoed back, `nosniff` on every answer and
 * `no-store` on every /api answer (set before any handler, so errors carry them too).
 */
export function registerRequestHooks(
  app: FastifyInstance,
  metrics: AppMetrics,
  lifecycle: Lifecycle,
  accessLog: Logger,
): void {
  const inFlight = Symbol('inFlight');
  const traced = Symbol('traced');
  type Tracked = FastifyRequest & {
    [inFlight]?: boolean;
    [traced]?: RequestTrace;
    user?: { id?: string };
  };

  // Decided once: with tracing off no tracing hook is registered and nothing below runs per request.
  const tracing = activeTracing();
  app.addHook('onRequest', (req: Tracked, reply, done) => {
    req[inFlight] = true;
    metrics.httpInFlight.inc();
    reply.header('x-request-id', req.id);
    reply.headers(ALWAYS_HEADERS);
    if (req.url.startsWith(API_PREFIX)) reply.header('cache-control', NO_STORE);
    // While draining, ask keep-alive clients to reconnect (to another replica).
    if (lifecycle.draining) reply.header('connection', 'close');
    if (!tracing) return done();
    // The caller's W3C trace context, parsed only when it sent one.
    const parent =
      req.headers.traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, req.headers);
    const caller = trace.getSpanContext(parent);
    // Not kept (90 % at the production ratio): no span and no context at all, so the cache and
    // database calls below skip their instrumentation after one lookup; the access line still
    // gets ids, in the caller's trace when there is one.
    if (!tracing.shouldRecord(caller)) {
      req[traced] = { span: undefined, active: undefined, ids: unrecordedIds(caller?.traceId) };
      return done();
    }
    // The server span, named by the route template (never the raw path: bounded and free of ids).
    const route = routeLabel(req);
    const span = tracing.tracer.startSpan(
      `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'http.route': route, 'url.scheme': req.protocol },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    req[traced] = { span, active, ids: undefined };
    context.with(active, done);
  });

  // Body parsing resumes on the socket's own async context: re-enter the request's span so the
  // guards, the handler and their database and cache calls are its children.
  if (tracing)
    app.addHook('preHandler', (req: Tracked, _reply, done) => {
      const active = req[traced]?.active;
      if (!active) return done();
      context.with(active, done);
    });

  const finish = (req: Tracked) => {
    if (!req[inFlight]) return false;
    req[inFlight] = false;
    metrics.httpInFlight.dec();
    return true;
  };

  app.addHook('onResponse', (req: Tracked, reply: FastifyReply, done) => {
    finish(req);
    const route = routeLabel(req);
    const seconds = reply.elapsedTime / 1000;
    const recorded = req[traced]?.span;
    const ids = recorded?.spanContext() ?? req[traced]?.ids;
    // Only a recorded trace is worth an exemplar: an unsampled id leads nowhere in X-Ray.
    metrics.observeHttp(
      { method: req.method, route, status_code: String(reply.statusCode) },
      seconds,
      recorded?.spanContext().traceId,
    );
    if (recorded) {
      recorded.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) recorded.setStatus({ code: SpanStatusCode.ERROR });
      recorded.end();
    }
    accessLog.info(
      {
        reqId: req.id,
        trace_id: ids?.traceId,
        span_id: ids?.spanId,
        method: req.method,
        route,
        path: req.url.split('?')[0],
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        userId: req.user?.id,
        // The client as the proxies in front report it (TRUST_PROXY): the "auth failures by
        // client" Logs Insights query groups by it.
        clientIp: req.ip,
      },
      'request completed',
    );
    done();
  });

  app.addHook('onRequestAbort', (req: Tracked, done) => {
    finish(req);
    const span = req[traced]?.span;
    if (span) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
      span.end();
    }
    done();
  });
}
