import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import type { InputSeries } from './series';

export const WORKSPACE = resolve(__dirname, '..', '..');

export interface ExpectedAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface AlertCheck {
  /** Minutes from the start of the series. */
  readonly atMinute: number;
  readonly alertname: string;
  readonly firing: readonly ExpectedAlert[];
}

export interface ExprCheck {
  readonly atMinute: number;
  readonly expr: string;
  readonly samples: readonly { readonly labels: string; readonly value: number }[];
}

export interface PromtoolCase {
  readonly name: string;
  /**
   * How often promtool evaluates the rules. Multi-day scenarios use 5m so they finish in
   * seconds (cost grows with steps x samples per 3d window); blips and symptoms use 1m so no
   * transient firing can slip between two evaluations.
   */
  readonly evaluationInterval?: '1m' | '5m';
  readonly interval?: string;
  readonly series: readonly InputSeries[];
  readonly alerts?: readonly AlertCheck[];
  readonly exprs?: readonly ExprCheck[];
}

export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Recording groups first, then the groups that alert on them. Without an explicit order
 * promtool evaluates groups in Go map order, which changes from run to run: an alert then
 * sometimes reads the previous step's recorded value, and a boundary case flakes.
 */
function groupEvalOrder(ruleFiles: readonly string[]): string[] {
  const groups = ruleFiles.flatMap((f) => {
    const doc = load(readFileSync(resolve(WORKSPACE, f), 'utf8')) as {
      groups: { name: string; rules: { record?: string }[] }[];
    };
    return doc.groups;
  });
  const recordsOnly = (g: (typeof groups)[number]) => g.rules.every((r) => r.record !== undefined);
  return [...groups.filter(recordsOnly), ...groups.filter((g) => !recordsOnly(g))].map((g) => g.name);
}

/** Writes a promtool unit-test file for one case and runs `promtool test rules` on it. */
export function runPromtoolTests(ruleFiles: readonly string[], testCase: PromtoolCase): PromtoolResult {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  const file = join(dir, 'tests.yaml');
  const doc = {
    rule_files: ruleFiles.map((f) => resolve(WORKSPACE, f)),
    evaluation_interval: testCase.evaluationInterval ?? '1m',
    group_eval_order: groupEvalOrder(ruleFiles),
    tests: [testCase].map((c) => ({
      name: c.name,
      interval: c.interval ?? '1m',
      input_series: c.series,
      alert_rule_test: (c.alerts ?? []).map((a) => ({
        eval_time: `${a.atMinute}m`,
        alertname: a.alertname,
        exp_alerts: a.firing.map((f) => ({ exp_labels: f.labels, exp_annotations: f.annotations })),
      })),
      promql_expr_test: (c.exprs ?? []).map((e) => ({
        expr: e.expr,
        eval_time: `${e.atMinute}m`,
        exp_samples: e.samples,
      })),
    })),
  };
  writeFileSync(file, dump(doc, { noRefs: true, lineWidth: -1 }));
  const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  if (run.error)
    throw new Error(`promtool could not run (install it with \`make tools\`): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
