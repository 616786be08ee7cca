import { POSTGRES_PROXY } from '../harness/harness';
import type { Scenario } from './scenario';

/** PostgreSQL becomes unreachable: toxiproxy closes every connection and refuses new ones. */
export const dbDown: Scenario = {
  name: 'db-down',
  title: 'PostgreSQL is unreachable',
  hypothesis:
    'Both replicas fail readiness and answer 503 fast (no hang), no write is acknowledged that is not stored, ApiDatabaseUnreachable and ApiHighErrorRate fire and page, the cache alert stays silent, and service is back within seconds of the database.',
  fault:
    'toxiproxy disables the PostgreSQL proxy (connections closed, new ones refused); the shared server keeps running',
  minFaultSeconds: 8,
  maxFaultSeconds: 45,
  async inject({ harness, log }) {
    await harness.toxiproxy.setEnabled(POSTGRES_PROXY, false);
    log('PostgreSQL cut (toxiproxy proxy disabled)');
  },
  async heal({ harness, log }) {
    await harness.toxiproxy.setEnabled(POSTGRES_PROXY, true);
    log('PostgreSQL reachable again');
  },
  expect: {
    alerts: [
      { name: 'ApiDatabaseUnreachable', state: 'firing' },
      { name: 'ApiHighErrorRate', state: 'firing' },
    ],
    silent: ['ApiCacheErrorRateHigh', 'ApiDatabasePoolSaturated'],
    notified: [
      { receiver: 'page-pagerduty', alert: 'ApiDatabaseUnreachable' },
      { receiver: 'page-pagerduty', alert: 'ApiHighErrorRate' },
    ],
    readinessDuringFault: 'all',
    // The database is down: writes must fail (and say so), so any number may fail while it is.
    maxFailedDuringFault: Number.POSITIVE_INFINITY,
    maxFailedOutsideFault: 0,
    maxRecoverySeconds: 15,
    maxP95DuringFaultMs: 1500,
  },
};
