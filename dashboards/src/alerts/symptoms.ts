import { METRICS, SLOS } from '@taskboard/contracts';
import { HTTP_DURATION_BUCKET, HTTP_REQUESTS_TOTAL, SERVER_ERROR, USER_TRAFFIC } from '../promql';
import type { AlertingRule, RuleFile } from '../rules/types';
import { runbookUrl } from '../runbooks';
import { SPA_PROBE_SELECTOR } from '../slo/catalogue';
import { APP_CONTAINER_SELECTOR, APP_HPA_SELECTOR, APP_POD_SELECTOR } from '../workload';

/**
 * Symptom and resource alerts from the requirements. The SLO burn alerts are the primary pages;
 * these name a cause or a fast symptom, so most are tickets. Thresholds live here as data.
 */
export const SYMPTOM_THRESHOLDS = {
  serverErrorRatio: 0.05,
  /** Smallest request rate (req/s) at which a ratio means something. */
  minRequestRate: 0.1,
  latencyQuantile: 0.95,
  latencySeconds: SLOS.apiLatency.thresholdSeconds,
  cpuOfLimit: 0.8,
  memoryOfLimit: 0.85,
  cacheErrorRatio: 0.05,
  dbPoolInUse: 0.9,
  certificateDays: 14,
} as const;

const T = SYMPTOM_THRESHOLDS;
const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;

export const SYMPTOM_ALERTS: readonly AlertingRule[] = [
  {
    alert: 'ApiHighErrorRate',
    expr: [
      `sum(rate(${HTTP_REQUESTS_TOTAL}{${USER_TRAFFIC},${SERVER_ERROR}}[5m]))`,
      `/`,
      `sum(rate(${HTTP_REQUESTS_TOTAL}{${USER_TRAFFIC}}[5m])) > ${T.serverErrorRatio}`,
      `and`,
      `sum(rate(${HTTP_REQUESTS_TOTAL}{${USER_TRAFFIC}}[5m])) > ${T.minRequestRate}`,
    ].join('\n'),
    for: '5m',
    labels: { severity: 'page' },
    annotations: {
      summary: `More than ${pct(T.serverErrorRatio)} of API requests fail with a 5xx.`,
      description: `For 5 minutes over ${pct(T.serverErrorRatio)} of user requests (health and metrics excluded) were answered with a 5xx; that burns the availability budget about 50x too fast.`,
      runbook_url: runbookUrl('api-high-error-rate'),
    },
  },
  {
    alert: 'ApiHighLatency',
    expr: [
      `histogram_quantile(${T.latencyQuantile}, sum by (le) (rate(${HTTP_DURATION_BUCKET}{${USER_TRAFFIC}}[5m]))) > ${T.latencySeconds}`,
      `and`,
      `sum(rate(${HTTP_REQUESTS_TOTAL}{${USER_TRAFFIC}}[5m])) > ${T.minRequestRate}`,
    ].join('\n'),
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: {
      summary: `API p${T.latencyQuantile * 100} latency is above ${T.latencySeconds}s.`,
      description: `For 10 minutes the ${T.latencyQuantile * 100}th percentile of user request latency exceeded the ${T.latencySeconds}s SLO threshold.`,
      runbook_url: runbookUrl('api-high-latency'),
    },
  },
  {
    alert: 'ApiPodCrashLooping',
    expr: `max by (namespace, pod, container) (kube_pod_container_status_waiting_reason{${APP_POD_SELECTOR},reason="CrashLoopBackOff"}) == 1`,
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: {
      summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping.',
      description:
        'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 10 minutes.',
      runbook_url: runbookUrl('api-pod-crash-looping'),
    },
  },
  {
    alert: 'ApiPodOOMKilled',
    expr: [
      `max by (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{${APP_POD_SELECTOR},reason="OOMKilled"}) == 1`,
      `and on (namespace, pod, container)`,
      `increase(kube_pod_container_status_restarts_total{${APP_POD_SELECTOR}}[15m]) > 0`,
    ].join('\n'),
    labels: { severity: 'ticket' },
    annotations: {
      summary:
        'Container {{ $labels.container }} in {{ $labels.namespace }}/{{ $labels.pod }} was OOM-killed.',
      description:
        'The container restarted in the last 15 minutes and its last termination reason is OOMKilled: it hit its memory limit.',
      runbook_url: runbookUrl('api-pod-oom-killed'),
    },
  },
  {
    alert: 'ApiHpaAtMaxReplicas',
    expr: [
      `kube_horizontalpodautoscaler_status_current_replicas{${APP_HPA_SELECTOR}}`,
      `>=`,
      `kube_horizontalpodautoscaler_spec_max_replicas{${APP_HPA_SELECTOR}}`,
    ].join('\n'),
    for: '15m',
    labels: { severity: 'ticket' },
    annotations: {
      summary:
        'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is at its maximum replicas.',
      description:
        'For 15 minutes the autoscaler has run the maximum number of replicas; it cannot absorb more load.',
      runbook_url: runbookUrl('api-hpa-at-max-replicas'),
    },
  },
  {
    alert: 'ApiContainerCpuHigh',
    expr: [
      `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${APP_CONTAINER_SELECTOR}}[5m]))`,
      `/`,
      `sum by (namespace, pod, container) (kube_pod_container_resource_limits{${APP_POD_SELECTOR},resource="cpu"})`,
      `> ${T.cpuOfLimit}`,
    ].join('\n'),
    for: '15m',
    labels: { severity: 'ticket' },
    annotations: {
      summary: `Container {{ $labels.container }} in {{ $labels.namespace }}/{{ $labels.pod }} uses over ${pct(T.cpuOfLimit)} of its CPU limit.`,
      description: `For 15 minutes CPU usage exceeded ${pct(T.cpuOfLimit)} of the limit; the container is close to being throttled.`,
      runbook_url: runbookUrl('api-container-cpu-high'),
    },
  },
  {
    alert: 'ApiContainerMemoryHigh',
    expr: [
      `sum by (namespace, pod, container) (container_memory_working_set_bytes{${APP_CONTAINER_SELECTOR}})`,
      `/`,
      `sum by (namespace, pod, container) (kube_pod_container_resource_limits{${APP_POD_SELECTOR},resource="memory"})`,
      `> ${T.memoryOfLimit}`,
    ].join('\n'),
    for: '15m',
    labels: { severity: 'ticket' },
    annotations: {
      summary: `Container {{ $labels.container }} in {{ $labels.namespace }}/{{ $labels.pod }} uses over ${pct(T.memoryOfLimit)} of its memory limit.`,
      description: `For 15 minutes the working set exceeded ${pct(T.memoryOfLimit)} of the limit; the next spike gets it OOM-killed.`,
      runbook_url: runbookUrl('api-container-memory-high'),
    },
  },
  {
    alert: 'ApiPodNotReady',
    expr: `max by (namespace, pod) (kube_pod_status_ready{${APP_POD_SELECTOR},condition="true"}) == 0`,
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: {
      summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} has failed its readiness probe for 10 minutes.',
      description:
        'The pod receives no traffic: /health/ready fails (database unreachable) or the container is not running.',
      runbook_url: runbookUrl('api-readiness-failing'),
    },
  },
  {
    alert: 'ApiDatabaseUnreachable',
    expr: `max by (namespace, pod) (${METRICS.dbUp.name}) == 0`,
    for: '3m',
    labels: { severity: 'page' },
    annotations: {
      summary: 'API pod {{ $labels.pod }} cannot reach PostgreSQL.',
      description:
        'Its readiness check has failed to reach the database for 3 minutes: the pod answers 503 and is out of rotation.',
      runbook_url: runbookUrl('api-readiness-failing'),
    },
  },
  {
    alert: 'ApiCacheErrorRateHigh',
    expr: [
      `sum by (namespace, pod) (rate(${METRICS.cacheOperations.name}{result="error"}[5m]))`,
      `/`,
      `sum by (namespace, pod) (rate(${METRICS.cacheOperations.name}[5m]))`,
      `> ${T.cacheErrorRatio}`,
    ].join('\n'),
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: {
      summary: `Over ${pct(T.cacheErrorRatio)} of cache operations in {{ $labels.pod }} fail.`,
      description:
        'Redis errors degrade the API to database-only reads: slower and more load on PostgreSQL, but still correct.',
      runbook_url: runbookUrl('api-cache-errors'),
    },
  },
  {
    alert: 'ApiDatabasePoolSaturated',
    expr: [
      `(`,
      `  max by (namespace, pod) (${METRICS.dbPoolConnections.name}{state="total"})`,
      `  - max by (namespace, pod) (${METRICS.dbPoolConnections.name}{state="idle"})`,
      `)`,
      `/ max by (namespace, pod) (${METRICS.dbPoolMax.name}) >= ${T.dbPoolInUse}`,
      `and`,
      `max by (namespace, pod) (${METRICS.dbPoolConnections.name}{state="waiting"}) > 0`,
    ].join('\n'),
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: {
      summary: `The database pool of {{ $labels.pod }} is over ${pct(T.dbPoolInUse)} in use with clients waiting.`,
      description:
        'Requests queue for a connection; latency rises before anything fails. Look for slow queries or raise the pool size.',
      runbook_url: runbookUrl('api-db-pool-saturated'),
    },
  },
  {
    alert: 'FluentBitOutputErrors',
    expr: [
      `sum by (namespace, pod, name) (rate(fluentbit_output_errors_total[5m])) > 0`,
      `or`,
      `sum by (namespace, pod, name) (rate(fluentbit_output_retries_failed_total[5m])) > 0`,
    ].join('\n'),
    for: '15m',
    labels: { severity: 'ticket' },
    annotations: {
      summary: 'Fluent Bit {{ $labels.pod }} fails to ship logs through output {{ $labels.name }}.',
      description:
        'For 15 minutes the output has reported errors or dropped chunks after exhausting retries: logs are being lost.',
      runbook_url: runbookUrl('fluent-bit-output-errors'),
    },
  },
  {
    alert: 'SpaCertificateExpiringSoon',
    expr: `min by (instance) (probe_ssl_earliest_cert_expiry{${SPA_PROBE_SELECTOR}}) - time() < ${T.certificateDays} * 86400`,
    for: '1h',
    labels: { severity: 'ticket' },
    annotations: {
      summary: `The TLS certificate served for {{ $labels.instance }} expires in under ${T.certificateDays} days.`,
      description:
        'ACM renews automatically only while DNS validation records exist; the blackbox probe sees the certificate users get.',
      runbook_url: runbookUrl('spa-certificate-expiring'),
    },
  },
];

export function symptomRuleFile(): RuleFile {
  return { groups: [{ name: 'taskboard-symptoms', rules: SYMPTOM_ALERTS }] };
}
