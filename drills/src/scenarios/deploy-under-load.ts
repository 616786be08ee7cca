import type { Scenario } from './scenario';

/** A rolling restart of both replicas (a deploy), one at a time, under traffic. */
export const deployUnderLoad: Scenario = {
  name: 'deploy-under-load',
  title: 'Rolling restart of both replicas under load',
  hypothesis:
    'A deploy is invisible to users: each replica drains on SIGTERM (readiness fails first, in-flight requests finish, then the listener closes), the other one serves meanwhile, no request fails and no alert fires.',
  fault: 'SIGTERM taskboard-api-a, start it again, wait until ready; then the same for taskboard-api-b',
  minFaultSeconds: 0,
  maxFaultSeconds: 0,
  async inject({ harness, log }) {
    for (const replica of harness.replicas) {
      await replica.stop();
      log(`${replica.spec.pod} drained and stopped`);
      await replica.start();
      log(`${replica.spec.pod} restarted and ready`);
    }
  },
  async heal() {
    // The restart is the whole fault: nothing to undo.
  },
  expect: {
    alerts: [],
    silent: ['ApiHighErrorRate', 'ApiDatabaseUnreachable', 'ApiCacheErrorRateHigh'],
    notified: [],
    seenInPrometheus: {
      expr: 'up{job="taskboard-api"} == 0',
      meaning: 'Prometheus saw each replica go away during the rollout (up == 0)',
    },
    readinessDuringFault: 'all',
    // A POST nginx already sent on a kept-alive connection the draining replica closes is not retried.
    maxFailedDuringFault: 2,
    maxFailedOutsideFault: 0,
    maxRecoverySeconds: 15,
    maxP95DuringFaultMs: 1500,
  },
};
