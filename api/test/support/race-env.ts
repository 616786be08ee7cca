import { EMBEDDED } from './env';

/**
 * App settings for the race trials, which fire bursts of concurrent requests.
 * - The harness hands the embedded server's URL to the app as DATABASE_URL, which gives it a
 *   pool of 10 against a PGlite server that takes one connection (the others are dropped:
 *   503 "Connection terminated unexpectedly"); embedded mode proper runs a pool of one.
 * - Generous pool and statement waits: a loaded machine queues the bursts, and a 503 from that
 *   is not what the trials test.
 */
export const RACE_APP_ENV: Record<string, string | undefined> = {
  DATABASE_POOL_MAX: EMBEDDED ? '1' : undefined,
  DATABASE_CONNECT_TIMEOUT_MS: '10000',
  DATABASE_STATEMENT_TIMEOUT_MS: '10000',
};
