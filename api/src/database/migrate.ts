import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';

/** Arbitrary but fixed: every replica and the migration Job contend for the same key. */
export const MIGRATION_LOCK_KEY = 727_361_001;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so replicas booting
 * together (or a Job racing a pod) never run the same migration twice. The lock and the
 * migrations share one connection, which also works on the single-session embedded database.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  /** Runs after the migrations, still under the lock (e.g. ensureAppRole). */
  afterMigrations?: (runner: QueryRunner) => Promise<void>,
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // Migrations may legitimately run longer than the request statement timeout.
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      await afterMigrations?.(runner);
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}
