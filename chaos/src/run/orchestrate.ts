// One run of one experiment: check nothing we watch is firing already, apply, poll Prometheus for
// the alerts that must fire (each by its deadline) and must not, remove the experiment whatever
// happens (verdict reached, abort condition met, Ctrl-C, an error), and return what was seen.
import { type ChaosObject, type Experiment, mustFireOf } from '../experiments/types';
import type { Clock, Kube, Prometheus } from './ports';

export type Verdict = 'passed' | 'failed' | 'aborted' | 'interrupted';

export interface TimelineEvent {
  /** Seconds since the experiment was applied (negative: before). */
  at: number;
  what: string;
}

export interface RunResult {
  experiment: string;
  verdict: Verdict;
  reasons: string[];
  startedAt: Date;
  endedAt: Date;
  /** Alert -> seconds after apply it was first seen firing. */
  firstFiring: Map<string, number>;
  timeline: TimelineEvent[];
}

export interface RunOptions {
  pollSeconds: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

export async function runExperiment(
  e: Experiment,
  object: ChaosObject,
  deps: { kube: Kube; prometheus: Prometheus; clock: Clock },
  opts: RunOptions,
): Promise<RunResult> {
  const { kube, prometheus, clock } = deps;
  const mustFire = mustFireOf(e);
  const watched = [...new Set([...mustFire.map((f) => f.alert), ...e.mustNotFire])];
  const timeline: TimelineEvent[] = [];
  const firstFiring = new Map<string, number>();
  const reasons: string[] = [];
  let t0 = clock.now();
  const elapsed = () => Math.round((clock.now() - t0) / 1000);
  const note = (what: string) => {
    timeline.push({ at: elapsed(), what });
    opts.log(`chaos: [+${elapsed()}s] ${what}`);
  };
  const result = (verdict: Verdict): RunResult => ({
    experiment: e.name,
    verdict,
    reasons,
    startedAt: new Date(t0),
    endedAt: new Date(clock.now()),
    firstFiring,
    timeline,
  });

  // An alert already firing would make the run prove nothing either way.
  const before = await prometheus.firing(watched);
  if (before.size > 0) {
    reasons.push(`already firing before the experiment: ${[...before].sort().join(', ')}`);
    note(`not applied: ${reasons[0]}`);
    return result('aborted');
  }

  let verdict: Verdict | undefined;
  let applied = false;
  try {
    if (opts.signal.aborted) {
      reasons.push('interrupted before the experiment was applied');
      return result('interrupted');
    }
    t0 = clock.now();
    applied = true;
    await kube.apply(object);
    note(`applied ${object.kind}/${object.metadata.name} in ${object.metadata.namespace}`);
    while (verdict === undefined) {
      if (opts.signal.aborted) {
        reasons.push('interrupted (Ctrl-C)');
        verdict = 'interrupted';
        break;
      }
      const now = elapsed();
      const firing = await prometheus.firing(watched);
      for (const alert of firing) {
        if (!firstFiring.has(alert)) {
          firstFiring.set(alert, now);
          note(`${alert} firing`);
        }
      }
      const forbidden = e.mustNotFire.filter((a) => firing.has(a));
      if (forbidden.length > 0) {
        reasons.push(`abort condition: must-not-fire alert(s) firing: ${forbidden.join(', ')}`);
        verdict = 'aborted';
        break;
      }
      const late = mustFire.filter((f) => !firstFiring.has(f.alert) && now > f.withinSeconds);
      if (late.length > 0) {
        for (const f of late) reasons.push(`${f.alert} did not fire within ${f.withinSeconds}s`);
        verdict = 'failed';
        break;
      }
      if (now >= e.durationSeconds) {
        const missing = mustFire.filter((f) => !firstFiring.has(f.alert));
        for (const f of missing) reasons.push(`${f.alert} did not fire within ${f.withinSeconds}s`);
        verdict = missing.length === 0 ? 'passed' : 'failed';
        break;
      }
      await clock.sleep(opts.pollSeconds * 1000, opts.signal);
    }
  } catch (error) {
    reasons.push(`error: ${(error as Error).message}`);
    verdict = 'failed';
  } finally {
    if (applied) {
      try {
        await kube.remove(object);
        note(`removed ${object.kind}/${object.metadata.name}`);
      } catch (error) {
        reasons.push(
          `could not remove ${object.kind}/${object.metadata.name}: ${(error as Error).message}; delete it by hand (kubectl delete -n ${object.metadata.namespace} ${object.kind.toLowerCase()}.chaos-mesh.org ${object.metadata.name})`,
        );
        note('removal FAILED');
        verdict = 'failed';
      }
    }
  }
  return result(verdict ?? 'failed');
}
