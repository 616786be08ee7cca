/**
 * The local drills for real: `make drill SCENARIO=pod-kill|db-down|cache-down` each run the
 * harness (nginx, two API replicas, toxiproxy, Prometheus, Alertmanager) against the real
 * PostgreSQL/Redis, pass every assertion of their scenario, and write a report with its charts and
 * figures. After each, and after a Ctrl-C in the middle of one, no process of the drill is left,
 * none of its ports is in use, its database is gone, and PostgreSQL/Redis still answer.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDrillConfig } from '../src/harness/config';
import { drillDatabases, processesOf, reachable, takenPorts } from './support/leftovers';
import { makeDrill } from './support/run-drill';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const ports = loadDrillConfig({}).ports;
/** The scenario part of a drill (traffic, fault, recovery, checks, report) must fit in 2 minutes. */
const MAX_SCENARIO_SECONDS = 120;

let reason: string | undefined;
const reportDir = mkdtempSync(join(tmpdir(), 'drill-reports-'));

beforeAll(async () => {
  if (!(await reachable('127.0.0.1', 5432))) reason = 'PostgreSQL is not reachable on 127.0.0.1:5432';
  else if (!(await reachable('127.0.0.1', 6379))) reason = 'Redis is not reachable on 127.0.0.1:6379';
  else {
    const taken = await takenPorts(ports);
    if (taken.length > 0) reason = `drill ports are taken (${taken.join(', ')}); another drill is running?`;
  }
  if (reason) console.warn(`live drills skipped: ${reason}`);
});
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

/** Nothing of the drill remains: processes, ports, database; the shared services still answer. */
async function expectNothingLeft(runId: string, databasesBefore: string[]) {
  // Cleanup runs before the drill process exits, so there is nothing to wait for.
  expect(processesOf(runId), 'processes of the drill still running').toEqual([]);
  expect(await takenPorts(ports), 'drill ports still in use').toEqual([]);
  expect(await drillDatabases(ADMIN_URL)).toEqual(databasesBefore);
  expect(await reachable('127.0.0.1', 5432), 'PostgreSQL must still run').toBe(true);
  expect(await reachable('127.0.0.1', 6379), 'Redis must still run').toBe(true);
}

interface Summary {
  passed: boolean;
  durationSeconds: number;
  harnessStartSeconds: number;
  scenarioSeconds: number;
  checks: { name: string; passed: boolean; detail: string }[];
  charts: string[];
}

describe('live drills', () => {
  it.for(['pod-kill', 'db-down', 'cache-down'])(
    '%s passes its assertions, writes its report and leaves nothing behind',
    { timeout: 400_000 },
    async (scenario, ctx) => {
      if (reason) ctx.skip();
      const runId = `test-${scenario}-${process.pid}`;
      const before = await drillDatabases(ADMIN_URL);
      const run = await makeDrill(scenario, { DRILL_RUN_ID: runId, DRILL_REPORT_DIR: reportDir });
      const dir = join(reportDir, scenario);
      const summaryPath = join(dir, 'summary.json');
      expect(existsSync(summaryPath), run.output).toBe(true);
      const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
      console.info(
        `${scenario}: ${summary.passed ? 'passed' : 'FAILED'} in ${summary.durationSeconds.toFixed(0)} s ` +
          `(harness start ${summary.harnessStartSeconds.toFixed(0)} s, scenario ${summary.scenarioSeconds.toFixed(0)} s)\n` +
          summary.checks.map((c) => `  ${c.passed ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}`).join('\n'),
      );
      expect(
        summary.checks.filter((c) => !c.passed),
        run.output,
      ).toEqual([]);
      expect(run.code, run.output).toBe(0);
      expect(summary.scenarioSeconds).toBeLessThan(MAX_SCENARIO_SECONDS);

      const md = readFileSync(join(dir, 'report.md'), 'utf8');
      expect(summary.charts.sort()).toEqual(['alerts.svg', 'latency.svg', 'readiness.svg', 'traffic.svg']);
      for (const chart of summary.charts) {
        expect(md).toContain(`](${chart})`);
        const svg = readFileSync(join(dir, chart), 'utf8');
        expect(svg).toContain('fill="rgb(220,53,69)" fill-opacity="0.15"');
      }
      for (const figure of [
        /\| Recovery time \| \d+\.\d s \|/,
        /\| Writes acknowledged \/ lost \| \d+ \/ 0 \| none lost \|/,
        /\| Failed requests outside the fault \| 0 \|/,
        /\| p95 latency during the fault \| \d+ ms \|/,
        /PASSED: all \d+ checks held/,
      ])
        expect(md).toMatch(figure);
      await expectNothingLeft(runId, before);
    },
  );

  it('Ctrl-C in the middle of a drill stops everything it started', async (ctx) => {
    if (reason) ctx.skip();
    const runId = `test-interrupt-${process.pid}`;
    const before = await drillDatabases(ADMIN_URL);
    let sent = false;
    const run = await makeDrill(
      'db-down',
      { DRILL_RUN_ID: runId, DRILL_REPORT_DIR: reportDir },
      (out, pgid) => {
        if (!sent && out.includes('PostgreSQL cut')) {
          sent = true;
          // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
          process.kill(-pgid, 'SIGINT');
        }
      },
    );
    expect(sent, run.output).toBe(true);
    expect(run.code === 0 && run.signal === null, 'an interrupted drill must not report success').toBe(false);
    expect(run.output).toContain('SIGINT: stopping every process the drill started');
    await expectNothingLeft(runId, before);
  }, 400_000);
});
