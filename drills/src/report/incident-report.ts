import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/config';
import { alertsChart, latencyChart, readinessChart, trafficChart } from './charts';

export const TEMPLATE = join(REPO_ROOT, 'docs', 'incident-report-template.md');

export type AlertStateName = 'inactive' | 'pending' | 'firing';

/**
 * Everything an incident report shows, whatever produced it: the local drill harness (client-side
 * timeline) or `make chaos` on the cluster (timeline from Prometheus). Times are seconds since the
 * start of the timeline.
 */
export interface IncidentReport {
  title: string;
  scenario: string;
  /** Where it ran, e.g. "local drill harness (127.0.0.1)" or "cluster: prod". */
  environment: string;
  startedAt: Date;
  hypothesis: string;
  /** What was done to the system. */
  fault: string;
  faultWindow: { start: number; end: number };
  timeline: {
    t: number;
    requests: number;
    errors: number;
    p50Ms?: number | undefined;
    p95Ms?: number | undefined;
    p99Ms?: number | undefined;
  }[];
  /** Per replica/pod; omitted when not observed. */
  readiness?: { name: string; points: { t: number; ready: boolean }[] }[];
  /** Every alert that was active at some point, as state transitions (first one at its first change). */
  alerts: { name: string; transitions: { t: number; state: AlertStateName }[] }[];
  notifications?: { t: number; receiver: string; status: string; alerts: string[] }[];
  /** Seconds from healing the fault until the service was healthy again; undefined: it did not recover. */
  recoverySeconds: number | undefined;
  /** Key numbers, each with the bound it was held to (if any). */
  figures: { label: string; value: string; bound?: string }[];
  checks: { name: string; passed: boolean; detail: string }[];
  notes?: string[];
}

export interface WrittenReport {
  markdown: string;
  charts: string[];
}

const seconds = (t: number) => `${t.toFixed(1)} s`;

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '_none_';
  const esc = (c: string) => c.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

/** Fills `{{name}}` placeholders; a placeholder without a value, or a value without a placeholder, is an error. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  const used = new Set<string>();
  const out = template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`incident report template: no value for {{${name}}}`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`incident report template lacks {{${unused.join('}}, {{')}}}`);
  return out;
}

/** Writes `report.md` and its SVG charts into `dir`, from the template in docs/. */
export function writeIncidentReport(dir: string, report: IncidentReport, template = TEMPLATE): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const charts: Record<string, string> = {
    'traffic.svg': trafficChart(report),
    'latency.svg': latencyChart(report),
    'alerts.svg': alertsChart(report),
  };
  if (report.readiness && report.readiness.length > 0) charts['readiness.svg'] = readinessChart(report);
  for (const [name, svg] of Object.entries(charts)) writeFileSync(join(dir, name), svg);
  const image = (name: string, alt: string) => (charts[name] ? `![${alt}](${name})` : '_not observed_');
  const passed = report.checks.every((c) => c.passed);
  // The template's own comment (for its maintainers) is not part of a report.
  const source = readFileSync(template, 'utf8').replace(/<!--[\s\S]*?-->\n*/g, '');
  const markdown = fillTemplate(source, {
    title: report.title,
    scenario: report.scenario,
    environment: report.environment,
    date: report.startedAt.toISOString(),
    verdict: passed
      ? `PASSED: all ${report.checks.length} checks held`
      : `FAILED: ${report.checks.filter((c) => !c.passed).length} of ${report.checks.length} checks failed`,
    hypothesis: report.hypothesis,
    fault: report.fault,
    fault_window: `${seconds(report.faultWindow.start)} → ${seconds(report.faultWindow.end)} (${seconds(report.faultWindow.end - report.faultWindow.start)})`,
    recovery: report.recoverySeconds === undefined ? 'did not recover' : seconds(report.recoverySeconds),
    figures: table(
      ['Figure', 'Measured', 'Bound'],
      report.figures.map((f) => [f.label, f.value, f.bound ?? '']),
    ),
    chart_traffic: image('traffic.svg', 'Requests and errors per second, fault window shaded'),
    chart_latency: image('latency.svg', 'Latency percentiles per second, fault window shaded'),
    chart_readiness: image('readiness.svg', 'Readiness per replica, fault window shaded'),
    chart_alerts: image('alerts.svg', 'Alert states over time, fault window shaded'),
    alert_transitions: table(
      ['At', 'Alert', 'State'],
      report.alerts
        .flatMap((a) => a.transitions.map((t) => ({ ...t, name: a.name })))
        .sort((a, b) => a.t - b.t)
        .map((t) => [seconds(t.t), t.name, t.state]),
    ),
    notifications: table(
      ['At', 'Receiver', 'Status', 'Alerts'],
      (report.notifications ?? []).map((n) => [seconds(n.t), n.receiver, n.status, n.alerts.join(', ')]),
    ),
    checks: table(
      ['Check', 'Result', 'Detail'],
      report.checks.map((c) => [c.name, c.passed ? 'pass' : '**FAIL**', c.detail]),
    ),
    notes: (report.notes ?? []).map((n) => `- ${n}`).join('\n') || '_none_',
  });
  writeFileSync(join(dir, 'report.md'), markdown);
  return { markdown, charts: Object.keys(charts) };
}
