import type { Logger } from 'pino';
import { AppCache } from '../cache/app-cache';
import type { AppConfig } from '../config/config';
import { Lifecycle } from '../lifecycle/lifecycle';
import { AppMetrics } from '../metrics/app-metrics';
import { RedisConnection } from '../redis/redis-connection';
import type { CoreServices } from './core.module';

export function buildCoreServices(config: AppConfig, logger: Logger): CoreServices {
  const metrics = new AppMetrics();
  const redis = config.cache.redisUrl
    ? new RedisConnection(config.cache.redisUrl, logger, config.database.connectTimeoutMs)
    : undefined;
  redis?.start();
  const cache = new AppCache(metrics, config.cache.opTimeoutMs, redis);
  return { config, logger, metrics, redis, cache, lifecycle: new Lifecycle() };
}
