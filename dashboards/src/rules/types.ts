/** The plain Prometheus rule-file shape (what `promtool check rules` and a PrometheusRule `spec` take). */

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Every alert carries these, so routing, inhibition and the runbook link never depend on luck. */
export interface AlertLabels {
  readonly severity: Severity;
  readonly [label: string]: string;
}

export interface AlertAnnotations {
  readonly summary: string;
  readonly description: string;
  readonly runbook_url: string;
  readonly [annotation: string]: string;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: AlertLabels;
  readonly annotations: AlertAnnotations;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

/**
 * `page` wakes someone (PagerDuty), `ticket` is work for business hours (SNS to the ticket queue).
 * kube-prometheus-stack's own rules use critical/warning/info; Alertmanager maps those too.
 */
export const SEVERITIES = ['page', 'ticket'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}
