/**
 * The report renderer: SVG charts built by ECharts' SSR renderer from the 10-second windows, and a
 * Markdown summary embedding them with the run's figures. Fed a synthetic result whose figures are
 * known, so each assertion checks a number that must appear, not just that something was written.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricsWindow } from '../src/artillery/result';
import { cacheCounters, cacheUse } from '../src/metrics/cache';
import { CHART_FILES, renderReport, writeReport } from '../src/report/markdown';
import { endpoints, latencyBands, timeline, totals } from '../src/report/series';
import { START, syntheticResult } from './support/synthetic-result';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('figures read from the windows', () => {
  const result = syntheticResult();

  it('one timeline point per window, error ratio = (5xx + no response) / requests', () => {
    const points = timeline(result);
    expect(points.map((p) => p.t)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(points[3]).toMatchObject({ p95: 640, requests: 1000, errors: 45, errorRatio: 0.045 });
    expect(points[0]).toMatchObject({ p50: 12, errors: 0, errorRatio: 0, requestsPerSecond: 100 });
  });

  it('totals and the per-endpoint table', () => {
    const t = totals(result);
    expect(t).toMatchObject({
      requests: 6000,
      responses: 5995,
      serverErrors: 40,
      failures: { ECONNREFUSED: 5 },
    });
    expect(t.errorRatio).toBeCloseTo(45 / 6000, 10);
    const rows = endpoints(result);
    expect(rows.map((r) => r.name)).toEqual(['GET /api/tasks', 'POST /api/tasks']);
    expect(rows[1]?.codes['503']).toBe(40);
  });

  it('latency bands cover 100 % of requests between min and max', () => {
    const bands = latencyBands(totals(result).latency);
    expect(bands.reduce((s, b) => s + b.percent, 0)).toBeCloseTo(100, 6);
    expect(bands[0]).toMatchObject({ fromMs: 3.5, toMs: 14, percent: 50 });
  });
});

describe('report', () => {
  it('writes four SVG charts and a Markdown summary that embeds them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadtest-report-'));
    dirs.push(dir);
    const written = writeReport(dir, {
      title: 'Synthetic run',
      result: syntheticResult(),
      checks: [
        { expression: 'http.response_time.p95 < 500', passed: true, optional: false },
        { expression: 'error ratio <= 0.001', passed: false, optional: false },
      ],
      latencyThresholdMs: 500,
      maxErrorRatio: 0.001,
      faultWindows: [{ label: 'db-down', start: START + 30_000, end: START + 40_000 }],
      annotations: [{ label: 'restart', at: START + 45_000 }],
    });
    const md = readFileSync(written.markdownPath, 'utf8');
    for (const file of Object.values(CHART_FILES)) {
      const svg = readFileSync(join(dir, file), 'utf8');
      expect(svg.startsWith('<svg'), file).toBe(true);
      // A drawn chart has paths (lines/bars), not just an empty frame.
      expect((svg.match(/<path /g) ?? []).length, file).toBeGreaterThan(5);
      expect(md).toContain(`](${file})`);
    }
    expect(md).toContain('**Thresholds: FAIL (1 of 2)**');
    expect(md).toContain('| Requests | 6000');
    expect(md).toContain('| Error ratio | 0.750 % |');
    expect(md).toContain('| GET /api/tasks | 3000 | 200: 3000 | 0 | 13.0 ms | 110.0 ms | 650.0 ms |');
    expect(md).toContain('| POST /api/tasks | 2995 | 200: 2955, 503: 40 |');
    expect(md).toContain('| db-down | 30.0 | 40.0 |');
    expect(md).toContain('| 30 | 100.0 | 120.0 ms | 640.0 ms | 900.0 ms | 45 | 4.500 % |');
  });

  it('shades fault windows, marks annotations and draws the thresholds', () => {
    const { charts } = renderReport({
      title: 'x',
      result: syntheticResult(),
      latencyThresholdMs: 500,
      maxErrorRatio: 0.001,
      faultWindows: [{ label: 'db-down', start: START + 30_000, end: START + 40_000 }],
      annotations: [{ label: 'restart', at: START + 45_000 }],
    });
    expect(charts.latency).toContain('db-down');
    expect(charts.latency).toContain('restart');
    expect(charts.latency).toContain('p95 SLO 500 ms');
    expect(charts.latency).toContain('fill="rgb(224,49,49)" fill-opacity="0.14"');
    expect(charts.errors).toContain('budget 0.1 %');
    expect(charts.histogram).toContain('50 %');
    const plain = renderReport({ title: 'x', result: syntheticResult() }).charts.latency;
    expect(plain).not.toContain('db-down');
    expect(plain).not.toContain('fill="rgb(224,49,49)"');
  });
});

describe('cache hit ratio from /metrics', () => {
  it('sums the contract counter by result and takes the difference over the run', () => {
    const text = (hit: number, miss: number) =>
      [
        '# HELP taskboard_cache_operations_total Cache lookups',
        '# TYPE taskboard_cache_operations_total counter',
        `taskboard_cache_operations_total{cache="tasks",result="hit"} ${hit}`,
        `taskboard_cache_operations_total{cache="users",result="hit"} 1`,
        `taskboard_cache_operations_total{cache="tasks",result="miss"} ${miss}`,
        'taskboard_cache_operations_total_created{cache="tasks",result="hit"} 1700000000',
      ].join('\n');
    expect(cacheCounters(text(10, 5))).toMatchObject({ hit: 11, miss: 5, error: 0 });
    expect(
      cacheUse({ counters: cacheCounters(text(10, 5)) }, { counters: cacheCounters(text(100, 15)) }),
    ).toEqual({
      hits: 90,
      misses: 10,
      hitRatio: 0.9,
    });
    expect(cacheUse({ unavailable: 'x: refused' }, { counters: cacheCounters('') })).toEqual({
      unavailable: 'x: refused',
    });
  });
});

describe('a request answered in the next window', () => {
  it('is not counted as an error in the window that sent it', () => {
    const result = syntheticResult({ badCount: 0, lost: 0 });
    const [first, second] = result.intermediate as [MetricsWindow, MetricsWindow];
    const moved = {
      ...result,
      intermediate: [
        { ...first, counters: { ...first.counters, 'http.responses': 990 } },
        { ...second, counters: { ...second.counters, 'http.responses': 1010 } },
        ...result.intermediate.slice(2),
      ],
    };
    expect(timeline(moved).map((p) => p.errors)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
