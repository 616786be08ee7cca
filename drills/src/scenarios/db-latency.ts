import { POSTGRES_PROXY } from '../harness/harness';
import type { Scenario } from './scenario';

const TOXIC = 'drill-db-latency';

/** Every PostgreSQL reply is delayed 400 ms (a slow network path or an overloaded database). */
export const dbLatency: Scenario = {
  name: 'db-latency',
  title: 'PostgreSQL answers 400 ms late',
  hypothesis:
    'Requests slow down but succeed (each stays under the 1.25 s request deadline), readiness stays green, ApiHighLatency fires as a ticket and nothing pages.',
  fault: 'toxiproxy adds 400 ms latency to every PostgreSQL reply (downstream)',
  minFaultSeconds: 10,
  maxFaultSeconds: 60,
  async inject({ harness, log }) {
    await harness.toxiproxy.addToxic(POSTGRES_PROXY, {
      name: TOXIC,
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 400, jitter: 0 },
    });
    log('PostgreSQL replies delayed by 400 ms');
  },
  async heal({ harness, log }) {
    await harness.toxiproxy.removeToxic(POSTGRES_PROXY, TOXIC);
    log('PostgreSQL latency removed');
  },
  expect: {
    alerts: [{ name: 'ApiHighLatency', state: 'firing' }],
    silent: ['ApiHighErrorRate', 'ApiDatabaseUnreachable', 'ApiCacheErrorRateHigh'],
    notified: [{ receiver: 'ticket-sns', alert: 'ApiHighLatency' }],
    readinessDuringFault: 'none',
    // A transaction is a few round trips: well under the deadline, but a starved CPU can push one over.
    maxFailedDuringFault: 10,
    maxFailedOutsideFault: 0,
    maxRecoverySeconds: 15,
    maxP95DuringFaultMs: 2000,
  },
};
