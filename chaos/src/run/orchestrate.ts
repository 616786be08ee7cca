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

export interface AlertTransition {
  alert: string;
  /** Seconds since apply. */
  at: number;
  state: 'firing' | 'inactive';
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
  transitions: AlertTransition[];
  /** Seconds after apply the experiment was removed (the end of the fault window). */
  removedAt?: number;
  /** Seconds from removal until no watched alert fired any more; undefined: not within the watch. */
  recoverySeconds?: number;
}

export interface RunOptions {
  pollSeconds: number;
  /** How long to keep polling after removal for the alerts to resolve (the recovery time). */
  recoveryWatchSeconds: number;
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
  const transitions: AlertTransition[] = [];
  let previous = new Set<string>();
  const reasons: string[] = [];
  let removedAt: number | undefined;
  let recoverySeconds: number | undefined;
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
    transitions,
    removedAt,
    recoverySeconds,
  });
  /** Polls the watched alerts, recording every change of state. */
  const poll = async (): Promise<Set<string>> => {
    const firing = await prometheus.firing(watched);
    const at = elapsed();
    for (const alert of watched) {
      if (firing.has(alert) && !previous.has(alert)) transitions.push({ alert, at, state: 'firing' });
      if (!firing.has(alert) && previous.has(alert)) transitions.push({ alert, at, state: 'inactive' });
    }
    previous = firing;
    return firing;
  };

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
      const firing = await poll();
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
        removedAt = elapsed();
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
  if (removedAt !== undefined && verdict !== 'interrupted') {
    // Recovery: how long after the fault ends until every watched alert has resolved.
    try {
      while (!opts.signal.aborted && elapsed() - removedAt <= opts.recoveryWatchSeconds) {
        if ((await poll()).size === 0) {
          recoverySeconds = elapsed() - removedAt;
          note(`recovered: no watched alert firing ${recoverySeconds}s after removal`);
          break;
        }
        await clock.sleep(opts.pollSeconds * 1000, opts.signal);
      }
      if (recoverySeconds === undefined) note(`still firing ${opts.recoveryWatchSeconds}s after removal`);
    } catch (error) {
      note(`recovery watch stopped: ${(error as Error).message}`);
    }
  }
  return result(verdict ?? 'failed');
}
