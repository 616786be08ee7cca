import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppCache } from '../cache/app-cache';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { Lifecycle } from '../lifecycle/lifecycle';
import { AppMetrics } from '../metrics/app-metrics';
import { RedisConnection } from '../redis/redis-connection';

export const LOGGER = Symbol('LOGGER');

export interface CoreServices {
  config: AppConfig;
  logger: Logger;
  metrics: AppMetrics;
  redis: RedisConnection | undefined;
  cache: AppCache;
  lifecycle: Lifecycle;
}

/** Process-wide singletons built before Nest starts (they are needed by Fastify hooks too). */
@Global()
@Module({})
export class CoreModule {
  static with(core: CoreServices): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: core.config },
      { provide: LOGGER, useValue: core.logger },
      { provide: AppMetrics, useValue: core.metrics },
      { provide: AppCache, useValue: core.cache },
      { provide: Lifecycle, useValue: core.lifecycle },
      ...(core.redis ? [{ provide: RedisConnection, useValue: core.redis }] : []),
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
