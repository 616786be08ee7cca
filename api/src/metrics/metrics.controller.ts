import { Controller, Get, Headers, Res } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { scrape } from './open-metrics';

/** `/metrics` on the main app, negotiated like the dedicated listener (OpenMetrics carries exemplars). */
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  override async index(
    @Res({ passthrough: true }) response: FastifyReply,
    @Headers('accept') accept?: string,
  ): Promise<string> {
    const { contentType, body } = await scrape(accept);
    response.header('content-type', contentType);
    return body;
  }
}
