/**
 * Performance day's figures: the knee is the last stress step before p95 crossed the SLO or the
 * error ratio exceeded it; the perf-baseline index names the baseline's figures and that knee; a
 * target that is not ready stops perf-baseline before any run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsWindow } from '../src/artillery/result';
import type { RunOutcome } from '../src/artillery/run';
import { findKnee, kneeHeadline, phaseStarts } from '../src/report/knee';
import { timeline } from '../src/report/series';
import { perfBaselineIndex, targetNotReady } from '../src/run/perf-baseline';
import type { ScenarioRun } from '../src/run/run-scenario';
import { sloLimits } from '../src/thresholds/slo';
import { syntheticResult } from './support/synthetic-result';

const limits = sloLimits();
/** Three 20-second steps (two 10 s windows each) at 100, 200 and 300 req/s. */
const steps = [100, 200, 300].map((rate) => ({ rate, seconds: 20 }));

/** A result of six windows whose window `i` has p95 `p95s[i]` and `errors[i]` 5xx of 1000 requests. */
function stressResult(p95s: number[], errors: number[] = []) {
  const base = syntheticResult({ windows: 6, badWindow: -1 });
  const intermediate: MetricsWindow[] = base.intermediate.map((w, i) => ({
    ...w,
    counters: { ...w.counters, 'http.codes.503': errors[i] ?? 0 },
    summaries: {
      ...w.summaries,
      'http.response_time': { ...w.summaries['http.response_time']!, p95: p95s[i]! },
    },
  }));
  return timeline({ ...base, intermediate });
}

describe('stress knee', () => {
  it('is the last step before p95 crossed the latency SLO', () => {
    const knee = findKnee(stressResult([40, 60, 120, 300, 650, 900]), steps, limits);
    expect(knee.steps.map((s) => s.held)).toEqual([true, true, false]);
    expect(knee.kneeRate).toBe(200);
    expect(knee.brokeAt).toBe(300);
    expect(kneeHeadline(knee)).toBe(
      '**Knee: 200 req/s** — the SLO held up to 200 req/s and broke at 300 req/s.',
    );
  });

  it('is the last step before the error ratio exceeded the availability SLO', () => {
    // 2 of 2000 requests = 0.1 % (at the budget: held); 3 of 2000 = 0.15 % (over: broke).
    const knee = findKnee(stressResult([40, 40, 40, 40, 40, 40], [0, 2, 3, 0, 0, 0]), steps, limits);
    expect(knee.steps.map((s) => s.held)).toEqual([true, false, true]);
    expect(knee.kneeRate).toBe(100);
    expect(knee.brokeAt).toBe(200);
  });

  it('judges each step on the windows from when Artillery says it started, not its planned length', () => {
    // The generator lagged: step 1 took 40 s (windows 0-3), steps 2 and 3 one window each.
    const p95s = [40, 60, 80, 100, 650, 40];
    const start = syntheticResult().intermediate[0]!.firstMetricAt - 5;
    const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 19);
    const output = [0, 40, 50]
      .map(
        (s, i) =>
          `Phase started: step ${i + 1}: ${steps[i]!.rate} req/s (index: ${i}, duration: 20s) ${hhmmss(start + s * 1000)}(+0000)`,
      )
      .join('\n');
    const starts = phaseStarts(output, start);
    expect(starts).toEqual([start, start + 40_000, start + 50_000]);
    const knee = findKnee(stressResult(p95s), steps, limits, starts);
    expect(knee.steps.map((s) => s.held)).toEqual([true, false, true]);
    expect(knee.kneeRate).toBe(100);
    // By the planned 20 s steps the 650 ms window would have been step 3's.
    expect(findKnee(stressResult(p95s), steps, limits).kneeRate).toBe(200);
    // A +0100 clock names the same instants an hour later.
    const shifted = output.replace(
      /(\d\d):(\d\d:\d\d)\(\+0000\)/g,
      (_, h, rest) => `${String(Number(h) + 1).padStart(2, '0')}:${rest}(+0100)`,
    );
    expect(phaseStarts(shifted, start)).toEqual(starts);
  });

  it('says when the first step already broke, or no step did', () => {
    expect(kneeHeadline(findKnee(stressResult([600, 40, 40, 40, 40, 40]), steps, limits))).toContain(
      'below the first step',
    );
    const none = findKnee(stressResult([40, 40, 40, 40, 40, 40]), steps, limits);
    expect(none.brokeAt).toBeUndefined();
    expect(kneeHeadline(none)).toContain('not reached');
  });
});

function run(scenario: string, result: RunOutcome['result'], passed: boolean): ScenarioRun {
  const outcome = {
    exitCode: passed ? 0 : 1,
    timedOut: false,
    result,
    checks: [],
    passed,
  } as unknown as RunOutcome;
  const meta = { scenario, target: 'http://127.0.0.1:3000', passed } as ScenarioRun['meta'];
  const knee = scenario === 'stress' && result ? findKnee(timeline(result), steps, limits) : undefined;
  return {
    outcome,
    meta,
    report: result ? ({} as ScenarioRun['report']) : undefined,
    ...(knee ? { knee } : {}),
  };
}

describe('perf-baseline index', () => {
  it('names the baseline figures and the knee', () => {
    const md = perfBaselineIndex(
      [run('baseline', syntheticResult({ badWindow: -1 }), true), run('stress', syntheticResult(), true)],
      limits,
    );
    expect(md).toContain('Target: http://127.0.0.1:3000. SLO: p95 < 500 ms');
    expect(md).toMatch(
      /\| \[baseline\]\(baseline\/report\/report\.md\) \| 6000 \| 100\.\d \| 14\.0 ms \| 120\.0 ms \| 700\.0 ms \| 0\.000 % \| pass \|/,
    );
    // The synthetic stress result's 4th window answers 40 503s and loses 5: step 2 (windows 3-4) broke.
    expect(md).toContain('**Knee: 100 req/s** — the SLO held up to 100 req/s and broke at 200 req/s.');
  });

  it('says when a run wrote no result', () => {
    const md = perfBaselineIndex(
      [run('baseline', undefined, false), run('stress', undefined, false)],
      limits,
    );
    expect(md).toContain('| baseline | – | – | – | – | – | – | **no result** (exit 1) |');
    expect(md).toContain('**Knee: unknown**');
  });
});

describe('perf-baseline target check', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    let status = 503;
    server = createServer((req, res) => {
      res.statusCode = req.url === '/health/ready' ? status : 404;
      res.end();
      status = 200;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a target that is not ready, then accepts it once ready, and names a dead one', async () => {
    expect(await targetNotReady(`http://127.0.0.1:${port}`)).toBe(
      `GET http://127.0.0.1:${port}/health/ready answered 503`,
    );
    expect(await targetNotReady(`http://127.0.0.1:${port}`)).toBeUndefined();
    const dead = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    expect(await targetNotReady(`http://127.0.0.1:${dead}`)).toMatch(/failed \(ECONNREFUSED\)/);
  });
});
