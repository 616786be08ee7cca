// The incident report of one `make chaos` run. The report is built as data (IncidentReport) and
// rendered by a ReportWriter, so the drill harness's writer (the shared template in docs/) can take
// over without touching the orchestration. Until then this one writes the same sections.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Experiment, mustFireOf } from '../experiments/types';
import type { RunResult } from './orchestrate';

export interface AlertRow {
  alert: string;
  expectation: string;
  observed: string;
  ok: boolean;
}

export interface IncidentReport {
  title: string;
  environment: string;
  experiment: Experiment;
  result: RunResult;
  alerts: AlertRow[];
  manifestYaml: string;
}

export interface ReportWriter {
  /** Writes the report; returns where. */
  write(report: IncidentReport): string;
}

export function buildReport(
  e: Experiment,
  environment: string,
  result: RunResult,
  manifestYaml: string,
): IncidentReport {
  const seen = (a: string) => result.firstFiring.get(a);
  const alerts: AlertRow[] = [
    ...mustFireOf(e).map((f) => {
      const at = seen(f.alert);
      return {
        alert: f.alert,
        expectation: `fires within ${f.withinSeconds}s`,
        observed: at === undefined ? 'did not fire' : `firing at +${at}s`,
        ok: at !== undefined && at <= f.withinSeconds,
      };
    }),
    ...e.mustNotFire.map((a) => {
      const at = seen(a);
      return {
        alert: a,
        expectation: 'stays silent',
        observed: at === undefined ? 'silent' : `firing at +${at}s`,
        ok: at === undefined,
      };
    }),
  ];
  return { title: `${e.title} (${environment})`, environment, experiment: e, result, alerts, manifestYaml };
}

const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

export function renderMarkdown(r: IncidentReport): string {
  const e = r.experiment;
  const duration = Math.round((r.result.endedAt.getTime() - r.result.startedAt.getTime()) / 1000);
  const lines = [
    `# Incident report: ${r.title}`,
    '',
    '## Summary',
    '',
    `| | |`,
    `|---|---|`,
    `| Experiment | \`${e.name}\` (chaos experiment, \`make chaos EXPERIMENT=${e.name} ENV=${r.environment}\`) |`,
    `| Environment | ${r.environment} |`,
    `| Verdict | **${r.result.verdict.toUpperCase()}** |`,
    `| Start | ${iso(r.result.startedAt)} |`,
    `| End | ${iso(r.result.endedAt)} (${duration}s) |`,
    '',
    ...(r.result.reasons.length > 0 ? ['Why:', '', ...r.result.reasons.map((x) => `- ${x}`), ''] : []),
    '## Hypothesis',
    '',
    e.hypothesis,
    '',
    e.outcome.kind === 'absorbed' ? `Expected to be absorbed: ${e.outcome.why}.` : '',
    '',
    '## Impact and blast radius',
    '',
    e.blastRadius,
    '',
    '## Detection: alerts',
    '',
    '| Alert | Expected | Observed | OK |',
    '|---|---|---|---|',
    ...r.alerts.map((a) => `| ${a.alert} | ${a.expectation} | ${a.observed} | ${a.ok ? 'yes' : '**no**'} |`),
    '',
    '## Timeline',
    '',
    '| +s | Event |',
    '|---|---|',
    ...r.result.timeline.map((t) => `| ${t.at} | ${t.what} |`),
    '',
    '## Abort condition',
    '',
    e.abortCondition,
    '',
    '## Runbook',
    '',
    `[${e.runbook}](../../${e.runbook})`,
    '',
    '## Fault injected',
    '',
    '```yaml',
    r.manifestYaml.trimEnd(),
    '```',
    '',
    '## Follow-ups',
    '',
    r.result.verdict === 'passed'
      ? '- None required by the experiment; review the dashboards for the window above.'
      : '- The hypothesis did not hold as stated: open an issue with this report and fix the system or the catalogue entry.',
    '',
  ];
  return lines.join('\n');
}

/** Writes artifacts/chaos/<env>-<experiment>-<start>.md. */
export class MarkdownReportWriter implements ReportWriter {
  constructor(private readonly dir: string) {}
  write(report: IncidentReport): string {
    mkdirSync(this.dir, { recursive: true });
    const stamp = iso(report.result.startedAt).replace(/[:]/g, '');
    const path = join(this.dir, `${report.environment}-${report.experiment.name}-${stamp}.md`);
    writeFileSync(path, renderMarkdown(report));
    return path;
  }
}
