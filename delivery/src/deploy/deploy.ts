import {
  type DeployAction,
  type DeployHistory,
  type DeployRecord,
  type DeployResult,
  lastGoodVersion,
  type SmokeOutcome,
} from './history';

/** Puts a version in front of users: the local drill switches an nginx upstream, CI re-applies the app stack. */
export interface DeployTarget {
  switchTo(version: string): Promise<void>;
}

/** Runs the smoke journey against the public URL (which now serves the version just switched to). */
export type SmokeRunner = (version: string) => Promise<SmokeOutcome>;

export type DeployState =
  | 'switching'
  | 'smoke-testing'
  | 'succeeded'
  | 'rolling-back'
  | 'rolled-back'
  | 'rollback-failed'
  | 'failed';

export interface DeployDeps {
  target: DeployTarget;
  smoke: SmokeRunner;
  history: DeployHistory;
  /** Monotonic milliseconds (durations); wall-clock for the record's times. */
  clock?: () => number;
  now?: () => Date;
  onState?: (state: DeployState, version: string) => void;
}

/** Switches, then smoke-tests; a switch that throws counts as a failed smoke step named "switch". */
async function switchAndSmoke(deps: DeployDeps, version: string): Promise<SmokeOutcome> {
  const clock = deps.clock ?? performance.now.bind(performance);
  const t0 = clock();
  deps.onState?.('switching', version);
  try {
    await deps.target.switchTo(version);
  } catch (err) {
    return { ok: false, failedStep: 'switch', reason: (err as Error).message, ms: Math.round(clock() - t0) };
  }
  deps.onState?.('smoke-testing', version);
  return deps.smoke(version);
}

function record(
  deps: DeployDeps,
  base: { action: DeployAction; version: string; actor: string; started: Date; t0: number },
  fields: Pick<DeployRecord, 'result' | 'previous' | 'live' | 'smoke' | 'rollback'>,
): DeployRecord {
  const clock = deps.clock ?? performance.now.bind(performance);
  const now = deps.now ?? (() => new Date());
  return {
    action: base.action,
    version: base.version,
    actor: base.actor,
    startedAt: base.started.toISOString(),
    finishedAt: now().toISOString(),
    ...fields,
    durationMs: Math.round(clock() - base.t0),
  };
}

/**
 * Deploy `version`: switch to it and smoke-test it; on failure switch back to the last good
 * version and smoke-test that. Every outcome is appended to the history, which is also where the
 * last good version comes from.
 */
export async function deploy(version: string, actor: string, deps: DeployDeps): Promise<DeployRecord> {
  const clock = deps.clock ?? performance.now.bind(performance);
  const base = {
    action: 'deploy' as const,
    version,
    actor,
    started: (deps.now ?? (() => new Date()))(),
    t0: clock(),
  };
  const previous = lastGoodVersion(await deps.history.list()) ?? null;
  const smoke = await switchAndSmoke(deps, version);

  let entry: DeployRecord;
  if (smoke.ok) {
    entry = record(deps, base, { result: 'succeeded', previous, live: version, smoke });
  } else if (previous === null || previous === version) {
    // Nothing else to return to: the failing version is what serves (the first deploy of a stack).
    entry = record(deps, base, { result: 'failed', previous, live: version, smoke });
  } else {
    const r0 = clock();
    deps.onState?.('rolling-back', previous);
    const back = await switchAndSmoke(deps, previous);
    const result: DeployResult = back.ok ? 'rolled-back' : 'rollback-failed';
    entry = record(deps, base, {
      result,
      previous,
      live: back.failedStep === 'switch' ? version : previous,
      smoke,
      rollback: { to: previous, smoke: back, ms: Math.round(clock() - r0) },
    });
  }
  deps.onState?.(entry.result, version);
  await deps.history.append(entry);
  return entry;
}

/**
 * Manual rollback (rollback.yml): switch to `to`, or to the last good version other than the live
 * one, and smoke-test it. Throws when the history holds no version to return to.
 */
export async function rollback(
  actor: string,
  deps: DeployDeps,
  options: { to?: string } = {},
): Promise<DeployRecord> {
  const clock = deps.clock ?? performance.now.bind(performance);
  const records = await deps.history.list();
  const live = records.at(-1)?.live ?? null;
  const to = options.to ?? lastGoodVersion(records, live ?? undefined);
  if (!to) throw new Error('rollback: the deploy history holds no earlier good version to return to');
  const base = {
    action: 'rollback' as const,
    version: to,
    actor,
    started: (deps.now ?? (() => new Date()))(),
    t0: clock(),
  };
  const smoke = await switchAndSmoke(deps, to);
  const entry = record(deps, base, {
    result: smoke.ok ? 'succeeded' : 'failed',
    previous: live,
    live: smoke.failedStep === 'switch' ? live : to,
    smoke,
  });
  deps.onState?.(entry.result, to);
  await deps.history.append(entry);
  return entry;
}
