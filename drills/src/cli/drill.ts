/**
 * `make drill SCENARIO=<name>[,<name>…]`: runs local drills and exits 0 only when every assertion of
 * every one held. Several names run one after another on one harness (started once, reset between
 * scenarios); `all` runs every scenario.
 * Exit codes: 0 passed, 1 an assertion failed or the drill broke, 2 unknown scenario or bad
 * configuration, 3 cannot start (tool missing, port taken, service down: nothing was started),
 * 130 interrupted (everything started was stopped).
 */

import { runDrills } from '../drill';
import { DrillConfigError, loadDrillConfig } from '../harness/config';
import type { Harness } from '../harness/harness';
import { preflight } from '../harness/preflight';
import { parseScenarios, scenarioNames } from '../scenarios/catalogue';

const t0 = Date.now();
const log = (line: string) =>
  console.log(`drill [${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

async function main(): Promise<number> {
  const parsed = parseScenarios(process.argv[2] || process.env.SCENARIO);
  if ('error' in parsed) {
    console.error(
      `drill: ${parsed.error}; valid names: ${scenarioNames().join(', ')} (comma-separated, or all)`,
    );
    return 2;
  }
  const scenarios = parsed.scenarios;
  const names = scenarios.map((s) => s.name).join(', ');
  let config: ReturnType<typeof loadDrillConfig>;
  try {
    config = loadDrillConfig();
  } catch (error) {
    if (error instanceof DrillConfigError) {
      console.error(`drill: bad configuration: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const problems = await preflight(config);
  if (problems.length > 0) {
    console.error(`drill: cannot start ${names}; nothing was started or changed:`);
    for (const p of problems) console.error(`  - ${p}`);
    return 3;
  }

  let harness: Harness | undefined;
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping every process the drill started`);
    void (async () => {
      const left = harness ? await harness.down(false) : [];
      for (const p of left) log(p);
      process.exit(130);
    })();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  for (const s of scenarios) log(`${s.name}: ${s.title}`);
  const results = await runDrills(scenarios, config, log, (h) => {
    harness = h;
  });
  for (const result of results) {
    for (const c of result.checks)
      log(`${result.scenario}: ${c.passed ? 'pass' : 'FAIL'}  ${c.name}: ${c.detail}`);
    log(`${result.scenario}: report ${result.reportDir}/report.md (${result.durationSeconds.toFixed(0)} s)`);
    log(result.passed ? `${result.scenario} PASSED` : `${result.scenario} FAILED`);
  }
  return results.every((r) => r.passed) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`drill: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
