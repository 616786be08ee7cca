/**
 * A run's report: SVG charts plus a Markdown summary that embeds them (relative links, so the
 * folder can be moved, attached to an incident or committed as a portfolio piece).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtilleryResult } from '../artillery/result';
import type { EnsureCheck } from '../artillery/run';
import {
  type Annotation,
  errorRatioTimelineSvg,
  type FaultWindow,
  latencyHistogramSvg,
  latencyTimelineSvg,
  type Overlay,
  throughputTimelineSvg,
} from './charts';
import { endpoints, latencyBands, runStart, timeline, totals } from './series';

export interface ReportInput {
  readonly title: string;
  readonly result: ArtilleryResult;
  /** The ensure plugin's verdicts (RunOutcome.checks); the table says when there were none. */
  readonly checks?: readonly EnsureCheck[];
  /** Drawn as reference lines on the latency and error-ratio charts. */
  readonly latencyThresholdMs?: number;
  readonly maxErrorRatio?: number;
  readonly faultWindows?: readonly FaultWindow[];
  readonly annotations?: readonly Annotation[];
  /** Extra Markdown lines after the summary (scenario description, stress knee, drill verdicts). */
  readonly notes?: readonly string[];
}

export const CHART_FILES = {
  latency: 'latency.svg',
  throughput: 'throughput.svg',
  errors: 'error-ratio.svg',
  histogram: 'latency-histogram.svg',
} as const;
export type ChartName = keyof typeof CHART_FILES;

export interface RenderedReport {
  readonly markdown: string;
  readonly charts: Readonly<Record<ChartName, string>>;
}

export const fmtMs = (v: number | undefined | null) =>
  v === undefined || v === null ? '–' : `${v.toFixed(1)} ms`;
export const fmtPercent = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)} %`;

export function renderReport(input: ReportInput): RenderedReport {
  const { result } = input;
  const points = timeline(result);
  const overlay: Overlay = {
    origin: runStart(result),
    faultWindows: input.faultWindows,
    annotations: input.annotations,
  };
  const t = totals(result);
  const charts: Record<ChartName, string> = {
    latency: latencyTimelineSvg(points, { overlay, thresholdMs: input.latencyThresholdMs }),
    throughput: throughputTimelineSvg(points, { overlay }),
    errors: errorRatioTimelineSvg(points, { overlay, maxRatio: input.maxErrorRatio }),
    histogram: latencyHistogramSvg(latencyBands(t.latency)),
  };

  const lines: string[] = [`# ${input.title}`, ''];
  const checks = input.checks ?? [];
  const failed = checks.filter((c) => !c.passed && !c.optional);
  if (input.checks)
    lines.push(
      checks.length === 0
        ? '**Thresholds: none were checked.**'
        : `**Thresholds: ${failed.length === 0 ? 'PASS' : `FAIL (${failed.length} of ${checks.length})`}**`,
      '',
    );
  lines.push(
    '| Figure | Value |',
    '| --- | --- |',
    `| Duration | ${t.durationSeconds.toFixed(0)} s (${points.length} windows of 10 s) |`,
    `| Requests | ${t.requests} (${t.meanRequestsPerSecond.toFixed(1)} req/s mean) |`,
    `| Responses | ${t.responses} (${
      Object.entries(t.codes)
        .map(([code, n]) => `${code}: ${n}`)
        .join(', ') || 'none'
    }) |`,
    `| Server errors (5xx) | ${t.serverErrors} |`,
    `| Errors reported by Artillery | ${
      Object.entries(t.failures)
        .map(([code, n]) => `${code}: ${n}`)
        .join(', ') || '0'
    } |`,
    `| Error ratio | ${fmtPercent(t.errorRatio)} |`,
    `| Latency p50 / p95 / p99 / max | ${fmtMs(t.latency?.p50)} / ${fmtMs(t.latency?.p95)} / ${fmtMs(t.latency?.p99)} / ${fmtMs(t.latency?.max)} |`,
    `| Virtual users created / completed / failed | ${t.virtualUsers.created} / ${t.virtualUsers.completed} / ${t.virtualUsers.failed} |`,
    '',
  );
  if (input.notes?.length) lines.push(...input.notes, '');
  if (checks.length) {
    lines.push('## Thresholds', '', '| Check | Result |', '| --- | --- |');
    for (const c of checks)
      lines.push(
        `| \`${c.expression}\` | ${c.passed ? 'pass' : c.optional ? 'fail (optional)' : '**FAIL**'} |`,
      );
    lines.push('');
  }
  lines.push(
    '## Latency',
    '',
    `![Response time p50/p95/p99](${CHART_FILES.latency})`,
    '',
    `![Latency distribution](${CHART_FILES.histogram})`,
    '',
    '## Throughput and errors',
    '',
    `![Requests per second](${CHART_FILES.throughput})`,
    '',
    `![Error ratio](${CHART_FILES.errors})`,
    '',
  );
  if (input.faultWindows?.length) {
    lines.push('## Fault windows (shaded)', '', '| Fault | From (s) | To (s) |', '| --- | --- | --- |');
    for (const f of input.faultWindows)
      lines.push(
        `| ${f.label} | ${((f.start - overlay.origin) / 1000).toFixed(1)} | ${((f.end - overlay.origin) / 1000).toFixed(1)} |`,
      );
    lines.push('');
  }
  const rows = endpoints(result);
  lines.push('## Per endpoint', '');
  if (rows.length === 0)
    lines.push('No per-endpoint metrics (the metrics-by-endpoint plugin was not loaded).');
  else {
    lines.push(
      '| Endpoint | Requests | Codes | No response | p50 | p95 | p99 |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const r of rows)
      lines.push(
        `| ${r.name} | ${r.count} | ${Object.entries(r.codes)
          .map(([c, n]) => `${c}: ${n}`)
          .join(
            ', ',
          )} | ${r.errors} | ${fmtMs(r.latency?.p50)} | ${fmtMs(r.latency?.p95)} | ${fmtMs(r.latency?.p99)} |`,
      );
  }
  lines.push(
    '',
    '## Per 10 s window',
    '',
    '| t (s) | req/s | p50 | p95 | p99 | errors | error ratio |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const p of points)
    lines.push(
      `| ${p.t} | ${p.requestsPerSecond.toFixed(1)} | ${fmtMs(p.p50)} | ${fmtMs(p.p95)} | ${fmtMs(p.p99)} | ${p.errors} | ${fmtPercent(p.errorRatio)} |`,
    );
  return { markdown: `${lines.join('\n')}\n`, charts };
}

export interface WrittenReport extends RenderedReport {
  readonly markdownPath: string;
  readonly chartPaths: Readonly<Record<ChartName, string>>;
}

/** Renders the report into `dir`: `report.md` plus one SVG per chart. */
export function writeReport(dir: string, input: ReportInput): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const rendered = renderReport(input);
  const chartPaths = {} as Record<ChartName, string>;
  for (const name of Object.keys(CHART_FILES) as ChartName[]) {
    chartPaths[name] = join(dir, CHART_FILES[name]);
    writeFileSync(chartPaths[name], rendered.charts[name]);
  }
  const markdownPath = join(dir, 'report.md');
  writeFileSync(markdownPath, rendered.markdown);
  return { ...rendered, markdownPath, chartPaths };
}
