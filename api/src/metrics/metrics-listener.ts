import { randomUUID } from 'node:crypto';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { collectDefaultMetrics } from 'prom-client';
import type { AppConfig } from '../config/config';
import { apiError } from '../http/api-error';
import { ALWAYS_HEADERS } from '../http/framework-errors';
import { MetricsController } from './metrics.controller';
import { scrape } from './open-metrics';

export const METRICS_PATH = '/metrics';

/**
 * Where `/metrics` lives. Without `METRICS_PORT` it is a route of the main app, as it has always
 * been locally; with it, the main app has no such route (its 404 is the API's) and a listener of
 * its own serves the same registry.
 */
export function metricsModules(config: AppConfig) {
  if (config.exposure.metricsPort === undefined) {
    return [
      PrometheusModule.register({
        path: METRICS_PATH,
        defaultMetrics: { enabled: true },
        controller: MetricsController,
      }),
    ];
  }
  // The process and Node.js metrics the module would otherwise have registered.
  collectDefaultMetrics();
  return [];
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/**
 * A bare Fastify server for the scraper, on the main listener's host: none of the API's hooks,
 * so scrapes are not counted in the request histogram nor logged per request.
 */
export async function startMetricsListener(
  host: string,
  port: number,
  log: Logger,
): Promise<MetricsListener> {
  const server: FastifyInstance = Fastify({ genReqId: () => randomUUID() });
  server.addHook('onRequest', async (req, reply) => {
    reply.headers(ALWAYS_HEADERS).header('x-request-id', req.id);
  });
  server.get(METRICS_PATH, async (req, reply) => {
    const { contentType, body } = await scrape(req.headers.accept);
    reply.header('content-type', contentType);
    return body;
  });
  server.setNotFoundHandler((req, reply) => {
    reply.code(404).send(apiError(404, `Cannot ${req.method} ${req.url.split('?')[0]}`, undefined, req.id));
  });
  server.setErrorHandler((err, req, reply) => {
    log.error({ err, reqId: req.id }, 'metrics listener error');
    reply.code(500).send(apiError(500, 'Internal server error', undefined, req.id));
  });
  await server.listen({ host, port });
  const address = server.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}${METRICS_PATH}`;
  log.info({ url }, 'metrics listening');
  return { url, close: () => server.close() };
}
