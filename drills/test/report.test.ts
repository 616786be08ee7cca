/**
 * The incident report writer (shared with `make chaos`) and the drill's measurements, on synthetic
 * observations: the report carries every chart with the fault window shaded and every figure; the
 * template and the writer cannot drift; a broken bound really fails its check.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { effectiveNotReady, evaluate, measure, type Observations } from '../src/checks/evaluate';
import { percentile, perSecond } from '../src/checks/timeline';
import {
  fillTemplate,
  type IncidentReport,
  TEMPLATE,
  writeIncidentReport,
} from '../src/report/incident-report';
import { dbDown } from '../src/scenarios/db-down';
import type { RequestRecord } from '../src/traffic/traffic';

const work = mkdtempSync(join(tmpdir(), 'drill-report-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** 40 s of 10 req/s; every request between 10 s and 20 s fails with a 503 (the fault). */
function records(): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let at = 0; at < 40_000; at += 100) {
    const down = at >= 10_000 && at < 20_000;
    out.push({
      at,
      op: at % 300 === 0 ? 'create' : 'list',
      status: down ? 503 : 200,
      latencyMs: down ? 5 : 40,
    });
  }
  return out;
}

function observations(over: Partial<Observations> = {}): Observations {
  const readiness = [];
  for (let at = 0; at < 40_000; at += 500)
    for (const pod of ['a', 'b'])
      readiness.push({ at, pod, status: at >= 10_000 && at < 21_000 ? 503 : 200 });
  return {
    injectedAt: 10_000,
    healedAt: 20_000,
    endedAt: 40_000,
    records: records(),
    acknowledged: ['1', '2'],
    lost: [],
    readiness,
    pods: ['a', 'b'],
    alerts: [
      { alertname: 'ApiDatabaseUnreachable', key: 'ApiDatabaseUnreachable', state: 'firing', times: [1, 2] },
      { alertname: 'ApiHighErrorRate', key: 'ApiHighErrorRate', state: 'firing', times: [3] },
    ],
    unixStart: 0,
    notifications: [
      {
        at: 15_000,
        receiver: 'page-pagerduty',
        status: 'firing',
        alerts: ['ApiDatabaseUnreachable', 'ApiHighErrorRate'],
      },
    ],
    seenInPrometheus: undefined,
    cleanupProblems: [],
    ...over,
  };
}

describe('measurements and checks', () => {
  it('percentiles and per-second buckets', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 95)).toBe(100);
    expect(percentile([], 95)).toBeUndefined();
    const seconds = perSecond(records(), 0, 40_000);
    expect(seconds).toHaveLength(40);
    expect(seconds[12]).toMatchObject({ t: 12, requests: 10, errors: 10 });
    expect(seconds[30]).toMatchObject({ requests: 10, errors: 0, p95Ms: 40 });
  });

  it('a lone failed readiness probe does not make a replica not ready', () => {
    const o = observations();
    o.readiness.push({ at: 5_000, pod: 'a', status: 503 }, { at: 30_000, pod: 'b', status: 0 });
    const m = measure(o);
    expect(m.recoverySeconds).toBe(1);
    expect(effectiveNotReady(o.readiness).some((s) => s.at === 5_000 || s.at === 30_000)).toBe(false);
  });

  it('measures recovery from the heal to the first healthy readiness', () => {
    const m = measure(observations());
    expect(m.recoverySeconds).toBe(1);
    expect(m.failedDuringFault).toBe(100);
    expect(m.failedOutsideFault).toBe(0);
    expect(m.notReadyDuringFault).toEqual(['a', 'b']);
  });

  it('passes db-down on observations that match its hypothesis', () => {
    const o = observations();
    const failedChecks = evaluate(dbDown, o, measure(o)).filter((c) => !c.passed);
    expect(failedChecks).toEqual([]);
  });

  it('fails each broken expectation', () => {
    const failing = (over: Partial<Observations>) => {
      const o = observations(over);
      return evaluate(dbDown, o, measure(o))
        .filter((c) => !c.passed)
        .map((c) => c.name);
    };
    expect(failing({ lost: ['2'] })).toEqual(['no acknowledged write lost']);
    expect(failing({ alerts: [] })).toEqual(
      expect.arrayContaining([
        'alert ApiDatabaseUnreachable reached firing',
        'alert ApiHighErrorRate reached firing',
      ]),
    );
    expect(
      failing({
        alerts: [
          ...observations().alerts,
          { alertname: 'ApiCacheErrorRateHigh', key: 'ApiCacheErrorRateHigh', state: 'firing', times: [9] },
        ],
      }),
    ).toEqual(['alert ApiCacheErrorRateHigh stayed silent (never firing)']);
    expect(failing({ notifications: [] })).toHaveLength(2);
    expect(failing({ cleanupProblems: ['port 1 still in use'] })).toEqual([
      'every process stopped, database dropped',
    ]);
    const late = records().map((r) => (r.at > 36_000 && r.at < 37_000 ? { ...r, status: 0 } : r));
    expect(failing({ records: late })).toEqual(expect.arrayContaining(['recovery within 15 s']));
  });
});

const report: IncidentReport = {
  title: 'Synthetic outage',
  scenario: 'synthetic',
  environment: 'unit test',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  hypothesis: 'It breaks and heals.',
  fault: 'a synthetic cut',
  faultWindow: { start: 10, end: 20 },
  timeline: perSecond(records(), 0, 40_000),
  readiness: [
    {
      name: 'a',
      points: [
        { t: 0, ready: true },
        { t: 10, ready: false },
        { t: 21, ready: true },
      ],
    },
  ],
  alerts: [
    {
      name: 'ApiDatabaseUnreachable',
      transitions: [
        { t: 11, state: 'pending' },
        { t: 14, state: 'firing' },
        { t: 22, state: 'inactive' },
      ],
    },
  ],
  notifications: [
    { t: 15, receiver: 'page-pagerduty', status: 'firing', alerts: ['ApiDatabaseUnreachable'] },
  ],
  recoverySeconds: 1.5,
  figures: [{ label: 'Failed requests outside the fault', value: '0', bound: '≤ 0' }],
  checks: [{ name: 'a check', passed: true, detail: 'held' }],
  notes: ['a note'],
};

describe('incident report', () => {
  it('writes Markdown that embeds every chart, with the figures, transitions and checks', () => {
    const dir = join(work, 'report');
    const written = writeIncidentReport(dir, report);
    expect(written.charts.sort()).toEqual(['alerts.svg', 'latency.svg', 'readiness.svg', 'traffic.svg']);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    for (const chart of written.charts) {
      expect(md).toContain(`](${chart})`);
      const svg = readFileSync(join(dir, chart), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      // The shaded fault window: echarts draws the markArea with our fill and its label.
      expect(svg).toContain('fill="rgb(220,53,69)" fill-opacity="0.15"');
      expect(svg).toContain('>fault<');
    }
    expect(md).toContain('| Recovery time | 1.5 s |');
    expect(md).toContain('| Failed requests outside the fault | 0 | ≤ 0 |');
    expect(md).toContain('| 14.0 s | ApiDatabaseUnreachable | firing |');
    expect(md).toContain('| 15.0 s | page-pagerduty | firing | ApiDatabaseUnreachable |');
    expect(md).toContain('PASSED: all 1 checks held');
    expect(md).not.toMatch(/\{\{|<!--/);
  });

  it('leaves out the readiness chart when readiness was not observed', () => {
    const written = writeIncidentReport(join(work, 'no-readiness'), { ...report, readiness: undefined });
    expect(written.charts).not.toContain('readiness.svg');
    expect(existsSync(join(work, 'no-readiness', 'readiness.svg'))).toBe(false);
    expect(written.markdown).toContain('_not observed_');
  });

  it('fails when the template and the values drift apart', () => {
    expect(() => fillTemplate('{{a}} {{b}}', { a: '1' })).toThrow(/no value for \{\{b\}\}/);
    expect(() => fillTemplate('{{a}}', { a: '1', c: '2' })).toThrow(/lacks \{\{c\}\}/);
    const broken = join(work, 'broken-template.md');
    writeFileSync(broken, readFileSync(TEMPLATE, 'utf8').replace('{{recovery}}', ''));
    expect(() => writeIncidentReport(join(work, 'broken'), report, broken)).toThrow(/lacks \{\{recovery\}\}/);
  });
});
