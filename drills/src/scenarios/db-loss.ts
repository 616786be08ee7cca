import { POSTGRES_PROXY } from '../harness/harness';
import type { Scenario } from './scenario';

const TOXIC = 'drill-db-loss';
/**
 * Share of connections that stall. The pool holds only a few connections per replica, so at 35% no
 * connection in use stalled in one of four runs (no failure at all: the fault did not happen).
 */
const STALLED_SHARE = 0.5;
/**
 * toxiproxy draws a toxic's toxicity per connection once, when the toxic is added (or the
 * connection opens). With the same half for 20 s, a pool whose connections all drew "clean" saw no
 * fault at all (a rehearsal on 2026-12-03: 0 failures, the 5xx check failed). Drawing again every
 * 5 s stalls a fresh half each time, as a lossy path would, and makes a fault-free run negligible.
 */
const REDRAW_MS = 5000;

const toxic = {
  name: TOXIC,
  type: 'timeout',
  stream: 'downstream',
  toxicity: STALLED_SHARE,
  attributes: { timeout: 2000 },
} as const;

/** The re-draw loop of the running drill; heal stops it before the toxic goes for good. */
let redraw: { timer: NodeJS.Timeout; last: Promise<unknown> } | undefined;

/**
 * A lossy path to PostgreSQL. toxiproxy has no packet loss; its `timeout` toxic on a share of the
 * connections is the TCP-level effect of heavy loss: those connections stop delivering data and are
 * closed after a while, the others work.
 */
export const dbLoss: Scenario = {
  name: 'db-loss',
  title: 'Half of the connections to PostgreSQL stall (heavy packet loss)',
  hypothesis:
    'The request deadline bounds the damage: a request on a stalled connection fails within about 1.25 s instead of hanging, the pool replaces the connection, most requests still succeed, nothing acknowledged is lost, and the service is clean again as soon as the path is.',
  fault: `toxiproxy stalls ${STALLED_SHARE * 100}% of PostgreSQL connections, drawn again every ${REDRAW_MS / 1000} s (timeout toxic, closed after 2 s)`,
  minFaultSeconds: 20,
  maxFaultSeconds: 20,
  async inject({ harness, log }) {
    await harness.toxiproxy.addToxic(POSTGRES_PROXY, toxic);
    const loop = {
      last: Promise.resolve() as Promise<unknown>,
      timer: setInterval(() => {
        loop.last = loop.last
          .then(() => harness.toxiproxy.removeToxic(POSTGRES_PROXY, TOXIC))
          .then(() => harness.toxiproxy.addToxic(POSTGRES_PROXY, toxic))
          .catch((err: unknown) => log(`re-drawing the stalled connections failed: ${String(err)}`));
      }, REDRAW_MS),
    };
    redraw = loop;
    log(`${STALLED_SHARE * 100}% of PostgreSQL connections stall (drawn again every ${REDRAW_MS / 1000} s)`);
  },
  async heal({ harness, log }) {
    if (redraw) {
      clearInterval(redraw.timer);
      await redraw.last; // a re-draw in flight must not add the toxic back after this removes it
      redraw = undefined;
    }
    await harness.toxiproxy.removeToxic(POSTGRES_PROXY, TOXIC);
    log('PostgreSQL path clean again');
  },
  expect: {
    alerts: [],
    silent: ['ApiCacheErrorRateHigh', 'ApiDatabasePoolSaturated'],
    notified: [],
    seenInPrometheus: {
      expr: 'sum(increase(http_request_duration_seconds_count{status_code=~"5.."}[10s])) > 0',
      meaning: 'Prometheus saw the failed requests (5xx)',
    },
    readinessDuringFault: 'any',
    maxFailedDuringFault: Number.POSITIVE_INFINITY,
    maxFailedOutsideFault: 0,
    maxRecoverySeconds: 20,
    // The deadline (1.25 s) plus nginx: nothing may hang for the client's 5 s timeout.
    maxP95DuringFaultMs: 2500,
  },
};
