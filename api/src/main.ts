import './tracing/register';
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/config';
import { buildCoreServices } from './core/core-services';
import { createLogger } from './core/logger';
import { createDataSource } from './database/data-source';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { runMigrationsLocked } from './database/migrate';
import { startMetricsListener } from './metrics/metrics-listener';
import { activeTracer, stopTracing } from './tracing/tracing';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.http.logLevel);
  if (activeTracer())
    logger.info({ endpoint: config.tracing.endpoint, sampleRatio: config.tracing.sampleRatio }, 'tracing on');

  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres(config.database.embeddedDataDir);
  if (embedded)
    logger.info({ dataDir: config.database.embeddedDataDir }, 'DATABASE_URL unset: using embedded PGlite');
  const databaseUrl = config.database.url ?? embedded!.url;

  if (config.database.migrateOnBoot) {
    const ds = createDataSource(config, databaseUrl, logger);
    await ds.initialize();
    try {
      const applied = await runMigrationsLocked(ds);
      logger.info({ applied }, 'migrations up to date');
    } finally {
      await ds.destroy();
    }
  }

  const core = buildCoreServices(config, logger);
  if (!core.redis) logger.info('REDIS_URL unset: using the in-process cache');
  const app = await createApp(core, databaseUrl);
  await app.listen({ host: config.http.host, port: config.http.port });
  logger.info({ url: await app.getUrl() }, 'listening');
  const metricsPort = config.exposure.metricsPort;
  const metricsListener =
    metricsPort === undefined ? undefined : await startMetricsListener(config.http.host, metricsPort, logger);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // 1. Fail readiness so the load balancer stops sending new work; keep serving meanwhile.
    core.lifecycle.startDraining();
    logger.info({ signal, delayMs: config.shutdown.delayMs }, 'draining');
    setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdown.timeoutMs).unref();
    await sleep(config.shutdown.delayMs);
    // 2. Stop accepting, let in-flight requests finish, then close the pool and Redis.
    await app.close();
    // Scraped until the very end, so the last seconds of a drain are still observed.
    await metricsListener?.close();
    await core.redis?.close();
    await embedded?.stop();
    await stopTracing(); // exports the spans of the last requests
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
