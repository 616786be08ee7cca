import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResult, QueryResultRow } from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { LOGGER } from '../core/core.module';
import { AppMetrics } from '../metrics/app-metrics';
import { SLOW_QUERY_MS } from './data-source';

/**
 * Handwritten SQL for the request hot paths (the task endpoints), run on the pg pool TypeORM
 * opened, so it shares its size, connect timeout and statement timeouts. TypeORM's
 * `DataSource.query` builds and tears down a QueryRunner (and its event broadcaster) per call,
 * which was a measurable share of a request; the pool checks a client out and back in by
 * itself. Entities, transactions and migrations stay on TypeORM.
 */
@Injectable()
export class SqlClient {
  readonly pool: Pool;

  constructor(
    @InjectDataSource() db: DataSource,
    private readonly metrics: AppMetrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    // The postgres driver keeps its pg.Pool here once the DataSource is initialized.
    this.pool = (db.driver as unknown as { master: Pool }).master;
  }

  /** Runs one statement, timed under a fixed `operation` name; parameters are never logged. */
  async query<R extends QueryResultRow>(
    operation: string,
    text: string,
    params: unknown[],
  ): Promise<QueryResult<R>> {
    const started = performance.now();
    try {
      const result = await this.metrics.timeDb(operation, () => this.pool.query<R>(text, params));
      const ms = performance.now() - started;
      if (ms > SLOW_QUERY_MS) this.log.warn({ operation, durationMs: Math.round(ms) }, 'slow query');
      return result;
    } catch (err) {
      this.log.warn({ operation, err }, 'query failed'); // the logger's serializer drops values
      throw err;
    }
  }

  async rows<R extends QueryResultRow>(operation: string, text: string, params: unknown[]): Promise<R[]> {
    return (await this.query<R>(operation, text, params)).rows;
  }
}
