import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/catalogue';
import type { Experiment } from '../src/experiments/types';
import { manifestOf } from '../src/manifests';
import { runExperiment } from '../src/run/orchestrate';
import { RecordingKube, ScriptedPrometheus, VirtualClock } from './support/fakes';

const targets = { databaseHost: 'db.example.internal', redisHost: 'cache.example.internal' };
const exp = (name: string): Experiment => findExperiment(name)!;

function harness(
  name: string,
  script: (s: number) => string[],
  opts: { failAt?: number; abortAt?: number } = {},
) {
  const e = exp(name);
  const clock = new VirtualClock();
  const prometheus = new ScriptedPrometheus(clock, script, opts.failAt);
  const kube = new RecordingKube();
  const controller = new AbortController();
  const lines: string[] = [];
  const log = (l: string) => {
    lines.push(l);
    // Ctrl-C arriving mid-run, at a virtual time.
    if (opts.abortAt !== undefined && (clock.now() - prometheus.start) / 1000 >= opts.abortAt)
      controller.abort();
  };
  const run = () =>
    runExperiment(
      e,
      manifestOf(e, targets),
      { kube, prometheus, clock },
      { pollSeconds: 15, recoveryWatchSeconds: 300, signal: controller.signal, log },
    );
  return { e, clock, prometheus, kube, run, lines };
}

describe('make chaos orchestration (fakes for kubectl and Prometheus)', () => {
  it('passes when the expected alert fires in time and nothing forbidden does; removes the experiment', async () => {
    const h = harness('api-db-latency', (s) => (s >= 600 && s < 1260 ? ['ApiHighLatency'] : []));
    const r = await h.run();
    expect(r.verdict).toBe('passed');
    expect(r.firstFiring.get('ApiHighLatency')).toBe(600);
    // The fault lasts its duration; the alert resolves a minute after removal.
    expect(r.removedAt).toBe(h.e.durationSeconds);
    expect(r.recoverySeconds).toBe(60);
    expect(r.transitions).toEqual([
      { alert: 'ApiHighLatency', at: 600, state: 'firing' },
      { alert: 'ApiHighLatency', at: 1260, state: 'inactive' },
    ]);
    expect(h.kube.calls).toEqual([
      'apply NetworkChaos/taskboard-api-db-latency',
      'remove NetworkChaos/taskboard-api-db-latency',
    ]);
    expect(h.prometheus.queries[0]).toEqual([
      'ApiHighLatency',
      'ApiHighErrorRate',
      'ApiDatabaseUnreachable',
      'ApiPodCrashLooping',
    ]);
  });

  it('fails as soon as the deadline passes without the alert, and removes the experiment then', async () => {
    const h = harness('api-db-partition', () => []);
    const r = await h.run();
    expect(r.verdict).toBe('failed');
    expect(r.reasons).toEqual(['ApiDatabaseUnreachable did not fire within 360s']);
    const seconds = (r.endedAt.getTime() - r.startedAt.getTime()) / 1000;
    expect(seconds).toBeGreaterThan(360);
    expect(seconds).toBeLessThan(h.e.durationSeconds);
    expect(h.kube.calls.at(-1)).toBe('remove NetworkChaos/taskboard-api-db-partition');
  });

  it('an alert firing after its deadline is still a failure', async () => {
    const h = harness('api-memory-oom', (s) => (s >= 200 ? ['ApiPodOOMKilled'] : []));
    const r = await h.run();
    expect(r.verdict).toBe('failed');
    expect(r.reasons).toEqual(['ApiPodOOMKilled did not fire within 180s']);
  });

  it('aborts at once when a must-not-fire alert fires (the abort condition)', async () => {
    const h = harness('api-cache-loss', (s) => (s >= 120 ? ['ApiHighErrorRate'] : []));
    const r = await h.run();
    expect(r.verdict).toBe('aborted');
    expect(r.reasons).toEqual(['abort condition: must-not-fire alert(s) firing: ApiHighErrorRate']);
    expect(r.removedAt).toBe(120);
    // Still firing five minutes after removal: no recovery time.
    expect(r.recoverySeconds).toBeUndefined();
    expect(h.kube.calls.at(-1)).toBe('remove NetworkChaos/taskboard-api-cache-loss');
  });

  it('does not apply anything while a watched alert is already firing', async () => {
    const h = harness('api-pod-kill', () => ['ApiHighErrorRate']);
    const r = await h.run();
    expect(r.verdict).toBe('aborted');
    expect(r.reasons[0]).toBe('already firing before the experiment: ApiHighErrorRate');
    expect(h.kube.calls).toEqual([]);
  });

  it('an absorbed fault passes when everything stays silent for its window', async () => {
    const h = harness('api-pod-kill', () => []);
    const r = await h.run();
    expect(r.verdict).toBe('passed');
    expect(h.kube.calls).toEqual([
      'apply PodChaos/taskboard-api-pod-kill',
      'remove PodChaos/taskboard-api-pod-kill',
    ]);
  });

  it('Ctrl-C stops polling and still removes the experiment', async () => {
    const h = harness('api-cpu-stress', () => [], { abortAt: 0 });
    const r = await h.run();
    expect(r.verdict).toBe('interrupted');
    expect(h.kube.calls).toEqual([
      'apply StressChaos/taskboard-api-cpu-stress',
      'remove StressChaos/taskboard-api-cpu-stress',
    ]);
  });

  it('a Prometheus error mid-run fails the run and still removes the experiment', async () => {
    const h = harness('api-db-loss', () => [], { failAt: 300 });
    const r = await h.run();
    expect(r.verdict).toBe('failed');
    expect(r.reasons).toEqual(['error: connection refused']);
    expect(h.kube.calls.at(-1)).toBe('remove NetworkChaos/taskboard-api-db-loss');
  });

  it('a failed removal is reported with the command to run by hand', async () => {
    const h = harness('api-pod-kill', () => []);
    h.kube.failRemove = true;
    const r = await h.run();
    expect(r.verdict).toBe('failed');
    expect(r.reasons[0]).toMatch(
      /kubectl delete -n taskboard podchaos.chaos-mesh.org taskboard-api-pod-kill/,
    );
  });

  it('the Workflow is checked against every step deadline, measured from its start', async () => {
    // Partition alert at +46 min: the latency step ended at +25 min, recovery at +40, partition deadline +46.
    const h = harness('week2-sequence', (s) => [
      ...(s >= 700 && s < 1800 ? ['ApiHighLatency'] : []),
      ...(s >= 2640 && s < 2900 ? ['ApiDatabaseUnreachable'] : []),
      ...(s >= 3500 ? ['ApiPodOOMKilled'] : []),
    ]);
    const r = await h.run();
    expect(r.verdict).toBe('passed');
    expect([...r.firstFiring.keys()]).toEqual([
      'ApiHighLatency',
      'ApiDatabaseUnreachable',
      'ApiPodOOMKilled',
    ]);
    const late = harness('week2-sequence', (s) => (s >= 700 ? ['ApiHighLatency'] : []));
    const r2 = await late.run();
    expect(r2.verdict).toBe('failed');
    expect(r2.reasons).toEqual(['ApiDatabaseUnreachable did not fire within 2760s']);
  });
});
