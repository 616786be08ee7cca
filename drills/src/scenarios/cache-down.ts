import { REDIS_PROXY } from '../harness/harness';
import type { Scenario } from './scenario';

/** Redis becomes unreachable: toxiproxy closes every connection and refuses new ones. */
export const cacheDown: Scenario = {
  name: 'cache-down',
  title: 'Redis (the cache) is unreachable',
  hypothesis:
    'A cache outage is a degradation, not an outage: every request still succeeds from PostgreSQL, readiness stays green, ApiCacheErrorRateHigh fires as a ticket and nothing pages.',
  fault:
    'toxiproxy disables the Redis proxy (connections closed, new ones refused); the shared server keeps running',
  minFaultSeconds: 8,
  maxFaultSeconds: 60,
  async inject({ harness, log }) {
    await harness.toxiproxy.setEnabled(REDIS_PROXY, false);
    log('Redis cut (toxiproxy proxy disabled)');
  },
  async heal({ harness, log }) {
    await harness.toxiproxy.setEnabled(REDIS_PROXY, true);
    log('Redis reachable again');
  },
  expect: {
    alerts: [{ name: 'ApiCacheErrorRateHigh', state: 'firing' }],
    silent: ['ApiHighErrorRate', 'ApiDatabaseUnreachable'],
    notified: [{ receiver: 'ticket-sns', alert: 'ApiCacheErrorRateHigh' }],
    readinessDuringFault: 'none',
    maxFailedDuringFault: 0,
    maxFailedOutsideFault: 0,
    maxRecoverySeconds: 15,
    maxP95DuringFaultMs: 1000,
  },
};
