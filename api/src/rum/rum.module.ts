import { Module } from '@nestjs/common';
import { RUM_LIMITS, RUM_PATH } from '@taskboard/contracts';
import type { FastifyInstance } from 'fastify';
import { SharedRateLimitStorage } from '../auth/rate-limit.storage';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { RedisConnection } from '../redis/redis-connection';
import { RumController } from './rum.controller';
import { RumMetrics } from './rum-metrics';
import { RumRateLimitGuard } from './rum-rate-limit.guard';

@Module({
  controllers: [RumController],
  providers: [
    RumMetrics,
    RumRateLimitGuard,
    {
      provide: SharedRateLimitStorage,
      inject: [APP_CONFIG, { token: RedisConnection, optional: true }],
      useFactory: (config: AppConfig, redis: RedisConnection | undefined) =>
        new SharedRateLimitStorage(redis ?? undefined, config.cache.opTimeoutMs),
    },
  ],
})
export class RumModule {}

/**
 * Reports are tiny, so the RUM route gets a body limit far below the app's: Fastify refuses a
 * larger body with 413 before reading it. Must be called before Nest registers its routes.
 */
export function limitRumBody(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (route.url === RUM_PATH) route.bodyLimit = RUM_LIMITS.maxBodyBytes;
  });
}
