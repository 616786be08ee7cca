/**
 * App settings for the race trials, which fire bursts of concurrent requests: generous pool and
 * statement waits, since a loaded machine queues the bursts and a 503 from that is not what the
 * trials test.
 */
export const RACE_APP_ENV: Record<string, string | undefined> = {
  DATABASE_CONNECT_TIMEOUT_MS: '10000',
  DATABASE_STATEMENT_TIMEOUT_MS: '10000',
};
