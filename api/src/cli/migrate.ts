import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config';
import { createDataSource } from '../database/data-source';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { runMigrationsLocked } from '../database/migrate';

/** `make migrate` / the Helm pre-upgrade Job: apply pending migrations under the advisory lock. */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres(config.database.embeddedDataDir);
  const ds = createDataSource(config, config.database.url ?? embedded!.url);
  await ds.initialize();
  try {
    const applied = await runMigrationsLocked(ds);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(err instanceof ConfigError ? 78 : 1);
});
