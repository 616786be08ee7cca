/**
 * A run folder: what the scenario sent (script.yml), what Artillery measured (result.json), the
 * ensure verdicts (checks.json), the context (run.json: scenario, target, times, cache use) and
 * the report (report/). perf-compare reads two of these.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ArtilleryResult, parseArtilleryResult } from '../artillery/result';
import type { EnsureCheck } from '../artillery/run';
import type { CacheUse } from '../metrics/cache';

export interface RunMeta {
  readonly scenario: string;
  readonly target: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly passed: boolean;
  readonly timedOut: boolean;
  readonly exitCode: number | null;
  readonly cache: CacheUse | { readonly unavailable: string };
  /** Free-form label for comparisons, e.g. "cache on" (LOADTEST_LABEL). */
  readonly label?: string;
}

export interface SavedRun {
  readonly dir: string;
  readonly meta: RunMeta;
  readonly result: ArtilleryResult;
  readonly checks: readonly EnsureCheck[];
}

export const RUN_FILES = {
  meta: 'run.json',
  result: 'result.json',
  checks: 'checks.json',
  report: 'report',
} as const;

export function writeMeta(dir: string, meta: RunMeta): void {
  writeFileSync(join(dir, RUN_FILES.meta), `${JSON.stringify(meta, null, 2)}\n`);
}

export function readSavedRun(dir: string): SavedRun {
  for (const f of [RUN_FILES.meta, RUN_FILES.result])
    if (!existsSync(join(dir, f))) throw new Error(`${dir} is not a load-test run folder: ${f} is missing`);
  const meta = JSON.parse(readFileSync(join(dir, RUN_FILES.meta), 'utf8')) as RunMeta;
  const result = parseArtilleryResult(
    readFileSync(join(dir, RUN_FILES.result), 'utf8'),
    join(dir, RUN_FILES.result),
  );
  const checksPath = join(dir, RUN_FILES.checks);
  const checks = existsSync(checksPath)
    ? (JSON.parse(readFileSync(checksPath, 'utf8')) as EnsureCheck[])
    : [];
  return { dir, meta, result, checks };
}
