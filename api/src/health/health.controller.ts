import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppCache } from '../cache/app-cache';
import { Lifecycle } from '../lifecycle/lifecycle';
import { AppMetrics } from '../metrics/app-metrics';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly cache: AppCache,
    private readonly lifecycle: Lifecycle,
    private readonly metrics: AppMetrics,
  ) {}

  /** Liveness: the process serves HTTP. No dependency is checked (a DB outage must not restart pods). */
  @Get()
  @ApiOperation({ summary: 'Liveness (no dependencies)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: fails while draining for shutdown or when the database is unreachable; the cache is only reported. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: database required, cache reported' })
  async ready() {
    if (this.lifecycle.draining) {
      throw new ServiceUnavailableException({ status: 'shutting_down', info: {}, error: {}, details: {} });
    }
    try {
      const result = await this.health.check([
        () => this.db.pingCheck('database').withTimeout(500),
        () => this.cacheStatus(),
      ]);
      this.metrics.dbUp.set(1);
      return result;
    } catch (err) {
      this.metrics.dbUp.set(0);
      throw err;
    }
  }

  private cacheStatus(): HealthIndicatorResult<'cache'> {
    return { cache: { status: this.cache.healthy ? 'up' : 'degraded', backend: this.cache.backend } };
  }
}
