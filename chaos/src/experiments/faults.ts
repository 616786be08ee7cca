// The faults themselves, one function each, shared by the single experiments and the Week 2
// Workflow. Every selector is the release's API pods (release.ts): no experiment reaches beyond.
import { apiSelector, RELEASE } from '../release';
import type { Targets } from '../targets';
import type { Fault } from './types';

/** One random API pod, deleted (its ReplicaSet replaces it; the PDB does not apply to chaos). */
export const podKill = (): Fault => ({
  kind: 'PodChaos',
  instant: true,
  spec: { action: 'pod-kill', mode: 'one', selector: apiSelector(), gracePeriod: 0 },
});

/** The API container of one pod, killed; the kubelet restarts it in place. */
export const containerKill = (): Fault => ({
  kind: 'PodChaos',
  instant: true,
  spec: {
    action: 'container-kill',
    mode: 'one',
    selector: apiSelector(),
    containerNames: [RELEASE.apiContainer],
  },
});

/**
 * netem from every API pod towards one managed service. NetworkChaos has no port filter: the host
 * name is the filter (Chaos Mesh resolves it when it injects, from inside the VPC, so a failover
 * that moves the endpoint during the run is not followed).
 */
const towards = (host: string, action: 'delay' | 'loss', params: Record<string, unknown>): Fault => ({
  kind: 'NetworkChaos',
  instant: false,
  spec: {
    action,
    mode: 'all',
    selector: apiSelector(),
    direction: 'to',
    externalTargets: [host],
    ...params,
  },
});

export const databaseLatency = (t: Targets): Fault =>
  towards(t.databaseHost, 'delay', { delay: { latency: '520ms', jitter: '10ms', correlation: '25' } });

export const databaseLoss = (t: Targets): Fault =>
  towards(t.databaseHost, 'loss', { loss: { loss: '30', correlation: '25' } });

export const cacheLatency = (t: Targets): Fault =>
  towards(t.redisHost, 'delay', { delay: { latency: '500ms', jitter: '50ms', correlation: '25' } });

export const cacheLoss = (t: Targets): Fault =>
  towards(t.redisHost, 'loss', { loss: { loss: '40', correlation: '25' } });

/** API and PostgreSQL cannot exchange a packet in either direction. */
export const databasePartition = (t: Targets): Fault => ({
  kind: 'NetworkChaos',
  instant: false,
  spec: {
    action: 'partition',
    mode: 'all',
    selector: apiSelector(),
    direction: 'both',
    externalTargets: [t.databaseHost],
  },
});

/** Two workers at 100% in the API container: twice its 1-CPU limit, so it runs throttled. */
export const cpuStress = (): Fault => ({
  kind: 'StressChaos',
  instant: false,
  spec: {
    mode: 'one',
    selector: apiSelector(),
    containerNames: [RELEASE.apiContainer],
    stressors: { cpu: { workers: 2, load: 100 } },
  },
});

/**
 * Memory past the container limit (test/selectors.test.ts proves it exceeds the rendered limit).
 * The stressor is made unkillable (oom_score_adj -1000), so the kernel's cgroup OOM killer picks
 * the API process: the container dies OOMKilled, which is what ApiPodOOMKilled watches.
 */
export const MEMORY_STRESS_BYTES = 1024 * 1024 * 1024;
export const memoryOom = (): Fault => ({
  kind: 'StressChaos',
  instant: false,
  spec: {
    mode: 'one',
    selector: apiSelector(),
    containerNames: [RELEASE.apiContainer],
    stressors: {
      memory: { workers: 1, size: `${MEMORY_STRESS_BYTES / 1024 / 1024}MiB`, oomScoreAdj: -1000 },
    },
  },
});

/** Look-ups of both managed services answer with an error (exact names: patterns allow no leading *). */
export const dnsFailure = (t: Targets): Fault => ({
  kind: 'DNSChaos',
  instant: false,
  spec: {
    action: 'error',
    mode: 'all',
    selector: apiSelector(),
    containerNames: [RELEASE.apiContainer],
    patterns: [t.databaseHost, t.redisHost],
  },
});
