import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DeployRecord } from '../src/deploy/history';
import { describeDrill, drillViolations } from '../src/drill/checks';
import { BAD, type DrillReport, GOOD, runRollbackDrill } from '../src/drill/drill';
import { LocalNginx } from '../src/drill/nginx';
import { freePort, isListening } from '../src/drill/ports';
import { startTraffic } from '../src/drill/traffic';
import { ADMIN_DATABASE_URL, REDIS_URL } from './support/services';

const POSTGRES_MISSING = inject('postgresMissing');

let dir: string;
let historyFile: string;
let report: DrillReport;

/** One real drill (two API processes, nginx, traffic); every test reads its report. Bounded: ~1 min. */
beforeAll(async () => {
  if (POSTGRES_MISSING) return;
  dir = mkdtempSync(join(tmpdir(), 'taskboard-drill-test-'));
  historyFile = join(dir, 'history.json');
  report = await runRollbackDrill({ adminDatabaseUrl: ADMIN_DATABASE_URL, redisUrl: REDIS_URL, historyFile });
  for (const line of describeDrill(report)) console.info(line);
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(POSTGRES_MISSING)('rollback drill (make drill-rollback), end to end', () => {
  it('passes every check the CLI applies', () => {
    expect(drillViolations(report)).toEqual([]);
  });

  it('the bad version failed its smoke test and was rolled back automatically to the good one', () => {
    expect(report.deploy).toMatchObject({ version: BAD, result: 'rolled-back', previous: GOOD, live: GOOD });
    expect(report.deploy.smoke).toMatchObject({ ok: false, failedStep: 'spa-shell' });
    expect(report.deploy.rollback).toMatchObject({ to: GOOD, smoke: { ok: true } });
    expect(report.liveAfter).toBe(report.upstreams[GOOD]);
    expect(report.rollbackMs).toBeGreaterThan(0);
    expect(report.rollbackSwitchMs).toBeGreaterThan(0);
  });

  it('served traffic on both versions with zero failed requests across both switches', () => {
    const t = report.traffic;
    expect(t.responses).toBeGreaterThan(0);
    expect({ errors: t.errors, timeouts: t.timeouts, non2xx: t.non2xx }).toEqual({
      errors: 0,
      timeouts: 0,
      non2xx: 0,
    });
    expect(t.byUpstream[report.upstreams[GOOD]!]).toBeGreaterThan(0);
    expect(t.byUpstream[report.upstreams[BAD]!]).toBeGreaterThan(0);
    expect(report.switches).toEqual([
      { to: BAD, bothAlive: true },
      { to: GOOD, bothAlive: true },
    ]);
  });

  it('recorded the history in the JSON file: version, time, actor, result', () => {
    const records = JSON.parse(readFileSync(historyFile, 'utf8')) as DeployRecord[];
    expect(records.map((r) => [r.version, r.actor, r.result])).toEqual([
      [GOOD, 'drill', 'succeeded'],
      [BAD, 'drill', 'rolled-back'],
    ]);
    for (const r of records) expect(Date.parse(r.finishedAt)).toBeGreaterThanOrEqual(Date.parse(r.startedAt));
  });

  it('left no process running and nothing listening on its ports, and removed its work dir', async () => {
    expect(report.pids).toHaveLength(3);
    for (const pid of report.pids) expect(() => process.kill(pid, 0), `pid ${pid}`).toThrow();
    for (const port of report.ports) expect(await isListening(port), `port ${port}`).toBe(false);
    expect(existsSync(historyFile)).toBe(true);
  });
});

describe('drill traffic (the measurement the zero-failure claim rests on)', () => {
  it('counts a proxy error as a failed request, naming status and upstream', async () => {
    const work = mkdtempSync(join(tmpdir(), 'taskboard-traffic-test-'));
    chmodSync(work, 0o755);
    const nginx = new LocalNginx(join(work, 'nginx'), await freePort());
    const closed = `127.0.0.1:${await freePort()}`;
    try {
      await nginx.start(closed); // nothing listens there: nginx answers 502
      const traffic = startTraffic({ url: nginx.url, accessToken: 'none', rate: 20, connections: 2 });
      await new Promise((r) => setTimeout(r, 1000));
      const t = await traffic.stop();
      expect(t.responses).toBeGreaterThan(0);
      expect(t.non2xx).toBe(t.responses);
      expect(t.statusCodes['502']).toBe(t.responses);
      expect(t.failures[0]).toMatch(new RegExp(`502 from ${closed}`));
    } finally {
      await nginx.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('drill checks', () => {
  it('flag failed requests, a missing rollback and an unexercised version', () => {
    const good = fakeReport();
    expect(drillViolations(good)).toEqual([]);
    const bad = structuredClone(good);
    bad.traffic.non2xx = 3;
    bad.traffic.byUpstream = { [good.upstreams[GOOD]!]: 10 };
    bad.deploy.result = 'rollback-failed';
    const v = drillViolations(bad).join('\n');
    expect(v).toMatch(/failed requests under traffic: 0 errors, 0 timeouts, 3 non-2xx/);
    expect(v).toMatch(/no traffic reached v2/);
    expect(v).toMatch(/ended "rollback-failed"/);
  });
});

/** A passing report, for the checks' own test when PostgreSQL is missing. */
function fakeReport(): DrillReport {
  const rec = (version: string, result: DeployRecord['result']): DeployRecord => ({
    action: 'deploy',
    version,
    actor: 'drill',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:05.000Z',
    result,
    previous: version === GOOD ? null : GOOD,
    live: GOOD,
    smoke:
      version === GOOD ? { ok: true, ms: 1 } : { ok: false, failedStep: 'spa-shell', reason: '404', ms: 1 },
    ...(version === BAD ? { rollback: { to: GOOD, smoke: { ok: true, ms: 1 }, ms: 2 } } : {}),
    durationMs: 5000,
  });
  const upstreams = { [GOOD]: '127.0.0.1:1', [BAD]: '127.0.0.1:2' };
  return {
    deploy: rec(BAD, 'rolled-back'),
    history: [rec(GOOD, 'succeeded'), rec(BAD, 'rolled-back')],
    traffic: {
      responses: 20,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      byUpstream: { '127.0.0.1:1': 15, '127.0.0.1:2': 5 },
      failures: [],
      keepAliveRetries: 0,
      statusCodes: { 200: 20 },
      seconds: 1,
      rate: 20,
    },
    switches: [
      { to: BAD, bothAlive: true },
      { to: GOOD, bothAlive: true },
    ],
    rollbackMs: 2,
    rollbackSwitchMs: 1,
    liveAfter: '127.0.0.1:1',
    upstreams,
    ports: [1, 2, 3],
    pids: [],
  };
}
