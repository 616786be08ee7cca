import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import { RUM_PATH } from '@taskboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SharedRateLimitStorage } from '../auth/rate-limit.storage';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AppMetrics } from '../metrics/app-metrics';

/**
 * Per-client fixed window on the anonymous RUM endpoint, counted in the same Redis-backed
 * storage as the auth limiter (shared by replicas, local while Redis is down). A plain 429
 * rather than a ThrottlerException: those are counted as refused login attempts.
 */
@Injectable()
export class RumRateLimitGuard implements CanActivate {
  constructor(
    private readonly storage: SharedRateLimitStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: AppMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const { rateLimit, rateWindowSeconds } = this.config.rum;
    const { totalHits, timeToExpire } = await this.storage.increment(
      `rum:${req.ip}`,
      rateWindowSeconds * 1000,
      rateLimit,
      0,
      'rum',
    );
    if (totalHits <= rateLimit) return true;
    this.metrics.rateLimited.inc({ route: RUM_PATH });
    http.getResponse<FastifyReply>().header('retry-after', String(Math.max(1, timeToExpire)));
    throw new HttpException('Too many reports; retry later', HttpStatus.TOO_MANY_REQUESTS);
  }
}
