import { ruleFiles } from '../../src/outputs';
import { type AlertingRule, isAlertingRule } from '../../src/rules/types';
import type { ExpectedAlert } from './run';

const ALERTING_RULES: AlertingRule[] = [...ruleFiles().values()].flatMap((file) =>
  file.groups.flatMap((group) => group.rules.filter(isAlertingRule)),
);

/** Expands the `{{ $labels.x }}` references our annotations use (they use nothing else). */
function expand(template: string, labels: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => labels[name] ?? '');
}

/**
 * An expected firing alert. Labels are written out by hand in each scenario; the annotations are
 * the matching rule's, expanded, because promtool compares both and their wording is checked
 * separately (every alert has a summary, description and a runbook that exists).
 */
export function firing(alertname: string, labels: Readonly<Record<string, string>>): ExpectedAlert {
  const rule = ALERTING_RULES.find(
    (r) => r.alert === alertname && Object.entries(r.labels).every(([k, v]) => labels[k] === v),
  );
  if (!rule) throw new Error(`no ${alertname} rule carries the labels ${JSON.stringify(labels)}`);
  const annotations = Object.fromEntries(
    Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, labels)]),
  );
  return { labels, annotations };
}
