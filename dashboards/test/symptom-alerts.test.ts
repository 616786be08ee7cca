/**
 * promtool unit tests of every symptom and resource alert: each fires when its condition holds
 * long enough, with its labels, and stays silent on a short blip and on healthy values.
 */
import { METRICS } from '@taskboard/contracts';
import { describe, expect, it } from 'vitest';
import { SYMPTOM_ALERTS } from '../src/alerts/symptoms';
import { firing } from './promtool/expect';
import { httpTraffic } from './promtool/http-traffic';
import { type AlertCheck, type PromtoolCase, runPromtoolTests } from './promtool/run';
import { counter, gauge, type InputSeries, promSeries } from './promtool/series';

const RULES = ['generated/prometheus/taskboard-symptoms.rules.yaml'];
const POD = { namespace: 'taskboard', pod: 'taskboard-api-7d9f-abcde' };
const CONTAINER = { ...POD, container: 'api' };
const OTHER_POD = { namespace: 'kube-system', pod: 'coredns-55fd-xyz12', container: 'coredns' };

interface AlertScenarios {
  readonly alertname: string;
  /** Series under which the alert must fire, checked before and after its `for`. */
  readonly fires: {
    readonly series: InputSeries[];
    readonly quietAt: number;
    readonly firingAt: number;
    readonly labels: Record<string, string>;
  };
  /** A short blip of the same condition (and, where useful, healthy or out-of-scope series). */
  readonly silent: { readonly name: string; readonly series: InputSeries[]; readonly checkAt: number[] }[];
}

function g(name: string, labels: Record<string, string>, segments: Parameters<typeof gauge>[0]): InputSeries {
  return { series: promSeries(name, labels), values: gauge(segments) };
}

function c(
  name: string,
  labels: Record<string, string>,
  segments: Parameters<typeof counter>[0],
): InputSeries {
  return { series: promSeries(name, labels), values: counter(segments) };
}

const SCENARIOS: AlertScenarios[] = [
  {
    // 10% 5xx from minute 10: ratio over 5% from minute 11, fires 5 minutes later.
    alertname: 'ApiHighErrorRate',
    fires: {
      series: httpTraffic([
        { minutes: 10, requestsPerMinute: 600 },
        { minutes: 30, requestsPerMinute: 600, errorRatio: 0.1 },
      ]),
      quietAt: 14,
      firingAt: 20,
      labels: { severity: 'page' },
    },
    silent: [
      {
        // One minute of 10%: the 5m ratio peaks at 2%.
        name: 'one-minute burst',
        series: httpTraffic([
          { minutes: 10, requestsPerMinute: 600 },
          { minutes: 1, requestsPerMinute: 600, errorRatio: 0.1 },
          { minutes: 20, requestsPerMinute: 600 },
        ]),
        checkAt: [12, 15, 20, 30],
      },
      {
        // Half of 3 requests a minute fail: under the 0.1 req/s floor, a ratio of nothing.
        name: 'too little traffic to mean anything',
        series: httpTraffic([{ minutes: 40, requestsPerMinute: 3, errorRatio: 0.5 }]),
        checkAt: [10, 20, 40],
      },
    ],
  },
  {
    // 80% of requests slow from minute 10: p95 above 0.5 s from minute 11, fires after 10 min.
    alertname: 'ApiHighLatency',
    fires: {
      series: httpTraffic([
        { minutes: 10, requestsPerMinute: 600 },
        { minutes: 30, requestsPerMinute: 600, slowRatio: 0.8 },
      ]),
      quietAt: 18,
      firingAt: 25,
      labels: { severity: 'ticket' },
    },
    silent: [
      {
        name: 'two slow minutes',
        series: httpTraffic([
          { minutes: 10, requestsPerMinute: 600 },
          { minutes: 2, requestsPerMinute: 600, slowRatio: 0.8 },
          { minutes: 30, requestsPerMinute: 600 },
        ]),
        checkAt: [15, 20, 25, 40],
      },
      {
        name: 'healthy: 2% slow keeps the p95 fast',
        series: httpTraffic([{ minutes: 40, requestsPerMinute: 600, slowRatio: 0.02 }]),
        checkAt: [20, 40],
      },
    ],
  },
  {
    alertname: 'ApiPodCrashLooping',
    fires: {
      series: [
        g('kube_pod_container_status_waiting_reason', { ...CONTAINER, reason: 'CrashLoopBackOff' }, [
          { samples: 30, value: 1 },
        ]),
      ],
      quietAt: 5,
      firingAt: 12,
      labels: { ...CONTAINER, severity: 'ticket' },
    },
    silent: [
      {
        // One back-off that clears (kube-state-metrics drops the series), and another team's pod.
        name: 'one back-off, and pods that are not ours',
        series: [
          g('kube_pod_container_status_waiting_reason', { ...CONTAINER, reason: 'CrashLoopBackOff' }, [
            { samples: 5, value: 1 },
            { samples: 25, value: null },
          ]),
          g('kube_pod_container_status_waiting_reason', { ...OTHER_POD, reason: 'CrashLoopBackOff' }, [
            { samples: 30, value: 1 },
          ]),
        ],
        checkAt: [5, 12, 20, 29],
      },
    ],
  },
  {
    // Restarted at minute 10 after an OOM kill: fires at once (no `for`), while the restart is recent.
    alertname: 'ApiPodOOMKilled',
    fires: {
      series: [
        g('kube_pod_container_status_last_terminated_reason', { ...CONTAINER, reason: 'OOMKilled' }, [
          { samples: 10, value: null },
          { samples: 20, value: 1 },
        ]),
        c('kube_pod_container_status_restarts_total', CONTAINER, [
          { minutes: 9, perMinute: 0 },
          { minutes: 1, perMinute: 1 },
          { minutes: 20, perMinute: 0 },
        ]),
      ],
      quietAt: 8,
      firingAt: 12,
      labels: { ...CONTAINER, severity: 'ticket' },
    },
    silent: [
      {
        // An OOM kill from long ago: the reason stays set, but no restart in the last 15 minutes.
        name: 'an old OOM kill without a recent restart',
        series: [
          g('kube_pod_container_status_last_terminated_reason', { ...CONTAINER, reason: 'OOMKilled' }, [
            { samples: 40, value: 1 },
          ]),
          c('kube_pod_container_status_restarts_total', CONTAINER, [{ minutes: 39, perMinute: 0 }]),
        ],
        checkAt: [20, 39],
      },
    ],
  },
  {
    alertname: 'ApiHpaAtMaxReplicas',
    fires: {
      series: [
        g(
          'kube_horizontalpodautoscaler_status_current_replicas',
          { namespace: 'taskboard', horizontalpodautoscaler: 'taskboard-api' },
          [{ samples: 40, value: 10 }],
        ),
        g(
          'kube_horizontalpodautoscaler_spec_max_replicas',
          { namespace: 'taskboard', horizontalpodautoscaler: 'taskboard-api' },
          [{ samples: 40, value: 10 }],
        ),
      ],
      quietAt: 10,
      firingAt: 20,
      labels: { namespace: 'taskboard', horizontalpodautoscaler: 'taskboard-api', severity: 'ticket' },
    },
    silent: [
      {
        name: 'ten minutes at max, then scaled down',
        series: [
          g(
            'kube_horizontalpodautoscaler_status_current_replicas',
            { namespace: 'taskboard', horizontalpodautoscaler: 'taskboard-api' },
            [
              { samples: 10, value: 10 },
              { samples: 30, value: 6 },
            ],
          ),
          g(
            'kube_horizontalpodautoscaler_spec_max_replicas',
            { namespace: 'taskboard', horizontalpodautoscaler: 'taskboard-api' },
            [{ samples: 40, value: 10 }],
          ),
        ],
        checkAt: [9, 15, 30, 39],
      },
    ],
  },
  {
    // 0.9 cores of a 1-core limit: 90% > 80%, fires after 15 minutes.
    alertname: 'ApiContainerCpuHigh',
    fires: {
      series: [
        c('container_cpu_usage_seconds_total', CONTAINER, [{ minutes: 40, perMinute: 54 }]),
        g('kube_pod_container_resource_limits', { ...CONTAINER, resource: 'cpu', unit: 'core' }, [
          { samples: 41, value: 1 },
        ]),
      ],
      quietAt: 12,
      firingAt: 25,
      labels: { ...CONTAINER, severity: 'ticket' },
    },
    silent: [
      {
        name: 'five busy minutes, otherwise half a core',
        series: [
          c('container_cpu_usage_seconds_total', CONTAINER, [
            { minutes: 10, perMinute: 30 },
            { minutes: 5, perMinute: 60 },
            { minutes: 25, perMinute: 30 },
          ]),
          g('kube_pod_container_resource_limits', { ...CONTAINER, resource: 'cpu', unit: 'core' }, [
            { samples: 41, value: 1 },
          ]),
        ],
        checkAt: [14, 20, 30, 40],
      },
    ],
  },
  {
    // 900 MiB of a 1 GiB limit: 88% > 85%, fires after 15 minutes.
    alertname: 'ApiContainerMemoryHigh',
    fires: {
      series: [
        g('container_memory_working_set_bytes', CONTAINER, [{ samples: 40, value: 900 * 2 ** 20 }]),
        g('kube_pod_container_resource_limits', { ...CONTAINER, resource: 'memory', unit: 'byte' }, [
          { samples: 40, value: 2 ** 30 },
        ]),
      ],
      quietAt: 12,
      firingAt: 20,
      labels: { ...CONTAINER, severity: 'ticket' },
    },
    silent: [
      {
        name: 'a five-minute spike, otherwise half the limit',
        series: [
          g('container_memory_working_set_bytes', CONTAINER, [
            { samples: 10, value: 512 * 2 ** 20 },
            { samples: 5, value: 1000 * 2 ** 20 },
            { samples: 25, value: 512 * 2 ** 20 },
          ]),
          g('kube_pod_container_resource_limits', { ...CONTAINER, resource: 'memory', unit: 'byte' }, [
            { samples: 40, value: 2 ** 30 },
          ]),
        ],
        checkAt: [14, 20, 30, 39],
      },
    ],
  },
  {
    alertname: 'ApiPodNotReady',
    fires: {
      series: [
        g('kube_pod_status_ready', { ...POD, condition: 'true' }, [
          { samples: 5, value: 1 },
          { samples: 25, value: 0 },
        ]),
      ],
      quietAt: 10,
      firingAt: 20,
      labels: { ...POD, severity: 'ticket' },
    },
    silent: [
      {
        name: 'three unready minutes during a rollout',
        series: [
          g('kube_pod_status_ready', { ...POD, condition: 'true' }, [
            { samples: 5, value: 1 },
            { samples: 3, value: 0 },
            { samples: 22, value: 1 },
          ]),
        ],
        checkAt: [7, 12, 20, 29],
      },
    ],
  },
  {
    alertname: 'ApiDatabaseUnreachable',
    fires: {
      series: [
        g(METRICS.dbUp.name, POD, [
          { samples: 5, value: 1 },
          { samples: 15, value: 0 },
        ]),
      ],
      quietAt: 6,
      firingAt: 10,
      labels: { ...POD, severity: 'page' },
    },
    silent: [
      {
        name: 'a two-minute failover',
        series: [
          g(METRICS.dbUp.name, POD, [
            { samples: 5, value: 1 },
            { samples: 2, value: 0 },
            { samples: 13, value: 1 },
          ]),
        ],
        checkAt: [6, 8, 10, 19],
      },
    ],
  },
  {
    // 10% of cache operations error from minute 5: fires 10 minutes after the ratio passes 5%.
    alertname: 'ApiCacheErrorRateHigh',
    fires: {
      series: [
        c(METRICS.cacheOperations.name, { ...POD, cache: 'tasks', result: 'hit' }, [
          { minutes: 40, perMinute: 540 },
        ]),
        c(METRICS.cacheOperations.name, { ...POD, cache: 'tasks', result: 'error' }, [
          { minutes: 5, perMinute: 0 },
          { minutes: 35, perMinute: 60 },
        ]),
      ],
      quietAt: 12,
      firingAt: 20,
      labels: { ...POD, severity: 'ticket' },
    },
    silent: [
      {
        name: 'a one-minute Redis hiccup',
        series: [
          c(METRICS.cacheOperations.name, { ...POD, cache: 'tasks', result: 'hit' }, [
            { minutes: 40, perMinute: 540 },
          ]),
          c(METRICS.cacheOperations.name, { ...POD, cache: 'tasks', result: 'error' }, [
            { minutes: 5, perMinute: 0 },
            { minutes: 1, perMinute: 300 },
            { minutes: 34, perMinute: 0 },
          ]),
        ],
        checkAt: [7, 12, 20, 40],
      },
    ],
  },
  {
    // All 10 connections busy (none idle) with 3 clients waiting, for 30 minutes.
    alertname: 'ApiDatabasePoolSaturated',
    fires: {
      series: [
        g(METRICS.dbPoolConnections.name, { ...POD, state: 'total' }, [{ samples: 30, value: 10 }]),
        g(METRICS.dbPoolConnections.name, { ...POD, state: 'idle' }, [{ samples: 30, value: 0 }]),
        g(METRICS.dbPoolConnections.name, { ...POD, state: 'waiting' }, [{ samples: 30, value: 3 }]),
        g(METRICS.dbPoolMax.name, POD, [{ samples: 30, value: 10 }]),
      ],
      quietAt: 5,
      firingAt: 15,
      labels: { ...POD, severity: 'ticket' },
    },
    silent: [
      {
        // Busy but nobody waiting is a well-sized pool; a queue for two minutes is a blip.
        name: 'fully used without a queue, and a two-minute queue',
        series: [
          g(METRICS.dbPoolConnections.name, { ...POD, state: 'total' }, [{ samples: 30, value: 10 }]),
          g(METRICS.dbPoolConnections.name, { ...POD, state: 'idle' }, [{ samples: 30, value: 0 }]),
          g(METRICS.dbPoolConnections.name, { ...POD, state: 'waiting' }, [
            { samples: 10, value: 0 },
            { samples: 2, value: 4 },
            { samples: 18, value: 0 },
          ]),
          g(METRICS.dbPoolMax.name, POD, [{ samples: 30, value: 10 }]),
        ],
        checkAt: [5, 11, 20, 29],
      },
    ],
  },
  {
    alertname: 'FluentBitOutputErrors',
    fires: {
      series: [
        c(
          'fluentbit_output_errors_total',
          { namespace: 'logging', pod: 'fluent-bit-x7k2p', name: 'cloudwatch_logs.0' },
          [{ minutes: 40, perMinute: 2 }],
        ),
      ],
      quietAt: 10,
      firingAt: 20,
      labels: {
        namespace: 'logging',
        pod: 'fluent-bit-x7k2p',
        name: 'cloudwatch_logs.0',
        severity: 'ticket',
      },
    },
    silent: [
      {
        name: 'one failed flush that a retry recovered',
        series: [
          c(
            'fluentbit_output_errors_total',
            { namespace: 'logging', pod: 'fluent-bit-x7k2p', name: 'cloudwatch_logs.0' },
            [
              { minutes: 10, perMinute: 0 },
              { minutes: 1, perMinute: 1 },
              { minutes: 29, perMinute: 0 },
            ],
          ),
          c(
            'fluentbit_output_retries_failed_total',
            { namespace: 'logging', pod: 'fluent-bit-x7k2p', name: 'cloudwatch_logs.0' },
            [{ minutes: 40, perMinute: 0 }],
          ),
        ],
        checkAt: [12, 20, 30, 40],
      },
    ],
  },
  {
    // promtool's clock starts at 0, so an expiry timestamp of 10 days is 10 days away: under 14.
    alertname: 'SpaCertificateExpiringSoon',
    fires: {
      series: [
        g(
          'probe_ssl_earliest_cert_expiry',
          { job: 'probe/monitoring/taskboard-spa', instance: 'https://app.example.org' },
          [{ samples: 90, value: 10 * 86_400 }],
        ),
      ],
      quietAt: 30,
      firingAt: 75,
      labels: { instance: 'https://app.example.org', severity: 'ticket' },
    },
    silent: [
      {
        // A renewed certificate (60 days left) with ten minutes of a stale edge serving the old one.
        name: 'ten minutes of a stale edge certificate',
        series: [
          g(
            'probe_ssl_earliest_cert_expiry',
            { job: 'probe/monitoring/taskboard-spa', instance: 'https://app.example.org' },
            [
              { samples: 10, value: 60 * 86_400 },
              { samples: 10, value: 10 * 86_400 },
              { samples: 70, value: 60 * 86_400 },
            ],
          ),
        ],
        checkAt: [15, 30, 60, 89],
      },
    ],
  },
];

function toCases(s: AlertScenarios): PromtoolCase[] {
  const { alertname } = s;
  const fire: AlertCheck[] = [
    { atMinute: s.fires.quietAt, alertname, firing: [] },
    { atMinute: s.fires.firingAt, alertname, firing: [firing(alertname, { alertname, ...s.fires.labels })] },
  ];
  return [
    { name: `${alertname} fires`, series: s.fires.series, alerts: fire },
    ...s.silent.map((q) => ({
      name: `${alertname} stays silent: ${q.name}`,
      series: q.series,
      alerts: q.checkAt.map((atMinute) => ({ atMinute, alertname, firing: [] })),
    })),
  ];
}

describe('symptom and resource alerts (promtool test rules)', () => {
  it('every symptom alert has a scenario', () => {
    expect(SCENARIOS.map((s) => s.alertname).sort()).toEqual(SYMPTOM_ALERTS.map((a) => a.alert).sort());
  });

  for (const scenario of SCENARIOS) {
    for (const testCase of toCases(scenario)) {
      it(testCase.name, () => {
        const result = runPromtoolTests(RULES, testCase);
        expect(result.status, result.output).toBe(0);
        expect(result.output).toContain('SUCCESS');
      });
    }
  }
});
