/**
 * `make drill SCENARIO=<name>`: runs one local drill and exits 0 only when every assertion held.
 * Exit codes: 0 passed, 1 an assertion failed or the drill broke, 2 unknown scenario or bad
 * configuration, 3 cannot start (tool missing, port taken, service down: nothing was started),
 * 130 interrupted (everything started was stopped).
 */

import { runDrill } from '../drill';
import { DrillConfigError, loadDrillConfig } from '../harness/config';
import type { Harness } from '../harness/harness';
import { preflight } from '../harness/preflight';
import { findScenario, scenarioNames } from '../scenarios/catalogue';

const t0 = Date.now();
const log = (line: string) =>
  console.log(`drill [${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

async function main(): Promise<number> {
  const name = process.argv[2] || process.env.SCENARIO;
  const scenario = findScenario(name);
  if (!scenario) {
    console.error(
      `drill: ${name ? `unknown SCENARIO "${name}"` : 'SCENARIO is not set'}; valid names: ${scenarioNames().join(', ')}`,
    );
    return 2;
  }
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
    console.error(`drill: cannot start ${scenario.name}; nothing was started or changed:`);
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

  log(`${scenario.name}: ${scenario.title}`);
  const result = await runDrill(scenario, config, log, (h) => {
    harness = h;
  });
  for (const c of result.checks) log(`${c.passed ? 'pass' : 'FAIL'}  ${c.name}: ${c.detail}`);
  log(`report: ${result.reportDir}/report.md (${result.durationSeconds.toFixed(0)} s)`);
  log(result.passed ? `${scenario.name} PASSED` : `${scenario.name} FAILED`);
  return result.passed ? 0 : 1;
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
