import type { Logger as PinoLogger } from 'pino';
import { DataSource, type DataSourceOptions, type Logger as OrmLogger } from 'typeorm';
import { RefreshTokenEntity, SessionEntity } from '../auth/session.entity';
import type { AppConfig } from '../config/config';
import { redactDatabaseMessage } from '../core/safe-error';
import { TaskEntity } from '../tasks/task.entity';
import { UserEntity } from '../users/user.entity';
import { InitialSchema1732406400000 } from './migrations/1732406400000-initial-schema';
import { TaskFieldChecks1764633600000 } from './migrations/1764633600000-task-field-checks';

/** Queries slower than this are warned, by TypeORM and by SqlClient alike. */
export const SLOW_QUERY_MS = 250;

export const ENTITIES = [UserEntity, SessionEntity, RefreshTokenEntity, TaskEntity];
export const MIGRATIONS = [InitialSchema1732406400000, TaskFieldChecks1764633600000];

/**
 * Pool settings make a database outage fail fast instead of hanging requests: a bounded
 * connect wait, a server-side statement timeout, and a client-side query timeout slightly
 * above it for a server that stops answering altogether.
 */
export function dataSourceOptions(config: AppConfig, url: string, log?: PinoLogger): DataSourceOptions {
  const db = config.database;
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    installExtensions: false, // gen_random_uuid() is built into PostgreSQL 13+; no extension needed.
    logger: log ? new OrmPinoLogger(log) : undefined,
    logging: log ? ['error', 'warn', 'migration'] : false,
    maxQueryExecutionTime: SLOW_QUERY_MS,
    poolSize: db.poolMax,
    connectTimeoutMS: db.connectTimeoutMs,
    applicationName: 'taskboard-api',
    extra: {
      max: db.poolMax,
      connectionTimeoutMillis: db.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: db.statementTimeoutMs,
      query_timeout: db.statementTimeoutMs + 500,
    },
  };
}

export function createDataSource(config: AppConfig, url: string, log?: PinoLogger): DataSource {
  return new DataSource(dataSourceOptions(config, url, log));
}

/**
 * TypeORM's own logging prints query parameters (password hashes, emails) to the console.
 * This one writes JSON through pino and never includes parameters; slow queries are warned.
 */
class OrmPinoLogger implements OrmLogger {
  constructor(private readonly pino: PinoLogger) {}
  logQuery(): void {}
  logQueryError(error: string | Error, query: string): void {
    // The query text has placeholders only; the error goes through the serializer that drops values.
    this.pino.warn(
      { err: error instanceof Error ? error : redactDatabaseMessage(error), query },
      'query failed',
    );
  }
  logQuerySlow(time: number, query: string): void {
    this.pino.warn({ durationMs: time, query }, 'slow query');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.pino.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.pino.warn({ orm: message }, 'typeorm warning');
  }
}
