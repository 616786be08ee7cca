/**
 * Before/after comparison of two saved runs (perf-compare): their timelines overlaid on one axis,
 * percentiles side by side, and a table of deltas, e.g. cache on vs CACHE_ENABLED=false.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SavedRun } from '../run/saved-run';
import { groupedBarsSvg, lineChartSvg } from './charts';
import { fmtMs, fmtPercent } from './markdown';
import { timeline, totals } from './series';

export const COMPARE_FILES = {
  p95: 'compare-p95.svg',
  throughput: 'compare-throughput.svg',
  errors: 'compare-error-ratio.svg',
  percentiles: 'compare-percentiles.svg',
} as const;
type CompareChart = keyof typeof COMPARE_FILES;

const label = (run: SavedRun, fallback: string) => run.meta.label ?? `${fallback}: ${run.meta.scenario}`;

/** Relative change in percent, signed (after vs before). */
export function delta(before: number | null | undefined, after: number | null | undefined): string {
  if (before === null || before === undefined || after === null || after === undefined) return '–';
  if (before === 0) return after === 0 ? '0 %' : 'n/a (before was 0)';
  const d = ((after - before) / before) * 100;
  return `${d > 0 ? '+' : ''}${d.toFixed(1)} %`;
}

export function renderComparison(
  before: SavedRun,
  after: SavedRun,
): { markdown: string; charts: Record<CompareChart, string> } {
  const names = [label(before, 'before'), label(after, 'after')] as const;
  const runs = [before, after] as const;
  const lines = runs.map((r) => timeline(r.result));
  const sums = runs.map((r) => totals(r.result));
  const [b, a] = sums as [ReturnType<typeof totals>, ReturnType<typeof totals>];
  const overlay = (pick: (p: ReturnType<typeof timeline>[number]) => number | null) =>
    lines.map((points, i) => ({
      name: names[i] ?? '',
      points: points.map((p) => [p.t, pick(p)] as const),
      dashed: i === 0,
    }));
  const charts: Record<CompareChart, string> = {
    p95: lineChartSvg({
      title: 'p95 response time per 10 s window',
      yName: 'ms',
      series: overlay((p) => p.p95),
    }),
    throughput: lineChartSvg({
      title: 'Requests per second',
      yName: 'req/s',
      series: overlay((p) => p.requestsPerSecond),
    }),
    errors: lineChartSvg({
      title: 'Error ratio per 10 s window',
      yName: '%',
      series: overlay((p) => (p.errorRatio === null ? null : p.errorRatio * 100)),
    }),
    percentiles: groupedBarsSvg(
      'Latency percentiles over the run',
      'ms',
      ['p50', 'p95', 'p99'],
      sums.map((s, i) => ({
        name: names[i] ?? '',
        values: [s.latency?.p50 ?? null, s.latency?.p95 ?? null, s.latency?.p99 ?? null],
      })),
    ),
  };
  const hit = (r: SavedRun) =>
    'hitRatio' in r.meta.cache
      ? r.meta.cache.hitRatio === null
        ? 'no lookups'
        : fmtPercent(r.meta.cache.hitRatio, 1)
      : 'unavailable';
  const hitValue = (r: SavedRun) => ('hitRatio' in r.meta.cache ? r.meta.cache.hitRatio : null);
  const md = [
    `# Comparison: ${names[0]} vs ${names[1]}`,
    '',
    `Before: \`${before.dir}\` (${before.meta.scenario}, ${before.meta.startedAt}). After: \`${after.dir}\` (${after.meta.scenario}, ${after.meta.startedAt}).`,
    '',
    `| Figure | ${names[0]} | ${names[1]} | Change |`,
    '| --- | --- | --- | --- |',
    `| Requests/s (mean) | ${b.meanRequestsPerSecond.toFixed(1)} | ${a.meanRequestsPerSecond.toFixed(1)} | ${delta(b.meanRequestsPerSecond, a.meanRequestsPerSecond)} |`,
    `| p50 | ${fmtMs(b.latency?.p50)} | ${fmtMs(a.latency?.p50)} | ${delta(b.latency?.p50, a.latency?.p50)} |`,
    `| p95 | ${fmtMs(b.latency?.p95)} | ${fmtMs(a.latency?.p95)} | ${delta(b.latency?.p95, a.latency?.p95)} |`,
    `| p99 | ${fmtMs(b.latency?.p99)} | ${fmtMs(a.latency?.p99)} | ${delta(b.latency?.p99, a.latency?.p99)} |`,
    `| Error ratio | ${fmtPercent(b.errorRatio)} | ${fmtPercent(a.errorRatio)} | ${delta(b.errorRatio, a.errorRatio)} |`,
    `| Cache hit ratio | ${hit(before)} | ${hit(after)} | ${delta(hitValue(before), hitValue(after))} |`,
    `| Thresholds | ${before.meta.passed ? 'pass' : 'FAIL'} | ${after.meta.passed ? 'pass' : 'FAIL'} | |`,
    '',
    `![p50/p95/p99 side by side](${COMPARE_FILES.percentiles})`,
    '',
    `![p95 over time](${COMPARE_FILES.p95})`,
    '',
    `![Requests per second over time](${COMPARE_FILES.throughput})`,
    '',
    `![Error ratio over time](${COMPARE_FILES.errors})`,
    '',
  ];
  return { markdown: md.join('\n'), charts };
}

export function writeComparison(dir: string, before: SavedRun, after: SavedRun): string {
  mkdirSync(dir, { recursive: true });
  const { markdown, charts } = renderComparison(before, after);
  for (const [name, file] of Object.entries(COMPARE_FILES))
    writeFileSync(join(dir, file), charts[name as CompareChart]);
  const path = join(dir, 'comparison.md');
  writeFileSync(path, markdown);
  return path;
}
