import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppCache } from '../cache/app-cache';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { HealthLiveDoc, HealthReportDoc } from '../http/openapi.dto';
import { ApiPublicOperation } from '../http/openapi.responses';
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
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.dbPingTimeoutMs = readinessDbBudgetMs(config);
  }

  private readonly dbPingTimeoutMs: number;

  /** Liveness: the process serves HTTP. No dependency is checked (a DB outage must not restart pods). */
  @Get()
  @ApiPublicOperation({
    operationId: 'live',
    summary: 'Liveness (no dependencies)',
    description: 'Checks nothing but the process: a database outage must not restart pods.',
  })
  @ApiResponse({ status: 200, type: HealthLiveDoc, description: 'The process serves HTTP' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: fails while draining for shutdown or when the database is unreachable; the cache is only reported. */
  @Get('ready')
  // Our own response docs below: Terminus' generated ones are inline and omit the 503's shapes.
  @HealthCheck({ swaggerDocumentation: false })
  @ApiPublicOperation({
    operationId: 'ready',
    summary: 'Readiness: database required, cache reported',
    description: 'Fails while the database does not answer or the process drains for shutdown.',
  })
  @ApiResponse({ status: 200, type: HealthReportDoc, description: 'Ready: the database answers' })
  @ApiResponse({
    status: 503,
    type: HealthReportDoc,
    description:
      'Not ready: the database does not answer within the request deadline (1250 ms by default), or the process is shutting down',
  })
  async ready() {
    if (this.lifecycle.draining) {
      throw new ServiceUnavailableException({ status: 'shutting_down', info: {}, error: {}, details: {} });
    }
    try {
      const result = await this.health.check([
        () => this.db.pingCheck('database').withTimeout(this.dbPingTimeoutMs),
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

/**
 * How long readiness waits for the database: as long as a request would (its deadline, else the
 * statement timeout), not the 500 ms latency SLO. Readiness takes every replica out at once when
 * the shared database misbehaves, so it must fail only when requests would fail too; a database
 * that is merely slow shows as latency (ApiHighLatency) while the pods keep serving. With the old
 * 500 ms budget a database 520 ms away made both replicas unready while every request succeeded
 * (the db-latency drill): on the cluster, an outage made by the health check.
 */
export function readinessDbBudgetMs(config: AppConfig): number {
  return config.database.requestDeadlineMs || config.database.statementTimeoutMs;
}
