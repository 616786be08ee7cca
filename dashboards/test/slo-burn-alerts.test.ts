/**
 * promtool unit tests of the generated SLO alerts. Every number below is worked out by hand from
 * the traffic the scenario describes (see the comments); none is read back from the generator.
 * Tier scenarios start with three days of clean traffic so every window, up to 3d, is full.
 */
import { describe, expect, it } from 'vitest';
import { firing } from './promtool/expect';
import { httpTraffic } from './promtool/http-traffic';
import { type AlertCheck, type PromtoolCase, runPromtoolTests } from './promtool/run';
import { type InputSeries, promSeries } from './promtool/series';

const AVAILABILITY_RULES = [
  'generated/prometheus/slo-api-availability.rules.yaml',
  'generated/prometheus/taskboard-symptoms.rules.yaml',
];
const LATENCY_RULES = [
  'generated/prometheus/slo-api-latency.rules.yaml',
  'generated/prometheus/taskboard-symptoms.rules.yaml',
];
const SPA_RULES = ['generated/prometheus/slo-spa-availability.rules.yaml'];
const ALL_RULES = [...AVAILABILITY_RULES, ...LATENCY_RULES.slice(0, 1), ...SPA_RULES];

const DAY = 24 * 60;
const BASELINE = 3 * DAY; // minutes of clean traffic before a tier's incident
const RPM = 6_000; // 100 requests per second

const AVAILABILITY = 'ApiAvailabilityErrorBudgetBurn';
const LATENCY = 'ApiLatencyErrorBudgetBurn';
const SPA = 'SpaAvailabilityErrorBudgetBurn';

/** Labels of each burn tier, written out: the SRE Workbook's table. */
const TIER = {
  'page-1h': {
    severity: 'page',
    burn_tier: 'page-1h',
    long_window: '1h',
    short_window: '5m',
    burn_rate: '14.4',
  },
  'page-6h': {
    severity: 'page',
    burn_tier: 'page-6h',
    long_window: '6h',
    short_window: '30m',
    burn_rate: '6',
  },
  'ticket-1d': {
    severity: 'ticket',
    burn_tier: 'ticket-1d',
    long_window: '1d',
    short_window: '2h',
    burn_rate: '3',
  },
  'ticket-3d': {
    severity: 'ticket',
    burn_tier: 'ticket-3d',
    long_window: '3d',
    short_window: '6h',
    burn_rate: '1',
  },
} as const;
type Tier = keyof typeof TIER;

/** Asserts exactly these tiers of `alertname` fire at `atMinute` (an empty list: none does). */
function at(atMinute: number, alertname: string, slo: string, tiers: Tier[]): AlertCheck {
  return { atMinute, alertname, firing: tiers.map((t) => firing(alertname, { alertname, slo, ...TIER[t] })) };
}

function none(atMinute: number, alertname: string): AlertCheck {
  return { atMinute, alertname, firing: [] };
}

function availabilityIncident(errorRatio: number, minutes: number, rpm = RPM): InputSeries[] {
  return httpTraffic([
    { minutes: BASELINE, requestsPerMinute: RPM },
    { minutes, requestsPerMinute: rpm, errorRatio },
  ]);
}

function latencyIncident(slowRatio: number, minutes: number, rpm = RPM): InputSeries[] {
  return httpTraffic([
    { minutes: BASELINE, requestsPerMinute: RPM },
    { minutes, requestsPerMinute: rpm, slowRatio },
  ]);
}

interface Scenario extends PromtoolCase {
  readonly rules: readonly string[];
}

const T0 = BASELINE;
const SCENARIOS: Scenario[] = [
  {
    // 2% errors = 20x the 0.1% budget. The 1h ratio is 2% * t/60 and crosses 14.4 * 0.1% at
    // t = 43.2 min, so the page fires (for: 2m) between 40 and 50 minutes; the 6h ratio is
    // then 2% * 50/360 = 0.28% (2.8x < 6x), and the 1d/3d ratios are smaller still.
    name: 'availability page-1h: a 20x burn pages within the hour, no other tier',
    rules: AVAILABILITY_RULES,
    evaluationInterval: '5m',
    series: availabilityIncident(0.02, 60),
    alerts: [
      at(T0 + 40, AVAILABILITY, 'api-availability', []),
      at(T0 + 50, AVAILABILITY, 'api-availability', ['page-1h']),
    ],
  },
  {
    // 1% errors = 10x: never reaches 14.4x. The 6h ratio is 1% * t/360 and crosses 0.6% at
    // t = 216 min; at t = 230 the 1d ratio is 1% * 230/1440 = 0.16% (1.6x < 3x).
    name: 'availability page-6h: a 10x burn pages after about 3.6 hours, no other tier',
    rules: AVAILABILITY_RULES,
    evaluationInterval: '5m',
    series: availabilityIncident(0.01, 240),
    alerts: [
      at(T0 + 200, AVAILABILITY, 'api-availability', []),
      at(T0 + 230, AVAILABILITY, 'api-availability', ['page-6h']),
    ],
  },
  {
    // Traffic falls to 5 req/s with 0.5% errors (5x, under the 6x page). The 1d ratio is
    // 1.5 t / (6000 (1440 - t) + 300 t): 0.267% at t = 1380 and 0.5% at t = 1440. The 3d ratio
    // is then 2160 / (6000 * 2880 + 300 * 1440) = 0.012%, so the 3d tier keeps quiet: the busy
    // clean days before weigh more, which is what request weighting means.
    name: 'availability ticket-1d: a 5x burn for a day opens a ticket, the 3d tier stays quiet',
    rules: AVAILABILITY_RULES,
    evaluationInterval: '5m',
    series: availabilityIncident(0.005, DAY, 300),
    alerts: [
      at(T0 + 1380, AVAILABILITY, 'api-availability', []),
      at(T0 + 1440, AVAILABILITY, 'api-availability', ['ticket-1d']),
    ],
  },
  {
    // 0.15% errors = 1.5x: under every faster tier. The 3d ratio is 0.15% * t/4320 and crosses
    // 0.1% at t = 2880 (two days): 0.0979% at t = 2820, 0.102% at t = 2940 (for: 15m passed).
    name: 'availability ticket-3d: a slow 1.5x burn opens a ticket after two days',
    rules: AVAILABILITY_RULES,
    evaluationInterval: '5m',
    series: availabilityIncident(0.0015, 2940),
    alerts: [
      at(T0 + 2820, AVAILABILITY, 'api-availability', []),
      at(T0 + 2940, AVAILABILITY, 'api-availability', ['ticket-3d']),
    ],
  },
  {
    // After a clean day, one minute of 20% errors: the 5m ratio (4%) and the 30m ratio (0.67%)
    // exceed their tiers, but the long windows stay low (1h: 0.33% < 1.44%), and the 5m ratio
    // stays under the 5% symptom threshold. Nothing may fire while the windows slide past it.
    name: 'availability blip: a one-minute burst trips short windows only, nothing fires',
    rules: AVAILABILITY_RULES,
    evaluationInterval: '1m',
    series: httpTraffic([
      { minutes: DAY, requestsPerMinute: RPM },
      { minutes: 1, requestsPerMinute: RPM, errorRatio: 0.2 },
      { minutes: 60, requestsPerMinute: RPM },
    ]),
    alerts: [2, 4, 6, 10, 30, 60].flatMap((m) => [
      none(DAY + m, AVAILABILITY),
      none(DAY + m, 'ApiHighErrorRate'),
    ]),
  },
  {
    // Low traffic: 0.02 req/s with 20% errors burns every tier by ratio, but no long window holds
    // enough requests for ten of them to be bad (1h holds 72 requests; the page-1h guard needs
    // 10 / (14.4 * 0.001) = 695, the ticket-1d guard 3334 against 1728 in a day).
    name: 'availability low-traffic guard: a handful of failures at night pages nobody',
    rules: AVAILABILITY_RULES,
    evaluationInterval: '5m',
    series: httpTraffic([
      { minutes: 360, requestsPerMinute: 1.2 },
      { minutes: DAY, requestsPerMinute: 1.2, errorRatio: 0.2 },
    ]),
    alerts: [none(360 + 60, AVAILABILITY), none(360 + 360, AVAILABILITY), none(360 + DAY, AVAILABILITY)],
  },
  {
    // Four days within budget: 0.05% errors (half the budget), 2% slow requests (40% of the
    // latency budget), and readiness probes failing with 503 all along: probes are not user
    // traffic. The SPA has no probe here, so only its SLI-absent ticket fires.
    name: 'normal traffic: within budget with failing health probes, no SLO or symptom alert',
    rules: ALL_RULES,
    evaluationInterval: '5m',
    series: [
      ...httpTraffic([
        { minutes: BASELINE + DAY, requestsPerMinute: RPM, errorRatio: 0.0005, slowRatio: 0.02 },
      ]),
      ...httpTraffic([{ minutes: BASELINE + DAY, requestsPerMinute: 12, errorRatio: 1 }], '/health/ready'),
    ],
    alerts: [60, DAY, BASELINE + DAY].flatMap((m) => [
      ...[AVAILABILITY, LATENCY, 'ApiHighErrorRate', 'ApiHighLatency'].map((a) => none(m, a)),
      {
        atMinute: m,
        alertname: 'SLIMetricAbsent',
        firing: [
          firing('SLIMetricAbsent', {
            alertname: 'SLIMetricAbsent',
            slo: 'spa-availability',
            severity: 'ticket',
          }),
        ],
      },
    ]),
  },
  {
    // The latency budget is 5%, so each availability tier scenario scales by 50: 50% slow is
    // 10x (6h ratio crosses 30% at t = 216 min, the 1h ratio never reaches 72%).
    name: 'latency page-6h: half the requests slow pages after about 3.6 hours, no other tier',
    rules: LATENCY_RULES,
    evaluationInterval: '5m',
    series: latencyIncident(0.5, 240),
    alerts: [at(T0 + 200, LATENCY, 'api-latency', []), at(T0 + 230, LATENCY, 'api-latency', ['page-6h'])],
  },
  {
    // 25% slow (5x) at 5 req/s for a day: the 1d ratio is 13.4% at t = 1380 and 25% at
    // t = 1440 (threshold 15%); the 3d ratio stays at 0.61% (threshold 5%).
    name: 'latency ticket-1d: a 5x burn for a day opens a ticket, the 3d tier stays quiet',
    rules: LATENCY_RULES,
    evaluationInterval: '5m',
    series: latencyIncident(0.25, DAY, 300),
    alerts: [at(T0 + 1380, LATENCY, 'api-latency', []), at(T0 + 1440, LATENCY, 'api-latency', ['ticket-1d'])],
  },
  {
    // 7.5% slow (1.5x): the 3d ratio crosses 5% at t = 2880, as in the availability case.
    name: 'latency ticket-3d: a slow 1.5x burn opens a ticket after two days',
    rules: LATENCY_RULES,
    evaluationInterval: '5m',
    series: latencyIncident(0.075, 2940),
    alerts: [at(T0 + 2820, LATENCY, 'api-latency', []), at(T0 + 2940, LATENCY, 'api-latency', ['ticket-3d'])],
  },
  {
    // 80% slow = 16x the 5% latency budget. The 1h ratio crosses 72% at t = 54 min (page at
    // about 56); the 6h ratio is then 80% * 60/360 = 13% (2.7x < 6x). The p95 sits in the
    // 0.5-1 s bucket from the first minute, so the latency symptom fires after its 10 minutes.
    name: 'latency page-1h: mostly slow requests page within the hour',
    rules: LATENCY_RULES,
    evaluationInterval: '5m',
    series: httpTraffic([
      { minutes: BASELINE, requestsPerMinute: RPM },
      { minutes: 60, requestsPerMinute: RPM, slowRatio: 0.8 },
    ]),
    alerts: [
      at(T0 + 50, LATENCY, 'api-latency', []),
      at(T0 + 60, LATENCY, 'api-latency', ['page-1h']),
      none(T0 + 5, 'ApiHighLatency'),
      {
        atMinute: T0 + 20,
        alertname: 'ApiHighLatency',
        firing: [firing('ApiHighLatency', { alertname: 'ApiHighLatency', severity: 'ticket' })],
      },
    ],
  },
];

/**
 * The SPA SLI counts blackbox probes, one every 30 s (the Probe's interval). Ten minutes of
 * failed probes after a clean day is 20 of 120 in the last hour (17%, 167x) and 20 of 720 in
 * 6h (28x): both page tiers fire (for: 2m), the ticket tiers still wait out their 15 minutes.
 * One failed probe is 1 of 120 an hour (0.8%, under 1.44%): nobody is paged.
 */
const SPA_PROBE = promSeries('probe_success', {
  job: 'probe/monitoring/taskboard-spa',
  instance: 'https://app.example.org',
});
SCENARIOS.push(
  {
    name: 'spa page tiers: ten minutes of failed probes page',
    rules: SPA_RULES,
    interval: '30s',
    evaluationInterval: '1m',
    series: [{ series: SPA_PROBE, values: `1x${DAY * 2} 0x19 1x20` }],
    alerts: [
      at(DAY + 1, SPA, 'spa-availability', []),
      at(DAY + 6, SPA, 'spa-availability', ['page-1h', 'page-6h']),
    ],
  },
  {
    name: 'spa blip: one failed probe pages nobody',
    rules: SPA_RULES,
    interval: '30s',
    evaluationInterval: '1m',
    series: [{ series: SPA_PROBE, values: `1x${DAY * 2} 0 1x120` }],
    alerts: [1, 3, 10, 30].map((m) => none(DAY + m, SPA)),
  },
);

describe('SLO burn-rate alerts (promtool test rules)', () => {
  for (const { rules, ...testCase } of SCENARIOS) {
    it(testCase.name, () => {
      const result = runPromtoolTests(rules, testCase);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain('SUCCESS');
    });
  }
});
