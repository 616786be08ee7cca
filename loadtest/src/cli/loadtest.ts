/**
 * `make loadtest`, `perf-baseline`, `perf-compare` and the validation behind `make test`:
 *   list | validate | run SCENARIO [--out DIR] [--label L] | perf-baseline [--out DIR]
 *   compare BEFORE_DIR AFTER_DIR [--out DIR] | script SCENARIO DIR (for `artillery run-fargate`)
 * Settings come from LOADTEST_* (config/env.ts). Exit code: 0 pass, 1 thresholds failed or run
 * broken, 2 usage error (unknown scenario, bad configuration).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { validateScript } from '../artillery/validate';
import { loadtestEnv } from '../config/env';
import { writeComparison } from '../report/compare';
import { perfBaselineIndex, targetNotReady } from '../run/perf-baseline';
import { runScenario, type ScenarioRun } from '../run/run-scenario';
import { readSavedRun } from '../run/saved-run';
import { PROCESSOR } from '../scenarios/helpers';
import { SCENARIOS } from '../scenarios/index';
import { sloLimits } from '../thresholds/slo';

const REPO = resolve(__dirname, '..', '..', '..', '..');
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
const defaultOut = (kind: string) => join(REPO, 'artifacts', 'loadtest', `${kind}-${stamp()}`);

class UsageError extends Error {}

function scenarioName(name: string | undefined): string {
  if (name && SCENARIOS[name]) return name;
  throw new UsageError(
    `${name ? `unknown scenario "${name}"` : 'no scenario given'}; valid scenarios: ${Object.keys(SCENARIOS).join(', ')}`,
  );
}

function summarize(run: ScenarioRun): void {
  const { outcome, meta, report } = run;
  for (const c of outcome.checks)
    console.log(`  ${c.passed ? 'ok  ' : c.optional ? 'miss' : 'FAIL'} ${c.expression}`);
  if (outcome.timedOut) console.log('  the run hit its time bound and was stopped');
  console.log(
    `${meta.scenario}: ${outcome.passed ? 'PASS' : 'FAIL'} (exit ${outcome.exitCode}); report ${report?.markdownPath ?? 'not written (no result)'}`,
  );
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, label: { type: 'string' } },
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'list':
      for (const s of Object.values(SCENARIOS)) console.log(`${s.name.padEnd(10)} ${s.description}`);
      return 0;
    case 'validate': {
      const env = loadtestEnv();
      let bad = 0;
      for (const s of Object.values(SCENARIOS)) {
        const problems = await validateScript(s.build(env));
        bad += problems.length;
        console.log(`${s.name}: ${problems.length ? problems.join('; ') : 'valid'}`);
      }
      return bad ? 1 : 0;
    }
    case 'run': {
      const name = scenarioName(rest[0]);
      const env = loadtestEnv();
      const run = await runScenario({
        scenario: name,
        env,
        outputDir: resolve(values.out ?? defaultOut(name)),
        label: values.label ?? process.env.LOADTEST_LABEL,
      });
      summarize(run);
      return run.outcome.passed ? 0 : 1;
    }
    case 'perf-baseline': {
      const env = loadtestEnv();
      const notReady = await targetNotReady(env.LOADTEST_TARGET);
      if (notReady)
        throw new UsageError(
          `the target is not ready: ${notReady}; start the API (make demo &) or set LOADTEST_TARGET`,
        );
      const out = resolve(values.out ?? defaultOut('perf-baseline'));
      const runs: ScenarioRun[] = [];
      for (const name of ['baseline', 'stress']) {
        const run = await runScenario({
          scenario: name,
          env,
          outputDir: join(out, name),
          label: values.label,
        });
        summarize(run);
        runs.push(run);
      }
      const index = perfBaselineIndex(runs, sloLimits());
      writeFileSync(join(out, 'README.md'), index);
      const knee = index.split('\n').find((l) => l.startsWith('**Knee'));
      console.log(`perf-baseline: ${knee?.replaceAll('**', '') ?? ''}`);
      console.log(`perf-baseline: ${join(out, 'README.md')}`);
      return runs.every((r) => r.report !== undefined) && runs[0]?.outcome.passed ? 0 : 1;
    }
    case 'compare': {
      const [beforeDir, afterDir] = rest;
      if (!beforeDir || !afterDir) throw new UsageError('compare needs BEFORE and AFTER run folders');
      const out = resolve(
        values.out ?? defaultOut(`compare-${basename(beforeDir)}-vs-${basename(afterDir)}`),
      );
      const path = writeComparison(out, readSavedRun(resolve(beforeDir)), readSavedRun(resolve(afterDir)));
      console.log(`perf-compare: ${path}`);
      return 0;
    }
    case 'script': {
      const name = scenarioName(rest[0]);
      const dir = rest[1];
      if (!dir) throw new UsageError('script needs SCENARIO and an output folder');
      mkdirSync(dir, { recursive: true });
      // run-fargate bundles the script's folder: the processor goes beside it, referenced relatively.
      copyFileSync(PROCESSOR, join(dir, 'processor.js'));
      const script = SCENARIOS[name]?.build(loadtestEnv());
      const file = join(dir, `${name}.yml`);
      writeFileSync(
        file,
        stringify({ ...script, config: { ...script?.config, processor: './processor.js' } }),
      );
      console.log(file);
      return 0;
    }
    default:
      throw new UsageError(
        `unknown command "${command ?? ''}"; commands: list, validate, run, perf-baseline, compare, script`,
      );
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`loadtest: ${error.message}`);
    process.exit(
      error instanceof UsageError || error.message.startsWith('invalid load-test configuration') ? 2 : 1,
    );
  },
);
