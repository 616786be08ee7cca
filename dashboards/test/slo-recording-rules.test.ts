/**
 * The SLO recording rules evaluated by promtool against traffic whose answer is known by hand.
 * The last case is the one that matters most: a 30-day ratio that is request-weighted.
 */
import { describe, expect, it } from 'vitest';
import { httpTraffic } from './promtool/http-traffic';
import { type ExprCheck, type PromtoolCase, runPromtoolTests } from './promtool/run';
import { promSeries } from './promtool/series';

function sample(record: string, slo: string, value: number): ExprCheck['samples'][number] {
  return { labels: `${record}{slo="${slo}"}`, value };
}

function check(atMinute: number, record: string, slo: string, value: number): ExprCheck {
  return { atMinute, expr: `${record}{slo="${slo}"}`, samples: [sample(record, slo, value)] };
}

const CASES: (PromtoolCase & { rules: string[] })[] = [
  {
    // 100 req/s, 1 of them a 5xx, plus readiness probes failing: ratio 60/6060, burn 9.90x of
    // the 0.1% budget, 101 user requests per second. An hour of data fills 5m, 30m and 1h.
    name: 'availability SLI: error ratio, burn rate and event rate per window',
    rules: ['generated/prometheus/slo-api-availability.rules.yaml'],
    series: [
      ...httpTraffic([{ minutes: 60, requestsPerMinute: 6060, errorRatio: 60 / 6060 }]),
      ...httpTraffic([{ minutes: 60, requestsPerMinute: 12, errorRatio: 1 }], '/health/ready'),
    ],
    exprs: [
      ...['5m', '30m', '1h'].map((w) =>
        check(60, `slo:sli_error:ratio_rate${w}`, 'api-availability', 60 / 6060),
      ),
      check(60, 'slo:error_budget_burn_rate:ratio_rate5m', 'api-availability', 60 / 6060 / 0.001),
      check(60, 'slo:sli_events:rate1h', 'api-availability', 101),
      check(60, 'slo:objective:ratio', 'api-availability', 0.999),
      check(60, 'slo:error_budget:ratio', 'api-availability', 0.001),
    ],
  },
  {
    // An API that never failed has no 5xx series at all: its error ratio is 0, not missing.
    name: 'availability SLI: no 5xx series yet means a ratio of 0',
    rules: ['generated/prometheus/slo-api-availability.rules.yaml'],
    series: httpTraffic([{ minutes: 30, requestsPerMinute: 600 }]).filter(
      (s) => !s.series.includes('status_code="503"'),
    ),
    exprs: [
      check(30, 'slo:sli_error:ratio_rate5m', 'api-availability', 0),
      check(30, 'slo:error_budget_remaining:ratio', 'api-availability', 1),
    ],
  },
  {
    // 10% of requests take 0.5-1 s: latency error ratio 0.1 = burn 2x of the 5% budget.
    name: 'latency SLI: requests over the threshold are the bad events',
    rules: ['generated/prometheus/slo-api-latency.rules.yaml'],
    series: httpTraffic([{ minutes: 60, requestsPerMinute: 600, slowRatio: 0.1 }]),
    exprs: [
      check(60, 'slo:sli_error:ratio_rate5m', 'api-latency', 0.1),
      check(60, 'slo:sli_error:ratio_rate1h', 'api-latency', 0.1),
      check(60, 'slo:error_budget_burn_rate:ratio_rate1h', 'api-latency', 2),
    ],
  },
  {
    // Probes that all succeed, then all fail: the SLI is 0 and then 1.
    name: 'spa SLI: failed probes are the bad events',
    rules: ['generated/prometheus/slo-spa-availability.rules.yaml'],
    interval: '30s',
    series: [
      {
        series: promSeries('probe_success', { job: 'probe/monitoring/taskboard-spa', instance: 'x' }),
        values: '1x120 0x40',
      },
    ],
    exprs: [
      check(55, 'slo:sli_error:ratio_rate5m', 'spa-availability', 0),
      check(80, 'slo:sli_error:ratio_rate5m', 'spa-availability', 1),
    ],
  },
  {
    // Ten idle minutes, an hour at 100 req/s without errors, an hour at 1 req/s with half of them
    // failing, ten idle minutes. Request-weighted: 1800 bad of 363600 = 0.495% (budget spent
    // 4.95 times over: remaining 1 - 4.95). The mean of the 5-minute ratios would say about 25%.
    name: 'availability 30d ratio and budget remaining are request-weighted',
    rules: ['generated/prometheus/slo-api-availability.rules.yaml'],
    series: httpTraffic([
      { minutes: 10, requestsPerMinute: 0 },
      { minutes: 60, requestsPerMinute: 6000 },
      { minutes: 60, requestsPerMinute: 60, errorRatio: 0.5 },
      { minutes: 10, requestsPerMinute: 0 },
    ]),
    exprs: [
      check(140, 'slo:sli_error:ratio_rate30d', 'api-availability', 1800 / 363600),
      check(140, 'slo:error_budget_remaining:ratio', 'api-availability', 1 - 1800 / 363600 / 0.001),
    ],
  },
];

describe('SLO recording rules (promtool test rules, hand-computed values)', () => {
  for (const { rules, ...testCase } of CASES) {
    it(testCase.name, () => {
      const result = runPromtoolTests(rules, testCase);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain('SUCCESS');
    });
  }
});
