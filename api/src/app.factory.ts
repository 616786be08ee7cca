import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import type { CoreServices } from './core/core.module';
import { createAccessLogger, NestPinoLogger } from './core/logger';
import { applyRequestDeadlines, registerRequestDeadline } from './database/request-deadline';
import { ApiExceptionFilter } from './http/exceptions.filter';
import { frameworkErrorOptions } from './http/framework-errors';
import { registerStrictJsonBody } from './http/json-body';
import { setupOpenApi } from './http/openapi';
import { registerRequestHooks, requestIdFrom } from './http/request-hooks';
import { StrictValidationPipe } from './http/validation.pipe';
import { limitRumBody } from './rum/rum.module';
import { registerSpa } from './spa/spa';

/** Builds the whole HTTP application (not yet listening). Used by main.ts and by the tests. */
export async function createApp(core: CoreServices, databaseUrl: string): Promise<NestFastifyApplication> {
  const { config, logger, metrics, lifecycle } = core;
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request is written by our onResponse hook, not by Fastify.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: requestIdFrom,
    trustProxy: trustProxyOption(config.http.trustProxy),
    bodyLimit: config.http.bodyLimit,
    // In-flight requests on kept-alive connections finish normally during shutdown.
    return503OnClosing: false,
    ...frameworkErrorOptions(),
  });
  registerRequestHooks(adapter.getInstance(), metrics, lifecycle, createAccessLogger(logger));
  if (config.database.requestDeadlineMs > 0)
    registerRequestDeadline(adapter.getInstance(), config.database.requestDeadlineMs);
  // JSON only, strictly UTF-8 and bounded in depth: anything else is a 4xx (Nest adds no parser).
  adapter.getInstance().removeContentTypeParser('text/plain');
  registerStrictJsonBody(adapter.getInstance());
  limitRumBody(adapter.getInstance());

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(core, databaseUrl), adapter, {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
  });
  await app.register(fastifyCookie);
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(logger, metrics));

  // Production serves no /docs unless DOCS_ENABLED=true (the public listener then answers 404).
  if (config.exposure.docsEnabled) setupOpenApi(app);

  // Local mode: the built SPA from the same origin (history fallback, caching, CSP).
  if (config.spa.dir) await registerSpa(app, config.spa.dir);

  await app.init();
  const pool = (app.get(DataSource).driver as unknown as { master: Pool }).master;
  applyRequestDeadlines(pool);
  metrics.poolStats = () => ({
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: config.database.poolMax,
  });
  return app;
}

/** A hop count becomes "trust the nearest N proxies" (Fastify's typings omit the numeric form). */
function trustProxyOption(value: boolean | number | string[]) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}
