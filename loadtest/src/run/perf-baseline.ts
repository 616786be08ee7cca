/**
 * `make perf-baseline`: the target must be ready before two long runs start (else they would measure
 * only refused connections); afterwards an index names the baseline's figures and the stress knee.
 */
import { API_PATHS } from '@taskboard/contracts';
import { kneeHeadline } from '../report/knee';
import { totals } from '../report/series';
import type { SloLimits } from '../thresholds/slo';
import type { ScenarioRun } from './run-scenario';

/** Why the target is not ready (undefined: it answered 200 on the readiness path). */
export async function targetNotReady(target: string, timeoutMs = 5000): Promise<string | undefined> {
  const url = new URL(API_PATHS.ready, target).toString();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200 ? undefined : `GET ${url} answered ${res.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return `GET ${url} failed (${cause ?? (error as Error).message})`;
  }
}

const ms = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(1)} ms`);
const pct = (v: number | null | undefined) => (v == null ? '–' : `${(v * 100).toFixed(3)} %`);

/** The index Markdown: one row per run (achieved rate, latency, error ratio, verdict) and the knee. */
export function perfBaselineIndex(runs: readonly ScenarioRun[], limits: SloLimits): string {
  const rows = runs.map((r) => {
    const t = r.outcome.result ? totals(r.outcome.result) : undefined;
    const link = r.report ? `[${r.meta.scenario}](${r.meta.scenario}/report/report.md)` : r.meta.scenario;
    const verdict = r.meta.scenario === 'stress' ? 'see the knee' : r.outcome.passed ? 'pass' : '**FAIL**';
    return t
      ? `| ${link} | ${t.requests} | ${t.meanRequestsPerSecond.toFixed(1)} | ${ms(t.latency?.p50)} | ${ms(t.latency?.p95)} | ${ms(t.latency?.p99)} | ${pct(t.errorRatio)} | ${verdict} |`
      : `| ${link} | – | – | – | – | – | – | **no result** (exit ${r.outcome.exitCode}${r.outcome.timedOut ? ', timed out' : ''}) |`;
  });
  const stress = runs.find((r) => r.meta.scenario === 'stress');
  return [
    '# Performance baseline',
    '',
    `Target: ${runs[0]?.meta.target ?? '–'}. SLO: ${limits.latencyPercentile} < ${limits.latencyMs} ms, error ratio ≤ ${pct(limits.maxErrorRatio)}.`,
    '',
    '| Run | Requests | Mean req/s | p50 | p95 | p99 | Error ratio | Verdict |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    stress?.knee ? kneeHeadline(stress.knee) : '**Knee: unknown** — the stress run wrote no result.',
    '',
  ].join('\n');
}
