/**
 * A bounded smoke run against the real API on 127.0.0.1 (PostgreSQL + Redis, as the live
 * observability test starts it): the generated SLO thresholds pass, the report is written with its
 * charts and figures, the cache hit ratio is read from /metrics, and no Artillery process is left.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_PATHS } from '@taskboard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadtestEnv } from '../src/config/env';
import { CHART_FILES } from '../src/report/markdown';
import { runScenario } from '../src/run/run-scenario';
import { readSavedRun } from '../src/run/saved-run';
import { sloLimits } from '../src/thresholds/slo';
import {
  API_MAIN,
  freePort,
  liveSkipReason,
  PG,
  processesMatching,
  psql,
  REDIS,
  REDIS_DB,
  REPO,
  start,
  stop,
  waitFor,
} from './support/processes';

const database = `taskboard_loadtest_${process.pid}`;
let reason: string | undefined;
let work = '';
let api: ReturnType<typeof start> | undefined;
let apiUrl = '';

beforeAll(async () => {
  reason = await liveSkipReason();
  if (reason) {
    console.warn(`smoke run skipped: ${reason}`);
    return;
  }
  work = mkdtempSync(join(tmpdir(), 'loadtest-smoke-'));
  const created = psql(`CREATE DATABASE ${database}`);
  if (created.status !== 0) throw new Error(`createdb failed: ${created.stderr}`);
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = start(
    process.execPath,
    [API_MAIN],
    {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `postgres://postgres@${PG.host}:${PG.port}/${database}`,
      REDIS_URL: `redis://${REDIS.host}:${REDIS.port}/${REDIS_DB}`,
      JWT_SECRET: 'loadtest-smoke-secret-0123456789abcdefghij',
      LOG_LEVEL: 'warn',
      SPA_DIR: '',
    },
    join(work, 'api.log'),
    join(REPO, 'api'),
  );
  await waitFor(
    'the API to be ready',
    async () => ((await fetch(`${apiUrl}${API_PATHS.ready}`)).ok ? true : undefined),
    90_000,
  );
});

afterAll(async () => {
  await stop(api);
  if (!reason) psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('smoke run against the local API', () => {
  it('passes its generated thresholds and writes the report', { timeout: 420_000 }, async (ctx) => {
    if (reason) return ctx.skip();
    const limits = sloLimits();
    // The availability check must pass every time. The latency one measures this machine too: on
    // a 2-core host shared by parallel suites (load average 25+ seen) the scheduler alone can push
    // p95 past 500 ms, so a run that misses only latency is retried, at most three runs in all.
    let run: Awaited<ReturnType<typeof runScenario>> | undefined;
    let out = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      out = join(work, `smoke-${attempt}`);
      run = await runScenario({
        scenario: 'smoke',
        env: loadtestEnv({ LOADTEST_TARGET: apiUrl }),
        outputDir: out,
      });
      const failed = run.outcome.checks.filter((c) => !c.passed).map((c) => c.expression);
      const p95 = run.outcome.result?.aggregate.summaries['http.response_time']?.p95;
      console.info(
        `smoke run ${attempt}: exit ${run.outcome.exitCode}, p95 ${p95} ms, failed checks: ${failed.length}`,
      );
      const latencyOnly =
        failed.length === 1 && failed[0]?.startsWith(`http.response_time.${limits.latencyPercentile}`);
      if (!latencyOnly || run.outcome.timedOut) break;
    }
    if (!run) throw new Error('no run');
    const windows = () =>
      JSON.stringify(
        run?.outcome.result?.intermediate.map((w) => [
          w.counters['http.requests'],
          w.summaries['http.response_time']?.p95,
        ]),
      );
    const log = () => `${run.outcome.output.slice(-1500)}\nper window [requests, p95]: ${windows()}`;
    expect(run.outcome.timedOut, log()).toBe(false);
    expect(run.outcome.exitCode, log()).toBe(0);
    // Both SLO checks were evaluated by Artillery (not skipped) and passed.
    expect(run.outcome.checks.map((c) => [c.expression.split(' ')[0], c.passed]).sort()).toEqual([
      ['((http.codes.500', true],
      [`http.response_time.${limits.latencyPercentile}`, true],
    ]);
    expect(run.outcome.passed).toBe(true);

    const saved = readSavedRun(out);
    const requests = saved.result.aggregate.counters['http.requests'] ?? 0;
    // 2 users/s for 10 s, three requests each: about 60 (arrivals are spread, not exact).
    expect(requests).toBeGreaterThanOrEqual(45);
    expect(saved.result.aggregate.counters['http.codes.200']).toBeGreaterThan(0);
    expect(saved.result.aggregate.counters['http.codes.201']).toBeGreaterThan(0);
    expect(saved.result.intermediate.length).toBeGreaterThanOrEqual(1);
    // The cache was used: reads after a write miss, repeated reads hit.
    expect('hitRatio' in saved.meta.cache, JSON.stringify(saved.meta.cache)).toBe(true);
    if ('hitRatio' in saved.meta.cache)
      expect(saved.meta.cache.hits + saved.meta.cache.misses).toBeGreaterThan(0);

    const md = readFileSync(join(out, 'report', 'report.md'), 'utf8');
    expect(md).toContain('**Thresholds: PASS**');
    expect(md).toContain(`| Requests | ${requests} `);
    expect(md).toContain('| GET /api/tasks |');
    expect(md).toContain('| POST /api/tasks |');
    for (const file of Object.values(CHART_FILES)) {
      expect(md).toContain(`](${file})`);
      expect(readFileSync(join(out, 'report', file), 'utf8')).toMatch(/^<svg[\s\S]*<path /);
    }
    expect(processesMatching(out)).toEqual([]);
  });
});
