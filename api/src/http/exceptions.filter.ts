import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AppMetrics } from '../metrics/app-metrics';
import { apiError, isDatabaseUnavailable } from './api-error';

/**
 * The single place errors become responses: every 4xx/5xx is the contract's ApiError JSON,
 * database outages are a fast 503 with Retry-After (clients and load balancers back off),
 * and only genuinely unexpected errors are 500 and logged with their stack.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly log: Logger,
    private readonly metrics: AppMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, body } = this.describe(exception, req);
    if (status === 503) reply.header('retry-after', '1');
    if (status === 429) copyRetryAfter(reply);
    if (reply.sent) return;
    reply.status(status).send({ ...body, requestId: req.id });
  }

  private describe(
    exception: unknown,
    req: FastifyRequest,
  ): { status: number; body: ReturnType<typeof apiError> } {
    if (exception instanceof ThrottlerException) {
      const route = req.routeOptions.url ?? 'unknown';
      this.metrics.rateLimited.inc({ route });
      const action = route.endsWith('/register') ? 'register' : 'login';
      this.metrics.authAttempts.inc({ action, result: 'rate_limited' });
      return { status: 429, body: apiError(429, 'Too many attempts; retry later') };
    }
    if (exception instanceof HttpException && isHealthReport(exception.getResponse())) {
      // Terminus readiness reports keep their own shape: probes and operators read its details.
      return { status: exception.getStatus(), body: exception.getResponse() as ReturnType<typeof apiError> };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const r = (typeof res === 'string' ? { message: res } : res) as {
        message?: unknown;
        fields?: Record<string, string[]>;
      };
      let message = Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? exception.message);
      if (status === 415) message = 'Unsupported content type: send application/json';
      // A 400 always names what was wrong; without a field it was the body as a whole.
      const fields =
        r.fields ?? (status === 400 || status === 413 || status === 415 ? { body: [message] } : undefined);
      return { status, body: apiError(status, message, fields) };
    }
    if (isDatabaseUnavailable(exception)) {
      this.log.warn({ reqId: req.id, err: exception }, 'database unavailable');
      return { status: 503, body: apiError(503, 'Database temporarily unavailable; retry shortly') };
    }
    // The logger's `err` serializer keeps a database error's SQLSTATE and object names, never its values.
    this.log.error({ reqId: req.id, err: exception }, 'unhandled error');
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: apiError(500, 'Internal server error') };
  }
}

/**
 * @nestjs/throttler names its header after the throttler (`Retry-After-auth`); clients and proxies
 * only know the standard `Retry-After` (seconds until the window resets), so it is copied over.
 */
function copyRetryAfter(reply: FastifyReply): void {
  if (reply.hasHeader('retry-after')) return;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (name.toLowerCase().startsWith('retry-after-') && value !== undefined) {
      reply.header('retry-after', String(value));
      return;
    }
  }
}

function isHealthReport(res: unknown): boolean {
  return typeof res === 'object' && res !== null && 'details' in res && 'status' in res;
}
