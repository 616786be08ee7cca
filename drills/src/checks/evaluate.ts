import type { Notification } from '../harness/alertmanager';
import type { AlertSample } from '../harness/prometheus';
import type { Scenario } from '../scenarios/scenario';
import type { ReadinessSample } from '../traffic/readiness';
import type { RequestRecord } from '../traffic/traffic';
import { failed, percentile } from './timeline';

/** What a drill observed, on the drill clock (ms). */
export interface Observations {
  injectedAt: number;
  /** When healing began (the restart was issued, the proxy re-enabled). */
  healedAt: number;
  endedAt: number;
  records: RequestRecord[];
  acknowledged: string[];
  /** Acknowledged IDs missing from the database afterwards. */
  lost: string[];
  readiness: ReadinessSample[];
  pods: string[];
  alerts: AlertSample[];
  /** Unix seconds of drill-clock 0, to place Prometheus' samples. */
  unixStart: number;
  notifications: Notification[];
  /** Whether `expect.seenInPrometheus` held during the fault (undefined: not asked). */
  seenInPrometheus: boolean | undefined;
  /** Processes or services the harness failed to stop/restore (must be empty). */
  cleanupProblems?: string[];
}

export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

export interface Measurements {
  recoveredAt: number | undefined;
  recoverySeconds: number | undefined;
  failedDuringFault: number;
  failedOutsideFault: number;
  requestsTotal: number;
  p95DuringFaultMs: number | undefined;
  p95BeforeFaultMs: number | undefined;
  notReadyDuringFault: string[];
}

/**
 * Consecutive failed probes (0.5 s apart) before a replica counts as not ready: one failed probe (a
 * starved CPU, a GC pause) does not take a pod out. Still stricter than the chart, whose readiness
 * (every 5 s, `failureThreshold: 2`) takes a pod out only after 5–10 s of failing.
 */
export const READINESS_FAILURE_THRESHOLD = 3;

/** The failed readiness samples that belong to a run of at least the threshold, per replica. */
export function effectiveNotReady(
  samples: ReadinessSample[],
  threshold = READINESS_FAILURE_THRESHOLD,
): ReadinessSample[] {
  const out: ReadinessSample[] = [];
  const byPod = new Map<string, ReadinessSample[]>();
  for (const s of samples) byPod.set(s.pod, [...(byPod.get(s.pod) ?? []), s]);
  for (const list of byPod.values()) {
    let run: ReadinessSample[] = [];
    for (const s of [
      ...list.sort((a, b) => a.at - b.at),
      { at: Number.POSITIVE_INFINITY, pod: '', status: 200 },
    ]) {
      if (s.status !== 200) run.push(s);
      else {
        if (run.length >= threshold) out.push(...run);
        run = [];
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The moment the service is healthy again after `healedAt`: every replica's readiness stays 200 from
 * then on and no request started from then on fails. Undefined when that never happened.
 */
export function recoveredAt(o: Observations): number | undefined {
  const lastBadReadiness = effectiveNotReady(o.readiness)
    .filter((s) => s.at >= o.healedAt)
    .at(-1)?.at;
  const lastFailure = o.records.filter((r) => r.at >= o.healedAt && failed(r)).at(-1)?.at;
  const lastBad = Math.max(o.healedAt, lastBadReadiness ?? 0, lastFailure ?? 0);
  const healthyAfter =
    o.readiness.some((s) => s.at > lastBad) && o.records.some((r) => r.at > lastBad && !failed(r));
  if (!healthyAfter) return undefined;
  // The first readiness sample after the last bad moment: that is when health was seen again.
  const firstGood = o.readiness.find((s) => s.at > lastBad)?.at ?? lastBad;
  return lastBad === o.healedAt ? o.healedAt : firstGood;
}

export function measure(o: Observations): Measurements {
  const recovered = recoveredAt(o);
  const faultEnd = recovered ?? o.endedAt;
  // A request belongs to the fault if it was in flight at any moment of it (started before recovery, ended after injection).
  const inFault = (r: RequestRecord) => r.at <= faultEnd && r.at + r.latencyMs >= o.injectedAt;
  const failures = o.records.filter(failed);
  const during = o.records.filter((r) => r.at >= o.injectedAt && r.at < o.healedAt).map((r) => r.latencyMs);
  const before = o.records.filter((r) => r.at < o.injectedAt).map((r) => r.latencyMs);
  const bad = effectiveNotReady(o.readiness);
  const notReady = o.pods.filter((pod) =>
    bad.some((s) => s.pod === pod && s.at >= o.injectedAt && s.at <= o.healedAt),
  );
  return {
    recoveredAt: recovered,
    recoverySeconds: recovered === undefined ? undefined : (recovered - o.healedAt) / 1000,
    failedDuringFault: failures.filter(inFault).length,
    failedOutsideFault: failures.filter((r) => !inFault(r)).length,
    requestsTotal: o.records.length,
    p95DuringFaultMs: percentile(during, 95),
    p95BeforeFaultMs: percentile(before, 95),
    notReadyDuringFault: notReady,
  };
}

const reached = (alerts: AlertSample[], name: string, state: 'pending' | 'firing') =>
  alerts.some((a) => a.alertname === name && (a.state === state || a.state === 'firing'));

/** Every assertion of the scenario, each with what was measured. */
export function evaluate(scenario: Scenario, o: Observations, m: Measurements): Check[] {
  const e = scenario.expect;
  const checks: Check[] = [];
  const add = (name: string, passed: boolean, detail: string) => checks.push({ name, passed, detail });

  add(
    'no acknowledged write lost',
    o.lost.length === 0 && o.acknowledged.length > 0,
    `${o.acknowledged.length} writes acknowledged, ${o.lost.length} missing afterwards${o.lost.length ? `: ${o.lost.slice(0, 5).join(', ')}` : ''}`,
  );
  const wantNotReady = { none: 0, one: 1, all: o.pods.length, any: undefined }[e.readinessDuringFault];
  add(
    `readiness during the fault: ${e.readinessDuringFault} not ready`,
    wantNotReady === undefined || m.notReadyDuringFault.length === wantNotReady,
    `not ready during the fault: ${m.notReadyDuringFault.join(', ') || 'none'}`,
  );
  const lastByPod = o.pods.map((pod) => o.readiness.findLast((s) => s.pod === pod));
  add(
    'readiness recovered on every replica',
    lastByPod.every((s) => s?.status === 200),
    lastByPod.map((s, i) => `${o.pods[i]}: ${s?.status ?? 'no sample'}`).join(', '),
  );
  add(
    `recovery within ${e.maxRecoverySeconds} s`,
    m.recoverySeconds !== undefined && m.recoverySeconds <= e.maxRecoverySeconds,
    m.recoverySeconds === undefined ? 'did not recover' : `${m.recoverySeconds.toFixed(1)} s`,
  );
  add(
    `failed requests during the fault ≤ ${Number.isFinite(e.maxFailedDuringFault) ? e.maxFailedDuringFault : 'any'}`,
    m.failedDuringFault <= e.maxFailedDuringFault,
    `${m.failedDuringFault}`,
  );
  add(
    `failed requests outside the fault ≤ ${e.maxFailedOutsideFault}`,
    m.failedOutsideFault <= e.maxFailedOutsideFault,
    `${m.failedOutsideFault} of ${m.requestsTotal} requests`,
  );
  const p95Bound = Math.max(e.maxP95DuringFaultMs, 1.5 * (m.p95BeforeFaultMs ?? 0));
  add(
    `p95 latency during the fault ≤ max(${e.maxP95DuringFaultMs} ms, 1.5 × before)`,
    m.p95DuringFaultMs !== undefined && m.p95DuringFaultMs <= p95Bound,
    `${m.p95DuringFaultMs?.toFixed(0) ?? 'no requests'} ms (before the fault: ${m.p95BeforeFaultMs?.toFixed(0) ?? '-'} ms)`,
  );
  for (const want of e.alerts)
    add(
      `alert ${want.name} reached ${want.state}`,
      reached(o.alerts, want.name, want.state),
      o.alerts
        .filter((a) => a.alertname === want.name)
        .map((a) => `${a.state} for ${a.times.length} s`)
        .join(', ') || 'never active',
    );
  for (const name of e.silent) {
    const active = o.alerts.filter((a) => a.alertname === name);
    add(
      `alert ${name} stayed silent (never firing)`,
      !active.some((a) => a.state === 'firing'),
      active.length === 0
        ? 'never active'
        : active.map((a) => `${a.state} for ${a.times.length} s`).join(', '),
    );
  }
  for (const want of e.notified) {
    const got = o.notifications.filter(
      (n) => n.receiver === want.receiver && n.status === 'firing' && n.alerts.includes(want.alert),
    );
    add(
      `Alertmanager notified ${want.receiver} of ${want.alert}`,
      got.length > 0,
      got.length > 0
        ? `first at ${((got[0]!.at - o.injectedAt) / 1000).toFixed(1)} s after the fault began`
        : `not notified (got: ${o.notifications.map((n) => `${n.receiver}:${n.alerts.join('+')}`).join(', ') || 'nothing'})`,
    );
  }
  if (e.seenInPrometheus)
    add(
      e.seenInPrometheus.meaning,
      o.seenInPrometheus === true,
      `${e.seenInPrometheus.expr}: ${o.seenInPrometheus ? 'seen' : 'never true'}`,
    );
  if (o.cleanupProblems)
    add(
      'every process stopped, database dropped',
      o.cleanupProblems.length === 0,
      o.cleanupProblems.join('; ') || 'clean',
    );
  return checks;
}
