import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { RUM_PATH, WEB_VITAL_TIMINGS } from '@taskboard/contracts';
import type { Logger } from 'pino';
import { LOGGER } from '../core/core.module';
import {
  ApiBodyRefusals,
  ApiInvalidInput,
  ApiPublicOperation,
  ApiRateLimited,
} from '../http/openapi.responses';
import { RumReportDto } from './rum.dto';
import { RumMetrics } from './rum-metrics';
import { RumRateLimitGuard } from './rum-rate-limit.guard';

const TIMINGS: readonly string[] = WEB_VITAL_TIMINGS;

@ApiTags('rum')
@Controller(RUM_PATH.slice(1))
export class RumController {
  constructor(
    private readonly metrics: RumMetrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  @Post()
  @HttpCode(204)
  @UseGuards(RumRateLimitGuard)
  @ApiPublicOperation({
    operationId: 'reportRum',
    summary: 'Real-user monitoring: web vitals and uncaught errors from the SPA (anonymous)',
    description:
      'Becomes Prometheus histograms and counters labelled by SPA page; error messages are logged, ' +
      'never used as labels. Small bodies only, rate limited per client.',
  })
  @ApiResponse({ status: 204, description: 'Recorded' })
  @ApiInvalidInput('Not a valid report; `fields` names what is wrong')
  @ApiBodyRefusals()
  @ApiRateLimited('Too many reports from this client')
  record(@Body() report: RumReportDto): void {
    const route = report.route;
    for (const v of report.vitals ?? []) {
      // The browser reports milliseconds; Prometheus convention is seconds.
      if (TIMINGS.includes(v.name))
        this.metrics.vitalsSeconds.observe({ metric: v.name, route }, v.value / 1000);
      else this.metrics.vitalsCls.observe({ route }, v.value);
    }
    for (const e of report.errors ?? []) {
      this.metrics.errors.inc({ route, kind: e.kind });
      // The message helps whoever chases the error; it is never a label (unbounded).
      this.log.warn({ route, kind: e.kind, message: e.message }, 'frontend error reported');
    }
  }
}
