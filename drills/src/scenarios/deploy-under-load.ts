import { UPSTREAM_FAIL_TIMEOUT_SECONDS } from '../harness/load-balancer';
import { sleep } from '../harness/processes';
import type { Scenario } from './scenario';

/** A rolling restart of both replicas (a deploy), one at a time, under traffic. */
export const deployUnderLoad: Scenario = {
  name: 'deploy-under-load',
  title: 'Rolling restart of both replicas under load',
  hypothesis:
    'A deploy is invisible to users: each replica drains on SIGTERM (readiness fails first, in-flight requests finish, then the listener closes), the other one serves meanwhile, no request fails and no alert fires.',
  fault:
    'SIGTERM taskboard-api-a, start it again, wait until ready and back in the load balancer; then the same for taskboard-api-b',
  minFaultSeconds: 0,
  maxFaultSeconds: 0,
  async inject({ harness, log }) {
    for (const replica of harness.replicas) {
      await replica.stop();
      log(`${replica.spec.pod} drained and stopped`);
      await replica.start();
      // A rollout drains the next pod only once the load balancer sends traffic to the new one (on
      // EKS the ALB's pod readiness gate). nginx re-admits a replica that refused connections while it
      // booted only after its fail_timeout: draining the other one sooner left no live upstream (502s).
      await sleep((UPSTREAM_FAIL_TIMEOUT_SECONDS + 1) * 1000);
      log(`${replica.spec.pod} restarted, ready and back in the load balancer`);
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
