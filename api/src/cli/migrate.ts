import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config';
import { appRoleFromEnv, ensureAppRole } from '../database/app-role';
import { createDataSource } from '../database/data-source';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { runMigrationsLocked } from '../database/migrate';

/** `make migrate` / the Helm pre-upgrade Job: apply pending migrations under the advisory lock. */
async function main(): Promise<void> {
  const config = loadConfig();
  // DATABASE_URL is the owner/master login; APP_DB_USER/APP_DB_PASSWORD name the API's role.
  const appRole = appRoleFromEnv();
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres(config.database.embeddedDataDir);
  const ds = createDataSource(config, config.database.url ?? embedded!.url);
  await ds.initialize();
  try {
    const applied = await runMigrationsLocked(
      ds,
      appRole ? (runner) => ensureAppRole((sql, params) => runner.query(sql, params), appRole) : undefined,
    );
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
    if (appRole) process.stdout.write(`app role ${appRole.user}: password set, DML granted\n`);
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(err instanceof ConfigError ? 78 : 1);
});
