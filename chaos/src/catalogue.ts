// The experiment catalogue: every Chaos Mesh experiment with its hypothesis, blast radius,
// duration, abort condition, the alert that must fire (and how soon), the alerts that must not,
// and the runbook. Deadlines count from `kubectl apply`; each covers the rule's `for`, its rate
// window and a scrape + evaluation interval (test/catalogue.test.ts checks that against the
// generated rules). Whether a deadline holds on real traffic is verified only on a cluster.
import * as fault from './experiments/faults';
import type { Experiment, WorkflowExperiment, WorkflowStep } from './experiments/types';

const min = (m: number) => m * 60;

/** A Workflow's outcome and duration, derived from its steps so they cannot disagree. */
function workflow(
  fields: Omit<WorkflowExperiment, 'type' | 'steps' | 'outcome' | 'durationSeconds'>,
  steps: WorkflowStep[],
): WorkflowExperiment {
  let offset = 0;
  const mustFire = [];
  for (const step of steps) {
    for (const e of step.mustFire) mustFire.push({ alert: e.alert, withinSeconds: offset + e.withinSeconds });
    offset += step.durationSeconds;
  }
  const [first, ...rest] = mustFire;
  if (!first) throw new Error(`workflow ${fields.name}: no step names an alert that must fire`);
  return {
    ...fields,
    type: 'workflow',
    steps,
    durationSeconds: offset,
    outcome: { kind: 'alerts', mustFire: [first, ...rest] },
  };
}

export const EXPERIMENTS: Experiment[] = [
  {
    type: 'single',
    name: 'api-pod-kill',
    title: 'Kill one API pod',
    hypothesis:
      'With at least two ready replicas behind the Service, losing one pod costs no user-visible errors: the ReplicaSet replaces it and no page fires.',
    blastRadius: 'One API pod of the taskboard release (mode one); in-flight requests on it are cut.',
    durationSeconds: min(10),
    abortCondition: 'Any must-not-fire alert fires, or fewer than one API pod is Ready for over a minute.',
    outcome: {
      kind: 'absorbed',
      why: 'a single pod loss is what replicas, readiness and the PDB exist for; nothing should page',
    },
    mustNotFire: ['ApiHighErrorRate', 'ApiAvailabilityErrorBudgetBurn', 'ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-high-error-rate.md',
    fault: fault.podKill,
  },
  {
    type: 'single',
    name: 'api-container-kill',
    title: 'Kill the API container of one pod',
    hypothesis:
      'The kubelet restarts the container in place within seconds; readiness takes the pod out meanwhile, the other replicas serve, and a single restart is no crash loop.',
    blastRadius: 'The api container of one pod (mode one).',
    durationSeconds: min(10),
    abortCondition: 'Any must-not-fire alert fires, or the container does not become Ready within 2 minutes.',
    outcome: { kind: 'absorbed', why: 'one restart is below every restart or error alert threshold' },
    mustNotFire: ['ApiHighErrorRate', 'ApiPodCrashLooping', 'ApiPodNotReady'],
    runbook: 'docs/runbooks/api-pod-crash-looping.md',
    fault: fault.containerKill,
  },
  {
    type: 'single',
    name: 'api-db-latency',
    title: '520 ms latency from the API to PostgreSQL',
    hypothesis:
      'Each database round trip pays ~520 ms, so every request that queries crosses the 0.5 s bucket and ApiHighLatency fires (300 ms would have stayed inside the 0.3-0.5 s bucket, as the local db-latency drill showed); requests still succeed (no 5xx page) and readiness, which waits as long as a request would, keeps the pods in service.',
    blastRadius: 'Egress of every API pod to the RDS endpoint only; Redis and other traffic untouched.',
    durationSeconds: min(20),
    abortCondition:
      'Any must-not-fire alert fires (errors, unreachable database): latency has turned into an outage.',
    outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiHighLatency', withinSeconds: min(16) }] },
    mustNotFire: ['ApiHighErrorRate', 'ApiDatabaseUnreachable', 'ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-high-latency.md',
    fault: fault.databaseLatency,
  },
  {
    type: 'single',
    name: 'api-db-loss',
    title: '30% packet loss from the API to PostgreSQL',
    hypothesis:
      'TCP retransmissions (200 ms+ each) push p95 latency over 0.5 s: ApiHighLatency fires; liveness does not depend on the database, so no pod restarts.',
    blastRadius: 'Egress of every API pod to the RDS endpoint only.',
    durationSeconds: min(20),
    abortCondition: 'Any must-not-fire alert fires, or the 5xx ratio stays above 5% for 5 minutes.',
    outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiHighLatency', withinSeconds: min(16) }] },
    mustNotFire: ['ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-high-latency.md',
    fault: fault.databaseLoss,
  },
  {
    type: 'single',
    name: 'api-cache-latency',
    title: '500 ms latency from the API to Redis',
    hypothesis:
      'Cached reads wait on Redis, so p95 latency crosses 0.5 s and ApiHighLatency fires; a slow cache degrades, it does not fail requests.',
    blastRadius: 'Egress of every API pod to the ElastiCache endpoint only.',
    durationSeconds: min(20),
    abortCondition: 'Any must-not-fire alert fires: a slow cache must never become errors.',
    outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiHighLatency', withinSeconds: min(16) }] },
    mustNotFire: ['ApiHighErrorRate', 'ApiDatabaseUnreachable', 'ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-high-latency.md',
    fault: fault.cacheLatency,
  },
  {
    type: 'single',
    name: 'api-cache-loss',
    title: '40% packet loss from the API to Redis',
    hypothesis:
      'Cache operations time out and count as errors, so ApiCacheErrorRateHigh fires; the API falls back to PostgreSQL and keeps answering (no 5xx page).',
    blastRadius: 'Egress of every API pod to the ElastiCache endpoint only.',
    durationSeconds: min(20),
    abortCondition: 'Any must-not-fire alert fires: a cache outage must be a degradation, not an outage.',
    outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiCacheErrorRateHigh', withinSeconds: min(16) }] },
    mustNotFire: ['ApiHighErrorRate', 'ApiAvailabilityErrorBudgetBurn', 'ApiDatabaseUnreachable'],
    runbook: 'docs/runbooks/api-cache-errors.md',
    fault: fault.cacheLoss,
  },
  {
    type: 'single',
    name: 'api-db-partition',
    title: 'Partition between the API and PostgreSQL',
    hypothesis:
      'Readiness fails on every pod and ApiDatabaseUnreachable pages within minutes; liveness has no dependencies, so no pod is restarted into a crash loop; service returns when the partition heals.',
    blastRadius:
      'All API pods lose PostgreSQL: a full outage of writes and uncached reads for the duration. Run in dev first.',
    durationSeconds: min(8),
    abortCondition: 'Any must-not-fire alert fires, or the API does not serve again within 2 minutes after.',
    outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiDatabaseUnreachable', withinSeconds: min(6) }] },
    mustNotFire: ['ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-readiness-failing.md',
    fault: fault.databasePartition,
  },
  {
    type: 'single',
    name: 'api-cpu-stress',
    title: 'CPU stress in one API container',
    hypothesis:
      'The container runs at its CPU limit, ApiContainerCpuHigh fires and the HPA adds replicas; the other pods keep the service within its SLO.',
    blastRadius: 'The api container of one pod (mode one); its requests slow down.',
    durationSeconds: min(25),
    abortCondition: 'Any must-not-fire alert fires.',
    outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiContainerCpuHigh', withinSeconds: min(22) }] },
    mustNotFire: ['ApiHighErrorRate', 'ApiAvailabilityErrorBudgetBurn', 'ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-container-cpu-high.md',
    fault: fault.cpuStress,
  },
  {
    type: 'single',
    name: 'api-memory-oom',
    title: 'Memory stress in one API container, past its limit',
    hypothesis:
      'The kernel OOM-kills the API process, the container restarts, ApiPodOOMKilled fires; the other replicas serve meanwhile.',
    blastRadius: 'The api container of one pod (mode one): it is killed and restarted.',
    durationSeconds: min(5),
    abortCondition: 'Any must-not-fire alert fires, or a second pod is OOM-killed.',
    outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiPodOOMKilled', withinSeconds: min(3) }] },
    mustNotFire: ['ApiHighErrorRate', 'ApiAvailabilityErrorBudgetBurn'],
    runbook: 'docs/runbooks/api-pod-oom-killed.md',
    fault: fault.memoryOom,
  },
  {
    type: 'single',
    name: 'api-dns-failure',
    title: 'DNS look-ups of PostgreSQL and Redis fail in the API',
    hypothesis:
      'Open connections survive; new ones cannot resolve, so once the pool recycles connections readiness fails and ApiDatabaseUnreachable pages; liveness stays green.',
    blastRadius:
      'Name resolution of the two managed endpoints in every API pod (with the chart NetworkPolicy enforced: all look-ups, see docs/chaos.md).',
    durationSeconds: min(10),
    abortCondition: 'Any must-not-fire alert fires.',
    outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiDatabaseUnreachable', withinSeconds: min(8) }] },
    mustNotFire: ['ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-readiness-failing.md',
    fault: fault.dnsFailure,
  },
  workflow(
    {
      name: 'week2-sequence',
      title: 'Week 2 failure sequence (Chaos Mesh Workflow)',
      hypothesis:
        'Pod loss, a slow database, a database partition and an OOM kill, one after another with recovery pauses: each raises its own alert in time and the service recovers between them.',
      blastRadius: 'The API pods of the release, for about an hour; includes a full database partition.',
      abortCondition: 'Any must-not-fire alert fires; delete the Workflow to stop every remaining step.',
      mustNotFire: ['ApiPodCrashLooping'],
      runbook: 'docs/runbooks/api-readiness-failing.md',
    },
    [
      { name: 'pod-kill', fault: fault.podKill, durationSeconds: min(5), mustFire: [] },
      {
        name: 'db-latency',
        fault: fault.databaseLatency,
        durationSeconds: min(20),
        mustFire: [{ alert: 'ApiHighLatency', withinSeconds: min(16) }],
      },
      { name: 'recover-latency', fault: 'recover', durationSeconds: min(15), mustFire: [] },
      {
        name: 'db-partition',
        fault: fault.databasePartition,
        durationSeconds: min(8),
        mustFire: [{ alert: 'ApiDatabaseUnreachable', withinSeconds: min(6) }],
      },
      { name: 'recover-partition', fault: 'recover', durationSeconds: min(10), mustFire: [] },
      {
        name: 'memory-oom',
        fault: fault.memoryOom,
        durationSeconds: min(5),
        mustFire: [{ alert: 'ApiPodOOMKilled', withinSeconds: min(3) }],
      },
    ],
  ),
];

export const experimentNames = (): string[] => EXPERIMENTS.map((e) => e.name);

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
