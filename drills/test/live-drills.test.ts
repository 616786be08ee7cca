/**
 * The local drills for real: `make drill SCENARIO=<every scenario>` runs them one after another on
 * one harness (nginx, two API replicas, toxiproxy, Prometheus, Alertmanager; reset between
 * scenarios) against the real PostgreSQL/Redis; each passes every assertion of its scenario, fits in
 * 2 minutes with the harness start counted in full, and writes a report with its charts and figures.
 * Afterwards, and after a Ctrl-C in the middle of a drill, no process of the drill is left, none of
 * its ports is in use, its database is gone, and PostgreSQL/Redis still answer.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDrillConfig } from '../src/harness/config';
import { scenarioNames } from '../src/scenarios/catalogue';
import { drillDatabases, processesOf, reachable, takenPorts } from './support/leftovers';
import { makeDrill, type Run } from './support/run-drill';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const ports = loadDrillConfig({}).ports;
/** A drill run alone (harness start + traffic, fault, recovery, checks, report) must fit in 2 minutes. */
const MAX_DRILL_SECONDS = 120;
const SCENARIOS = scenarioNames();

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
  setupSeconds: number;
  scenarioSeconds: number;
  standaloneSeconds: number;
  checks: { name: string; passed: boolean; detail: string }[];
  charts: string[];
}

/** Every scenario, once, on one harness: started by the first test that needs it. */
let suite: Promise<{ run: Run; runId: string; databasesBefore: string[]; began: number }> | undefined;
function runSuite() {
  suite ??= (async () => {
    const runId = `test-suite-${process.pid}`;
    const databasesBefore = await drillDatabases(ADMIN_URL);
    const began = Date.now();
    const run = await makeDrill(SCENARIOS.join(','), { DRILL_RUN_ID: runId, DRILL_REPORT_DIR: reportDir });
    return { run, runId, databasesBefore, began };
  })();
  return suite;
}

describe('live drills', () => {
  it.for(SCENARIOS)(
    '%s passes its assertions within 2 minutes and writes its report',
    { timeout: 1_200_000 },
    async (scenario, ctx) => {
      if (reason) ctx.skip();
      const { run } = await runSuite();
      const dir = join(reportDir, scenario);
      const summaryPath = join(dir, 'summary.json');
      expect(existsSync(summaryPath), run.output).toBe(true);
      const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
      console.info(
        `${scenario}: ${summary.passed ? 'passed' : 'FAILED'}; alone it takes ${summary.standaloneSeconds.toFixed(0)} s ` +
          `(harness start ${summary.harnessStartSeconds.toFixed(0)} s + scenario ${summary.scenarioSeconds.toFixed(0)} s); ` +
          `in the suite ${summary.durationSeconds.toFixed(0)} s (setup ${summary.setupSeconds.toFixed(0)} s)\n` +
          summary.checks.map((c) => `  ${c.passed ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}`).join('\n'),
      );
      expect(
        summary.checks.filter((c) => !c.passed),
        run.output,
      ).toEqual([]);
      expect(summary.standaloneSeconds).toBeLessThan(MAX_DRILL_SECONDS);

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
    },
  );

  it('the suite passed as a whole and left nothing behind', { timeout: 1_200_000 }, async (ctx) => {
    if (reason) ctx.skip();
    const { run, runId, databasesBefore, began } = await runSuite();
    console.info(
      `all ${SCENARIOS.length} drills on one harness: ${((Date.now() - began) / 1000).toFixed(0)} s`,
    );
    expect(run.code, run.output).toBe(0);
    await expectNothingLeft(runId, databasesBefore);
  });

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
