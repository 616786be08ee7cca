/**
 * One scenario end to end: build its script from the typed environment, run Artillery bounded in
 * time, read the cache counters before and after, and write the run folder with its report.
 */
import { join } from 'node:path';
import { type RunOutcome, runArtillery } from '../artillery/run';
import type { LoadtestEnv } from '../config/env';
import { cacheUse, scrapeCache } from '../metrics/cache';
import { findKnee, type Knee, kneeMarkdown, phaseStarts } from '../report/knee';
import { type WrittenReport, writeReport } from '../report/markdown';
import { timeline } from '../report/series';
import { plannedSeconds } from '../scenarios/helpers';
import { scenario as lookup } from '../scenarios/index';
import { stressSteps } from '../scenarios/stress';
import { sloLimits } from '../thresholds/slo';
import { RUN_FILES, type RunMeta, writeMeta } from './saved-run';

/** How far a run may overrun its planned phases before the bound stops it. */
export const PHASE_STRETCH_ALLOWANCE = 2;

export interface ScenarioRunOptions {
  readonly scenario: string;
  readonly env: LoadtestEnv;
  readonly outputDir: string;
  /** Where the API's Prometheus metrics are (default: the target's /metrics). */
  readonly metricsUrl?: string;
  readonly label?: string;
  /** Extra environment for Artillery (tests use it; users should not need it). */
  readonly artilleryEnv?: Readonly<Record<string, string>>;
}

export interface ScenarioRun {
  readonly outcome: RunOutcome;
  readonly meta: RunMeta;
  readonly report: WrittenReport | undefined;
  /** Stress only: where the SLO broke. */
  readonly knee?: Knee;
}

export async function runScenario(options: ScenarioRunOptions): Promise<ScenarioRun> {
  const definition = lookup(options.scenario);
  const script = definition.build(options.env);
  const metricsUrl = options.metricsUrl ?? new URL('/metrics', options.env.LOADTEST_TARGET).toString();
  const startedAt = new Date().toISOString();
  const before = await scrapeCache(metricsUrl);
  const outcome = await runArtillery({
    script,
    outputDir: options.outputDir,
    // Twice the plan: a CPU-starved load generator stretches its phases (stress's 180 s took over
    // 300 s on a loaded 2-core host and was cut before writing its result). The bound is a safety net.
    timeoutMs: (PHASE_STRETCH_ALLOWANCE * plannedSeconds(script) + options.env.LOADTEST_GRACE_SECONDS) * 1000,
    env: options.artilleryEnv,
  });
  const after = await scrapeCache(metricsUrl);
  const meta: RunMeta = {
    scenario: definition.name,
    target: options.env.LOADTEST_TARGET,
    startedAt,
    finishedAt: new Date().toISOString(),
    passed: outcome.passed,
    timedOut: outcome.timedOut,
    exitCode: outcome.exitCode,
    cache: cacheUse(before, after),
    ...(options.label ? { label: options.label } : {}),
  };
  writeMeta(options.outputDir, meta);
  if (!outcome.result) return { outcome, meta, report: undefined };

  const limits = sloLimits();
  const notes = [`Scenario **${definition.name}**: ${definition.description}`, '', `Target: ${meta.target}`];
  if ('hitRatio' in meta.cache)
    notes.push(
      '',
      `Cache: ${meta.cache.hits} hits, ${meta.cache.misses} misses, hit ratio ${meta.cache.hitRatio === null ? '– (no lookups: cache disabled?)' : `${(meta.cache.hitRatio * 100).toFixed(1)} %`} (from /metrics).`,
    );
  else notes.push('', `Cache hit ratio: unavailable (${meta.cache.unavailable}).`);
  const knee =
    definition.name === 'stress'
      ? findKnee(
          timeline(outcome.result),
          stressSteps(options.env),
          limits,
          phaseStarts(outcome.output, outcome.result.aggregate.firstMetricAt),
        )
      : undefined;
  if (knee) notes.push('', '## Knee', '', ...kneeMarkdown(knee, limits));
  const report = writeReport(join(options.outputDir, RUN_FILES.report), {
    title: `Load test: ${definition.name}${options.label ? ` (${options.label})` : ''}`,
    result: outcome.result,
    checks: outcome.checks,
    latencyThresholdMs: limits.latencyMs,
    maxErrorRatio: limits.maxErrorRatio,
    notes,
  });
  return { outcome, meta, report, ...(knee ? { knee } : {}) };
}
