import { POSTGRES_PROXY } from '../harness/harness';
import type { Scenario } from './scenario';

const TOXIC = 'drill-db-latency';
/**
 * Sized from what the fault must do, not guessed: one round trip must cross the 0.5 s latency SLO
 * (the histogram's 0.5 s bucket boundary: at 400 ms every request stayed in the 0.3–0.5 s bucket
 * and ApiHighLatency could not fire), while two (a new pool connection, then the query) stay
 * within the 1.25 s request deadline.
 */
const LATENCY_MS = 520;

/** Every PostgreSQL reply is delayed 520 ms (a slow network path or an overloaded database). */
export const dbLatency: Scenario = {
  name: 'db-latency',
  title: `PostgreSQL answers ${LATENCY_MS} ms late`,
  hypothesis:
    'Requests slow down but succeed (each under the 1.25 s request deadline) and ApiHighLatency fires as a ticket. Readiness waits for the database as long as a request would, so both replicas stay ready and nothing pages: a slow database is latency, not an outage.',
  fault: `toxiproxy adds ${LATENCY_MS} ms latency to every PostgreSQL reply (downstream)`,
  minFaultSeconds: 10,
  maxFaultSeconds: 60,
  async inject({ harness, log }) {
    await harness.toxiproxy.addToxic(POSTGRES_PROXY, {
      name: TOXIC,
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: LATENCY_MS, jitter: 0 },
    });
    log(`PostgreSQL replies delayed by ${LATENCY_MS} ms`);
  },
  async heal({ harness, log }) {
    await harness.toxiproxy.removeToxic(POSTGRES_PROXY, TOXIC);
    log('PostgreSQL latency removed');
  },
  expect: {
    // Readiness's ping budget is the request deadline, not the 500 ms SLO (health.controller.ts):
    // with a 500 ms budget this fault took both replicas out while every request succeeded.
    alerts: [{ name: 'ApiHighLatency', state: 'firing' }],
    silent: ['ApiHighErrorRate', 'ApiCacheErrorRateHigh', 'ApiDatabaseUnreachable'],
    notified: [{ receiver: 'ticket-sns', alert: 'ApiHighLatency' }],
    readinessDuringFault: 'none',
    // A transaction is a few round trips: well under the deadline, but a starved CPU can push one over.
    maxFailedDuringFault: 10,
    maxFailedOutsideFault: 0,
    maxRecoverySeconds: 15,
    maxP95DuringFaultMs: 2000,
  },
};
