import type { Scenario } from './scenario';

/** SIGKILL one of the two replicas, restart it after a pause (the kubelet's restart). */
export const podKill: Scenario = {
  name: 'pod-kill',
  title: 'One API replica is killed (SIGKILL) and restarted',
  hypothesis:
    'The load balancer moves traffic to the surviving replica: only requests in flight on the killed one fail, nothing acknowledged is lost, no paging alert fires, and the restarted replica takes traffic again.',
  fault: 'SIGKILL taskboard-api-a; restart it after 6 s',
  minFaultSeconds: 6,
  maxFaultSeconds: 6,
  async inject({ harness, log }) {
    await harness.replicas[0]!.kill();
    log('taskboard-api-a killed (SIGKILL)');
  },
  async heal({ harness, log }) {
    await harness.replicas[0]!.start();
    log('taskboard-api-a restarted and ready');
  },
  expect: {
    alerts: [],
    silent: ['ApiHighErrorRate', 'ApiDatabaseUnreachable', 'ApiCacheErrorRateHigh'],
    notified: [],
    seenInPrometheus: {
      expr: 'up{job="taskboard-api",pod="taskboard-api-a"} == 0',
      meaning: 'Prometheus saw the killed replica down (up == 0)',
    },
    readinessDuringFault: 'one',
    // Requests in flight on the killed replica (at most one per virtual user) may fail.
    maxFailedDuringFault: 8,
    maxFailedOutsideFault: 0,
    // Recovery here is the restarted replica's boot until ready: seconds on an idle machine, up to a
    // minute when the harness shares two cores with a dozen busy processes (the bound allows for that).
    maxRecoverySeconds: 90,
    maxP95DuringFaultMs: 1000,
  },
};
