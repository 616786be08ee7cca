import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_PATHS, type AuthResponse } from '@taskboard/contracts';
import { type DeployState, deploy } from '../deploy/deploy';
import { type DeployRecord, JsonFileHistory, type SmokeOutcome } from '../deploy/history';
import { NginxUpstreamTarget } from '../deploy/nginx-upstream-target';
import { createNodeSmokeHttp } from '../smoke/http-client';
import { runJourney, smokeEmail } from '../smoke/journey';
import { type ApiProcess, startApi } from './api-process';
import { createDrillDatabase } from './database';
import { LocalNginx } from './nginx';
import { assertPortsFree, freePort } from './ports';
import { Teardown } from './teardown';
import { startTraffic, type Traffic, type TrafficReport } from './traffic';

export const GOOD = 'v1';
export const BAD = 'v2';

export interface DrillOptions {
  /** PostgreSQL the drill may create (and drop) a database on. */
  adminDatabaseUrl: string;
  redisUrl?: string;
  /** The deploy history (JSON); the drill appends to it. */
  historyFile: string;
  trafficRate?: number;
  trafficConnections?: number;
  /** Traffic before the bad deploy and after the rollback, so it surrounds both switches. */
  settleMs?: number;
  teardown?: Teardown;
  log?: (line: string) => void;
}

export interface SwitchCheck {
  to: string;
  /** Both API processes were running when the switch started (blue/green, nothing restarted). */
  bothAlive: boolean;
}

export interface DrillReport {
  deploy: DeployRecord;
  history: DeployRecord[];
  traffic: TrafficReport;
  switches: SwitchCheck[];
  /** From the failed smoke test to the good version serving again and passing its smoke test. */
  rollbackMs: number;
  /** Of which: the nginx switch alone (traffic back on the good version). */
  rollbackSwitchMs: number;
  /** What serves after the drill, as a new connection sees it. */
  liveAfter: string | undefined;
  upstreams: Record<string, string>;
  ports: number[];
  /** Every process the drill started (nginx master, both APIs): all gone once it returns. */
  pids: number[];
}

/**
 * A stand-in SPA build. The bad one is a half-synced release: its index.html names a bundle that
 * was never uploaded. The API is the same build, so nothing in it exists only for the drill; a
 * readiness probe passes on both, only the smoke journey tells them apart.
 */
function writeSpa(dir: string, bundle: string, shipBundle: boolean): void {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><title>taskboard</title></head><body><div id="app"></div><script type="module" src="/assets/${bundle}"></script></body></html>`,
  );
  if (shipBundle) writeFileSync(join(dir, 'assets', bundle), 'document.title = "taskboard";\n');
}

async function smokeVia(url: string): Promise<SmokeOutcome> {
  const http = createNodeSmokeHttp(url);
  try {
    const r = await runJourney(http);
    return r.ok
      ? { ok: true, ms: r.ms }
      : { ok: false, failedStep: r.failed!.step, reason: r.failed!.reason, ms: r.ms };
  } finally {
    http.close();
  }
}

async function accessToken(url: string): Promise<string> {
  const http = createNodeSmokeHttp(url);
  try {
    const res = await http.send({
      method: 'POST',
      path: API_PATHS.register,
      json: { email: smokeEmail(), password: 'drill-traffic-password' },
    });
    if (res.status !== 201)
      throw new Error(`drill: registering the traffic user answered ${res.status}: ${res.body}`);
    return (JSON.parse(res.body) as AuthResponse).accessToken;
  } finally {
    http.close();
  }
}

/**
 * The rollback drill: v1 and v2 of the API run side by side behind nginx under traffic; v1 is
 * deployed, then v2, whose smoke test fails, so the deploy switches back to v1. Returns what
 * happened; the caller (CLI, test) decides what must hold.
 */
export async function runRollbackDrill(options: DrillOptions): Promise<DrillReport> {
  const log = options.log ?? (() => {});
  const teardown = options.teardown ?? new Teardown();
  const settleMs = options.settleMs ?? 2000;
  try {
    const work = mkdtempSync(join(tmpdir(), 'taskboard-rollback-drill-'));
    // nginx runs unprivileged (nobody under root): it must be able to reach its prefix inside.
    chmodSync(work, 0o755);
    teardown.add('remove work dir', () => rmSync(work, { recursive: true, force: true }));

    const ports = new Set<number>();
    while (ports.size < 3) ports.add(await freePort());
    const [proxyPort, goodPort, badPort] = [...ports] as [number, number, number];
    await assertPortsFree([...ports]);

    const db = await createDrillDatabase(options.adminDatabaseUrl);
    teardown.add('drop database', () => db.drop());
    writeSpa(join(work, 'spa-v1'), 'app-5f1c2a.js', true);
    writeSpa(join(work, 'spa-v2'), 'app-9b7e04.js', false);

    const env = (spa: string) => ({
      DATABASE_URL: db.url,
      REDIS_URL: options.redisUrl,
      SPA_DIR: join(work, spa),
      // Every smoke run registers from 127.0.0.1; back-to-back drills share Redis' counters.
      AUTH_RATE_LIMIT: '1000',
      SHUTDOWN_TIMEOUT_MS: '10000',
      // The drill measures the switches, not a database on a saturated 2-core machine: the
      // production 1 s statement / 1.25 s request deadlines would turn CPU starvation into 503s.
      DATABASE_STATEMENT_TIMEOUT_MS: '10000',
      DATABASE_REQUEST_DEADLINE_MS: '15000',
    });
    log(
      `drill: starting ${GOOD} on :${goodPort} and ${BAD} on :${badPort} (same build; ${BAD} ships a half-synced SPA)`,
    );
    const apis: ApiProcess[] = [];
    teardown.add('stop API processes', async () => {
      await Promise.all(apis.map((a) => a.stop()));
    });
    // One after the other: the first migrates the fresh database, the second finds it current.
    const track = (api: ApiProcess) => apis.push(api);
    await startApi(GOOD, goodPort, env('spa-v1'), undefined, track);
    await startApi(BAD, badPort, env('spa-v2'), undefined, track);
    const [good, bad] = apis as [ApiProcess, ApiProcess];
    const upstreams = new Map([
      [GOOD, `127.0.0.1:${goodPort}`],
      [BAD, `127.0.0.1:${badPort}`],
    ]);

    const nginx = new LocalNginx(join(work, 'nginx'), proxyPort);
    teardown.add('stop nginx', () => nginx.stop());
    await nginx.start(upstreams.get(GOOD)!);
    log(`drill: nginx on ${nginx.url} -> ${GOOD}`);

    const history = new JsonFileHistory(options.historyFile);
    const switches: SwitchCheck[] = [];
    const marks: Partial<Record<string, number>> = {};
    const deps = {
      target: new NginxUpstreamTarget(nginx, upstreams),
      smoke: () => smokeVia(nginx.url),
      history,
      onState: (state: DeployState, version: string) => {
        marks[`${state}:${version}`] = performance.now();
        if (state === 'switching') switches.push({ to: version, bothAlive: good.alive() && bad.alive() });
        log(`drill: ${state} ${version}`);
      },
    };
    const first = await deploy(GOOD, 'drill', deps);
    if (first.result !== 'succeeded')
      throw new Error(
        `drill: the good version failed its smoke test: ${first.smoke.failedStep}: ${first.smoke.reason}`,
      );
    switches.length = 0;

    const token = await accessToken(nginx.url);
    let traffic: Traffic | undefined = startTraffic({
      url: nginx.url,
      accessToken: token,
      rate: options.trafficRate ?? 50,
      connections: options.trafficConnections ?? 4,
    });
    teardown.add('stop traffic', async () => {
      await traffic?.stop();
    });
    await sleep(settleMs);

    const entry = await deploy(BAD, 'drill', deps);
    await sleep(settleMs);
    // The bad version is retired under traffic: nginx no longer routes to it.
    await bad.stop();
    await sleep(500);
    const report = await traffic.stop();
    traffic = undefined;

    const rollbackSwitchMs = Math.round(
      (marks[`smoke-testing:${GOOD}`] ?? Number.NaN) - (marks[`rolling-back:${GOOD}`] ?? Number.NaN),
    );
    return {
      deploy: entry,
      history: await history.list(),
      traffic: report,
      switches,
      rollbackMs: entry.rollback?.ms ?? Number.NaN,
      rollbackSwitchMs,
      liveAfter: await nginx.probe(),
      upstreams: Object.fromEntries(upstreams),
      ports: [...ports],
      pids: [nginx.pid, good.pid, bad.pid].filter((p): p is number => p !== undefined),
    };
  } finally {
    const failures = await teardown.run();
    for (const f of failures) log(`drill: cleanup failed: ${f}`);
  }
}
