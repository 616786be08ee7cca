import type { Started } from '../harness/processes';
import type { Scenario } from './scenario';

const BURNERS = 2;
let burners: Started[] = [];

/** Busy loops on every core for 20 s (a noisy neighbour, or a CPU limit far below need). */
export const cpuStress: Scenario = {
  name: 'cpu-stress',
  title: 'The CPU is saturated by other processes',
  hypothesis:
    'Under CPU starvation the API slows down but keeps answering: no request fails, readiness stays green, no availability or database alert fires, and latency returns to normal when the pressure stops.',
  fault: `${BURNERS} busy-loop processes (one per core) for 20 s`,
  minFaultSeconds: 20,
  maxFaultSeconds: 20,
  async inject({ harness, log }) {
    burners = Array.from({ length: BURNERS }, (_, i) =>
      harness.processes.start(`cpu-burner-${i}`, process.execPath, ['-e', 'for (;;) {}'], {}),
    );
    log(`${BURNERS} CPU burners started`);
  },
  async heal({ harness, log }) {
    await Promise.all(burners.map((b) => harness.processes.kill(b)));
    burners = [];
    log('CPU burners stopped');
  },
  expect: {
    alerts: [],
    silent: ['ApiHighErrorRate', 'ApiDatabaseUnreachable', 'ApiCacheErrorRateHigh'],
    notified: [],
    readinessDuringFault: 'none',
    maxFailedDuringFault: 0,
    maxFailedOutsideFault: 0,
    maxRecoverySeconds: 15,
    maxP95DuringFaultMs: 3000,
  },
};
