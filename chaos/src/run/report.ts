// The incident report of one `make chaos` run, written from the same template as the local drills
// (docs/incident-report-template.md, by drills/src/report/incident-report.ts): the run becomes
// that writer's IncidentReport. ReportWriter keeps the orchestration independent of the writer.
import { join } from 'node:path';
import { type IncidentReport, writeIncidentReport } from '../../../drills/src/report/incident-report';
import { type Experiment, mustFireOf } from '../experiments/types';
import type { RunResult } from './orchestrate';
import type { TrafficPoint } from './traffic';

export interface ChaosRunReport {
  environment: string;
  experiment: Experiment;
  result: RunResult;
  manifestYaml: string;
  /** Requests, errors and latency from Prometheus over the run (empty when it could not be read). */
  traffic: TrafficPoint[];
  /** Why the traffic is missing, when it is. */
  trafficNote?: string;
}

export interface ReportWriter {
  /** Writes the report; returns the path of its Markdown. */
  write(report: ChaosRunReport): string;
}

export interface AlertCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/** Every claim the run is judged on; the verdict is "passed" exactly when all of them hold. */
export function checksOf(r: ChaosRunReport): AlertCheck[] {
  const { experiment: e, result } = r;
  const seen = (a: string) => result.firstFiring.get(a);
  const alreadyFiring = result.reasons.find((x) => x.startsWith('already firing'));
  const broke = result.reasons.find((x) => x.startsWith('error:') || x.startsWith('interrupted'));
  const removal = result.reasons.find((x) => x.startsWith('could not remove'));
  return [
    {
      name: 'no watched alert firing before the start',
      passed: !alreadyFiring,
      detail: alreadyFiring ?? 'none',
    },
    ...mustFireOf(e).map((f) => {
      const at = seen(f.alert);
      return {
        name: `${f.alert} fires within ${f.withinSeconds} s`,
        passed: at !== undefined && at <= f.withinSeconds,
        detail: at === undefined ? 'did not fire' : `firing at +${at} s`,
      };
    }),
    ...e.mustNotFire.map((a) => {
      const at = seen(a);
      return {
        name: `${a} stays silent`,
        passed: at === undefined,
        detail: at === undefined ? 'silent' : `firing at +${at} s`,
      };
    }),
    { name: 'ran to its verdict (no error, not interrupted)', passed: !broke, detail: broke ?? 'yes' },
    {
      name: 'experiment removed afterwards',
      passed: !alreadyFiring && !removal && result.removedAt !== undefined,
      detail: removal ?? (result.removedAt === undefined ? 'never applied' : `at +${result.removedAt} s`),
    },
  ];
}

/** The drills writer's IncidentReport for one chaos run. */
export function toIncidentReport(r: ChaosRunReport): IncidentReport {
  const { experiment: e, result } = r;
  const end = result.removedAt ?? Math.round((result.endedAt.getTime() - result.startedAt.getTime()) / 1000);
  const byAlert = new Map<string, { t: number; state: 'firing' | 'inactive' }[]>();
  for (const t of result.transitions) {
    byAlert.set(t.alert, [...(byAlert.get(t.alert) ?? []), { t: t.at, state: t.state }]);
  }
  return {
    title: `${e.title} (${r.environment})`,
    scenario: e.name,
    environment: `cluster: ${r.environment} (make chaos)`,
    startedAt: result.startedAt,
    hypothesis:
      e.outcome.kind === 'absorbed'
        ? `${e.hypothesis} Expected to be absorbed: ${e.outcome.why}.`
        : e.hypothesis,
    fault: [
      `Blast radius: ${e.blastRadius}`,
      '',
      `Abort condition: ${e.abortCondition}`,
      '',
      `Runbook: [${e.runbook}](../../../${e.runbook})`,
      '',
      '```yaml',
      r.manifestYaml.trimEnd(),
      '```',
    ].join('\n'),
    faultWindow: { start: 0, end },
    timeline: r.traffic,
    alerts: [...byAlert].map(([name, transitions]) => ({ name, transitions })),
    recoverySeconds: result.recoverySeconds,
    figures: [
      ...mustFireOf(e).map((f) => ({
        label: `${f.alert} first firing`,
        value: result.firstFiring.has(f.alert) ? `+${result.firstFiring.get(f.alert)} s` : 'not seen',
        bound: `≤ ${f.withinSeconds} s`,
      })),
      { label: 'Fault window', value: `${end} s`, bound: `${e.durationSeconds} s planned` },
      {
        label: 'Alerts resolved after removal',
        value: result.recoverySeconds === undefined ? 'not within the watch' : `${result.recoverySeconds} s`,
      },
    ],
    checks: checksOf(r),
    notes: [
      `Verdict of make chaos: ${result.verdict}.`,
      ...result.reasons,
      ...(r.trafficNote ? [r.trafficNote] : []),
      ...result.timeline.map((t) => `+${t.at} s: ${t.what}`),
    ],
  };
}

/** Writes artifacts/chaos/<env>-<experiment>-<start>/report.md and its SVG charts. */
export class TemplateReportWriter implements ReportWriter {
  constructor(
    private readonly dir: string,
    private readonly template: string,
  ) {}
  write(report: ChaosRunReport): string {
    const stamp = report.result.startedAt
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:/g, '');
    const dir = join(this.dir, `${report.environment}-${report.experiment.name}-${stamp}`);
    writeIncidentReport(dir, toIncidentReport(report), this.template);
    return join(dir, 'report.md');
  }
}
