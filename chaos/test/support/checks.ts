// The catalogue's claims, checked against what the repository really holds. Each function returns
// problems (empty = fine) so the tests can show it passes on the catalogue and fails on a broken copy.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type Experiment, mustFireOf } from '../../src/experiments/types';

export interface AlertRule {
  /** Every `for` the alert name carries (burn-rate alerts have one rule per window pair). */
  forSeconds: number[];
  runbooks: Set<string>;
}

export function parseDuration(d: string | undefined): number {
  if (d === undefined) return 0;
  const m = /^(\d+)([smhd])$/.exec(d);
  if (!m) throw new Error(`unsupported duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** Alert rules by name from dashboards/generated/prometheus/*.rules.yaml. */
export function loadAlertRules(root: string): Map<string, AlertRule> {
  const dir = join(root, 'dashboards', 'generated', 'prometheus');
  const rules = new Map<string, AlertRule>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as {
      groups: { rules: { alert?: string; for?: string; annotations?: { runbook_url?: string } }[] }[];
    };
    for (const rule of doc.groups.flatMap((g) => g.rules)) {
      if (!rule.alert) continue;
      const entry = rules.get(rule.alert) ?? { forSeconds: [], runbooks: new Set<string>() };
      entry.forSeconds.push(parseDuration(rule.for));
      if (rule.annotations?.runbook_url) entry.runbooks.add(rule.annotations.runbook_url);
      rules.set(rule.alert, entry);
    }
  }
  return rules;
}

/** One scrape (30 s) plus one rule evaluation (30 s): the least an alert needs beyond its `for`. */
export const DETECTION_MARGIN_SECONDS = 60;

export function alertProblems(experiments: Experiment[], rules: Map<string, AlertRule>): string[] {
  const problems: string[] = [];
  for (const e of experiments) {
    const fire = mustFireOf(e);
    for (const name of [...fire.map((f) => f.alert), ...e.mustNotFire]) {
      if (!rules.has(name))
        problems.push(`${e.name}: alert ${name} is not in dashboards/generated/prometheus`);
    }
    for (const f of fire) {
      if (e.mustNotFire.includes(f.alert)) problems.push(`${e.name}: ${f.alert} must both fire and not fire`);
      const rule = rules.get(f.alert);
      if (!rule) continue;
      // The fastest of the alert's rules decides when it can fire at the earliest.
      const soonest = Math.min(...rule.forSeconds) + DETECTION_MARGIN_SECONDS;
      if (f.withinSeconds < soonest)
        problems.push(
          `${e.name}: ${f.alert} cannot fire within ${f.withinSeconds}s (for + margin = ${soonest}s)`,
        );
      if (f.withinSeconds > e.durationSeconds)
        problems.push(
          `${e.name}: ${f.alert} deadline ${f.withinSeconds}s is after the fault ends (${e.durationSeconds}s)`,
        );
    }
    if (e.type === 'workflow') {
      for (const step of e.steps)
        for (const f of step.mustFire)
          if (f.withinSeconds > step.durationSeconds)
            problems.push(`${e.name}/${step.name}: ${f.alert} deadline is after the step ends`);
    }
  }
  return problems;
}

export function runbookProblems(
  experiments: Experiment[],
  rules: Map<string, AlertRule>,
  fileExists: (repoPath: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const e of experiments) {
    if (!fileExists(e.runbook)) problems.push(`${e.name}: runbook ${e.runbook} does not exist`);
    // When a named alert is the signal, the runbook is the one that alert links to.
    const linked = mustFireOf(e).flatMap((f) => [...(rules.get(f.alert)?.runbooks ?? [])]);
    if (linked.length > 0 && !linked.includes(e.runbook))
      problems.push(`${e.name}: runbook ${e.runbook} is none of its alerts' runbooks (${linked.join(', ')})`);
  }
  return problems;
}

export function shapeProblems(experiments: Experiment[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of experiments) {
    if (seen.has(e.name)) problems.push(`${e.name}: duplicate name`);
    seen.add(e.name);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(e.name)) problems.push(`${e.name}: not kebab-case`);
    for (const [field, text] of [
      ['hypothesis', e.hypothesis],
      ['blastRadius', e.blastRadius],
      ['abortCondition', e.abortCondition],
    ] as const)
      if (text.trim().length < 20) problems.push(`${e.name}: ${field} says nothing`);
    if (!(e.durationSeconds > 0)) problems.push(`${e.name}: duration must be positive`);
    if (e.outcome.kind === 'absorbed' && e.mustNotFire.length === 0)
      problems.push(`${e.name}: an absorbed fault must name the alerts that stay silent`);
  }
  return problems;
}
