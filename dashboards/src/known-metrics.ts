/**
 * Every metric name a dashboard query or an alert may use, with who exposes it. App metrics come
 * from the contract (so they are exactly what the API registers); the rest are the fixed
 * names of prom-client's default collectors and of the exporters the platform deploys.
 */
import { METRICS, type MetricSpec, RUM_METRICS } from '@taskboard/contracts';

function exposedNames(spec: MetricSpec | (MetricSpec & { buckets: readonly number[] })): string[] {
  return 'buckets' in spec ? [`${spec.name}_bucket`, `${spec.name}_count`, `${spec.name}_sum`] : [spec.name];
}

/** What GET /metrics of the API serves from the contract. */
export const APP_METRICS: ReadonlySet<string> = new Set(
  [...Object.values(METRICS), ...Object.values(RUM_METRICS)].flatMap(exposedNames),
);

/** prom-client 15 `collectDefaultMetrics()` (no prefix: DEFAULT_METRICS_PREFIX is empty). */
export const PROCESS_METRICS: ReadonlySet<string> = new Set([
  'process_cpu_user_seconds_total',
  'process_cpu_system_seconds_total',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_heap_bytes',
  'process_open_fds',
  'process_max_fds',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_gc_duration_seconds_bucket',
  'nodejs_gc_duration_seconds_count',
  'nodejs_gc_duration_seconds_sum',
]);

/** Exporters deployed by kube-prometheus-stack, the blackbox exporter and Fluent Bit. */
export const EXPORTER_METRICS: Readonly<Record<string, readonly string[]>> = {
  'kube-state-metrics': [
    'kube_pod_container_status_waiting_reason',
    'kube_pod_container_status_last_terminated_reason',
    'kube_pod_container_status_restarts_total',
    'kube_pod_container_resource_limits',
    'kube_pod_status_ready',
    'kube_horizontalpodautoscaler_status_current_replicas',
    'kube_horizontalpodautoscaler_spec_max_replicas',
  ],
  'kubelet/cAdvisor': ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'],
  'blackbox-exporter': [
    'probe_success',
    'probe_duration_seconds',
    'probe_http_duration_seconds',
    'probe_ssl_earliest_cert_expiry',
  ],
  'fluent-bit': ['fluentbit_output_errors_total', 'fluentbit_output_retries_failed_total'],
};

export const EXPORTED_BY_OTHERS: ReadonlySet<string> = new Set(Object.values(EXPORTER_METRICS).flat());

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * Metric names a PromQL expression selects. Strings, label matchers, ranges, grouping clauses and
 * Grafana variables are removed first; what remains and is not a function call or keyword is a
 * metric name.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\$\{[^}]*\}|\$\w+/g, '')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => !m[2] && !KEYWORDS.has(m[1] ?? ''))
    .map((m) => m[1] ?? '');
  return [...new Set(names)];
}
