import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Check, evaluate, type Measurements, measure, type Observations } from './checks/evaluate';
import { failed, perSecond } from './checks/timeline';
import type { DrillConfig } from './harness/config';
import { portList } from './harness/config';
import { Harness } from './harness/harness';
import { portFree } from './harness/preflight';
import { sleep } from './harness/processes';
import { type AlertStateName, type IncidentReport, writeIncidentReport } from './report/incident-report';
import type { Scenario } from './scenarios/scenario';
import { ReadinessWatch } from './traffic/readiness';
import { Traffic } from './traffic/traffic';

/** Traffic shape of every drill: bounded, 127.0.0.1 only. */
const VIRTUAL_USERS = 4;
const RATE_PER_USER = 4;
const BASELINE_MS = 8000;
const AFTER_RECOVERY_MS = 6000;

export interface DrillResult {
  scenario: string;
  passed: boolean;
  checks: Check[];
  measurements: Measurements;
  reportDir: string;
  durationSeconds: number;
}

/** The alert transitions of one alert, from Prometheus' per-second ALERTS samples. */
function transitions(times: { pending: Set<number>; firing: Set<number> }, from: number, to: number) {
  const out: { t: number; state: AlertStateName }[] = [];
  let previous: AlertStateName = 'inactive';
  for (let s = Math.ceil(from); s <= to; s++) {
    const state: AlertStateName = times.firing.has(s)
      ? 'firing'
      : times.pending.has(s)
        ? 'pending'
        : 'inactive';
    if (state !== previous) out.push({ t: s - from, state });
    previous = state;
  }
  return out;
}

/** The fault is held at least `minFaultSeconds`, then until every expected alert reached its state, at most `maxFaultSeconds`. */
async function holdFault(scenario: Scenario, harness: Harness, injectedAt: number): Promise<void> {
  while (harness.now() - injectedAt < scenario.maxFaultSeconds * 1000) {
    await sleep(1000);
    if (harness.now() - injectedAt < scenario.minFaultSeconds * 1000) continue;
    const active = await harness.prometheus.instant('ALERTS').catch(() => []);
    const done = scenario.expect.alerts.every((want) =>
      active.some(
        (a) =>
          a.metric.alertname === want.name && (want.state === 'pending' || a.metric.alertstate === 'firing'),
      ),
    );
    if (done) return;
  }
}

/** Waits (bounded) until every expected Alertmanager notification arrived. */
async function awaitNotifications(scenario: Scenario, harness: Harness, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const missing = () =>
    scenario.expect.notified.filter(
      (w) => !harness.sink.received.some((n) => n.receiver === w.receiver && n.alerts.includes(w.alert)),
    );
  while (missing().length > 0 && Date.now() < deadline) await sleep(500);
}

/** What one scenario on a running harness observed, before the checks (they need the teardown's result). */
interface ScenarioRun {
  scenario: Scenario;
  began: number;
  /** Seconds this scenario waited for the harness: its start (first scenario) or its reset (later ones). */
  setupSeconds: number;
  scenarioSeconds: number;
  trafficFrom: number;
  observations: Observations;
}

/** Traffic, fault, heal, recovery and the observations of one scenario on a harness that is up. */
async function observeScenario(
  scenario: Scenario,
  harness: Harness,
  config: DrillConfig,
  log: (line: string) => void,
  began: number,
  setupSeconds: number,
): Promise<ScenarioRun> {
  const scenarioBegan = Date.now();
  const ctx = { harness, log };
  const traffic = new Traffic({
    baseUrl: harness.proxyUrl,
    virtualUsers: VIRTUAL_USERS,
    ratePerUser: RATE_PER_USER,
    clock: () => harness.now(),
    runId: `${config.runId}-${scenario.name}`,
  });
  const readiness = new ReadinessWatch(harness.replicas, () => harness.now());
  await traffic.start();
  readiness.start();
  const trafficFrom = harness.now();
  log(
    `${scenario.name}: traffic: ${VIRTUAL_USERS} virtual users at ${RATE_PER_USER} req/s each through nginx; baseline ${BASELINE_MS / 1000} s`,
  );
  await sleep(BASELINE_MS);

  const injectedAt = harness.now();
  log(`${scenario.name}: fault: ${scenario.fault}`);
  await scenario.inject(ctx);
  await holdFault(scenario, harness, injectedAt);
  const healedAt = harness.now();
  await scenario.heal(ctx);
  const recoverBy = Date.now() + (scenario.expect.maxRecoverySeconds + 10) * 1000;
  while (!readiness.allReady() && Date.now() < recoverBy) await sleep(250);
  await sleep(AFTER_RECOVERY_MS);
  await awaitNotifications(scenario, harness, 10_000);
  const { records, acknowledged } = await traffic.stop();
  const samples = await readiness.stop();
  const endedAt = harness.now();
  log(
    `${scenario.name}: traffic stopped: ${records.length} requests, ${acknowledged.length} acknowledged writes`,
  );

  const present = await harness.presentTaskIds(acknowledged);
  const alerts = await harness.prometheus.alertHistory(harness.unix(trafficFrom), harness.unix(endedAt));
  let seen: boolean | undefined;
  if (scenario.expect.seenInPrometheus) {
    const q = new URLSearchParams({
      query: scenario.expect.seenInPrometheus.expr,
      start: String(harness.unix(injectedAt)),
      end: String(harness.unix(healedAt + 2000)),
      step: '1',
    });
    const res = await fetch(`${harness.prometheus.baseUrl}/api/v1/query_range?${q}`);
    const body = (await res.json()) as { data: { result: unknown[] } };
    seen = body.data.result.length > 0;
  }
  return {
    scenario,
    began,
    setupSeconds,
    scenarioSeconds: (Date.now() - scenarioBegan) / 1000,
    trafficFrom,
    observations: {
      injectedAt,
      healedAt,
      endedAt,
      records,
      acknowledged,
      lost: acknowledged.filter((id) => !present.has(id)),
      readiness: samples,
      pods: harness.replicas.map((r) => r.spec.pod),
      alerts,
      unixStart: harness.unix(0),
      notifications: [...harness.sink.received],
      seenInPrometheus: seen,
    },
  };
}

/** The checks of one observed scenario and its report (charts, summary.json). */
function concludeScenario(
  run: ScenarioRun,
  harness: Harness,
  config: DrillConfig,
  harnessStartSeconds: number,
  cleanupProblems: string[],
  keepLogs: boolean,
): DrillResult {
  const { scenario, trafficFrom, began } = run;
  const observations: Observations = { ...run.observations, cleanupProblems };
  const { injectedAt, healedAt, endedAt, acknowledged, notifications, alerts } = observations;
  const samples = observations.readiness;
  const measurements = measure(observations);
  const checks = evaluate(scenario, observations, measurements);
  const passed = checks.every((c) => c.passed);
  const reportDir = join(config.reportDir, scenario.name);
  const durationSeconds = run.setupSeconds + run.scenarioSeconds;
  // What this drill costs run alone: the whole harness start plus its own part.
  const standaloneSeconds = harnessStartSeconds + run.scenarioSeconds;

  const t0 = trafficFrom;
  const sec = (ms: number) => (ms - t0) / 1000;
  const byAlert = new Map<string, { pending: Set<number>; firing: Set<number> }>();
  for (const a of alerts) {
    const entry = byAlert.get(a.key) ?? { pending: new Set(), firing: new Set() };
    for (const t of a.times) entry[a.state].add(Math.round(t));
    byAlert.set(a.key, entry);
  }
  const fromUnix = harness.unix(t0);
  const e = scenario.expect;
  const report: IncidentReport = {
    title: scenario.title,
    scenario: scenario.name,
    environment: 'local drill harness: nginx → 2 API replicas → toxiproxy → PostgreSQL/Redis on 127.0.0.1',
    startedAt: new Date(began),
    hypothesis: scenario.hypothesis,
    fault: scenario.fault,
    faultWindow: { start: sec(injectedAt), end: sec(healedAt) },
    timeline: perSecond(observations.records, t0, endedAt),
    readiness: observations.pods.map((pod) => ({
      name: pod,
      points: samples.filter((s) => s.pod === pod).map((s) => ({ t: sec(s.at), ready: s.status === 200 })),
    })),
    alerts: [...byAlert].map(([name, times]) => ({
      name,
      transitions: transitions(times, fromUnix, harness.unix(endedAt)),
    })),
    notifications: notifications.map((n) => ({
      t: sec(n.at),
      receiver: n.receiver,
      status: n.status,
      alerts: n.alerts,
    })),
    recoverySeconds: measurements.recoverySeconds,
    figures: [
      { label: 'Requests sent', value: String(measurements.requestsTotal) },
      {
        label: 'Writes acknowledged / lost',
        value: `${acknowledged.length} / ${observations.lost.length}`,
        bound: 'none lost',
      },
      {
        label: 'Failed requests during the fault',
        value: String(measurements.failedDuringFault),
        bound: Number.isFinite(e.maxFailedDuringFault)
          ? `≤ ${e.maxFailedDuringFault}`
          : 'any (writes must fail, not vanish)',
      },
      {
        label: 'Failed requests outside the fault',
        value: String(measurements.failedOutsideFault),
        bound: `≤ ${e.maxFailedOutsideFault}`,
      },
      {
        label: 'p95 latency before the fault',
        value: `${measurements.p95BeforeFaultMs?.toFixed(0) ?? '-'} ms`,
      },
      {
        label: 'p95 latency during the fault',
        value: `${measurements.p95DuringFaultMs?.toFixed(0) ?? '-'} ms`,
        bound: `≤ ${e.maxP95DuringFaultMs} ms`,
      },
      {
        label: 'Recovery time',
        value:
          measurements.recoverySeconds === undefined
            ? 'did not recover'
            : `${measurements.recoverySeconds.toFixed(1)} s`,
        bound: `≤ ${e.maxRecoverySeconds} s`,
      },
      {
        label: 'Drill duration (harness start + scenario)',
        value: `${standaloneSeconds.toFixed(0)} s (${harnessStartSeconds.toFixed(0)} s + ${run.scenarioSeconds.toFixed(0)} s)`,
      },
    ],
    checks,
    notes: [
      `Alert rules are the generated ones with the same expressions; \`for:\` durations and Alertmanager timers are divided by ${config.timeScale} and rules are evaluated every 1 s (a \`for: 3m\` alert fires after ${Math.round(180 / config.timeScale)} s here).`,
      'Latency and errors are measured at the client through nginx; readiness is probed on each replica every 0.5 s.',
      'No SPA and no blackbox probe run in the harness, so SLIMetricAbsent{slo="spa-availability"} fires in every drill by design; it is neither expected nor asserted silent.',
      ...(run.setupSeconds !== harnessStartSeconds
        ? [
            `Run after another scenario on the same harness: toxiproxy was reset, both replicas were ready, and Prometheus and Alertmanager were restarted empty first (${run.setupSeconds.toFixed(0)} s).`,
          ]
        : []),
      ...(keepLogs ? [`Process logs kept in ${harness.workDir}/logs`] : []),
    ],
  };
  const written = writeIncidentReport(reportDir, report);
  writeFileSync(
    join(reportDir, 'summary.json'),
    `${JSON.stringify(
      {
        scenario: scenario.name,
        passed,
        durationSeconds,
        harnessStartSeconds,
        setupSeconds: run.setupSeconds,
        scenarioSeconds: run.scenarioSeconds,
        standaloneSeconds,
        measurements,
        checks,
        charts: written.charts,
        // For diagnosis: the drill-clock moments, every failed request and the raw readiness probes.
        injectedAt,
        healedAt,
        endedAt,
        failedRequests: observations.records.filter(failed),
        readiness: samples,
      },
      null,
      2,
    )}\n`,
  );
  return { scenario: scenario.name, passed, checks, measurements, reportDir, durationSeconds };
}

/**
 * Runs scenarios end to end on one harness: harness up, then per scenario traffic, fault, heal,
 * recovery (and a reset before every scenario but the first); then teardown, assertions, reports.
 * The harness is torn down in every path (the caller also tears it down on Ctrl-C via `onHarness`).
 */
export async function runDrills(
  scenarios: readonly Scenario[],
  config: DrillConfig,
  log: (line: string) => void,
  onHarness: (h: Harness) => void = () => undefined,
): Promise<DrillResult[]> {
  const began = Date.now();
  const harness = new Harness(config);
  onHarness(harness);
  let torndown = false;
  try {
    await harness.up(log);
    const harnessStartSeconds = (Date.now() - began) / 1000;
    log(`harness started in ${harnessStartSeconds.toFixed(1)} s`);
    const runs: ScenarioRun[] = [];
    for (const [i, scenario] of scenarios.entries()) {
      const scenarioBegan = Date.now();
      if (i > 0) await harness.resetForNextScenario(log);
      const setupSeconds = i === 0 ? harnessStartSeconds : (Date.now() - scenarioBegan) / 1000;
      const run = await observeScenario(scenario, harness, config, log, scenarioBegan, setupSeconds);
      log(`${scenario.name}: scenario part ${run.scenarioSeconds.toFixed(1)} s`);
      runs.push(run);
    }

    torndown = true;
    const cleanupProblems = await harness.down(true);
    for (const [name, port] of portList(config.ports))
      if (!(await portFree(port)))
        cleanupProblems.push(`port ${port} (${name}) still in use after the drill`);

    // Logs are kept only when a check failed; the checks decide, so they run twice (cheap, pure).
    const failing = runs.some((run) => {
      const o = { ...run.observations, cleanupProblems };
      return !evaluate(run.scenario, o, measure(o)).every((c) => c.passed);
    });
    const results = runs.map((run) =>
      concludeScenario(run, harness, config, harnessStartSeconds, cleanupProblems, failing),
    );
    if (!failing) rmSync(harness.workDir, { recursive: true, force: true });
    return results;
  } finally {
    if (!torndown) {
      const problems = await harness.down(true);
      for (const p of problems) log(p);
      log(`process logs kept in ${harness.workDir}/logs`);
    }
  }
}
