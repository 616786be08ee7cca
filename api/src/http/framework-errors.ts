import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { apiError } from './api-error';

/** Headers every answer carries, including the ones Fastify or Node write before any route runs. */
export const ALWAYS_HEADERS = { 'x-content-type-options': 'nosniff' } as const;

/** API answers (and every auth answer) are per-user or credentials: no cache may keep them. */
export const API_PREFIX = '/api/';
export const NO_STORE = 'no-store';

/**
 * Fastify options that make the framework's own refusals answer in the API's error shape, with a
 * request id, instead of Fastify's or Node's built-in bodies:
 * - `frameworkErrors`: undecodable URLs (`%zz`) are a 400 naming the path;
 * - `maxParamLength`: as long as the HTTP parser lets a URL be, so an overlong `:id` reaches the
 *   route and its validation (400) rather than falling out of the router as a 404/414;
 * - `clientErrorHandler`: requests Node cannot parse (bad method, header or framing; a request
 *   line or headers beyond `maxHeaderSize`; a request timeout) get the same JSON shape.
 */
export function frameworkErrorOptions(): Pick<
  FastifyServerOptions,
  'frameworkErrors' | 'routerOptions' | 'clientErrorHandler'
> {
  return {
    routerOptions: { maxParamLength: maxHeaderSize },
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      const badPath = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const status = badPath ? 400 : 500;
      const body = badPath
        ? apiError(400, 'Malformed URL', { path: ['is not a valid URL path'] }, req.id)
        : apiError(500, 'Internal server error', undefined, req.id);
      reply.headers(ALWAYS_HEADERS).header('x-request-id', req.id);
      if (req.url.startsWith(API_PREFIX)) reply.header('cache-control', NO_STORE);
      reply.code(status).send(body);
    },
    clientErrorHandler: answerClientError,
  };
}

/** Node's `clientError`: there is no request object yet, so the answer is written to the socket. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer (Node's own handler does the same).
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const requestId = randomUUID();
  const body = JSON.stringify(
    status === 400
      ? apiError(
          400,
          'Malformed HTTP request',
          { request: ['is not a well-formed HTTP/1.1 request'] },
          requestId,
        )
      : apiError(
          status,
          status === 408 ? 'Request timed out' : `Request line and headers exceed ${maxHeaderSize} bytes`,
          undefined,
          requestId,
        ),
  );
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-content-type-options: ${ALWAYS_HEADERS['x-content-type-options']}\r\n` +
        `cache-control: ${NO_STORE}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
    // Closed once the answer is flushed, whatever the peer does: a half-open socket would keep
    // the server (and its shutdown) waiting on a client that never hangs up.
    socket.once('finish', () => socket.destroy());
    setTimeout(() => socket.destroy(), 1000).unref();
  } else {
    socket.destroy(err);
  }
}
