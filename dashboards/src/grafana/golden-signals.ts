import { METRICS, SLOS } from '@taskboard/contracts';
import { SYMPTOM_THRESHOLDS } from '../alerts/symptoms';
import { HTTP_DURATION_BUCKET, HTTP_REQUESTS_TOTAL, orZero, SERVER_ERROR, USER_TRAFFIC } from '../promql';
import { dashboard, POD_FILTER, q, row, stat, timeseries } from './kit';

const USER = `${USER_TRAFFIC},${POD_FILTER}`;
const RATE = '$__rate_interval';
const requests = (extra = '') => `sum(rate(${HTTP_REQUESTS_TOTAL}{${USER}${extra}}[${RATE}]))`;
const quantile = (phi: number, by = '') =>
  `histogram_quantile(${phi}, sum by (le${by}) (rate(${HTTP_DURATION_BUCKET}{${USER}}[${RATE}])))`;
/** Latency queries show exemplars: sampled requests' trace ids, one click from the trace. */
const TRACED = { exemplar: true };
const CONTAINER = 'namespace=~"$namespace",pod=~"$pod",container!="",container!="POD"';

export function goldenSignals() {
  const threshold = SLOS.apiLatency.thresholdSeconds;
  return dashboard(
    'taskboard-golden-signals',
    'Taskboard / Golden signals',
    'Traffic, errors, latency and saturation of the API (user routes only: health and metrics excluded).',
  )
    .withRow(row('Traffic'))
    .withPanel(
      timeseries(
        'Requests per second by route',
        [q(`sum by (route) (rate(${HTTP_REQUESTS_TOTAL}{${USER}}[${RATE}]))`, '{{route}}')],
        { unit: 'reqps' },
      ),
    )
    .withPanel(
      timeseries(
        'Requests per second by status code',
        [q(`sum by (status_code) (rate(${HTTP_REQUESTS_TOTAL}{${USER}}[${RATE}]))`, '{{status_code}}')],
        { unit: 'reqps' },
      ),
    )
    .withRow(row('Errors'))
    .withPanel(
      timeseries(
        'Share of requests answered with a 5xx',
        [q(`${orZero(requests(`,${SERVER_ERROR}`))} / ${requests()}`, '5xx ratio')],
        {
          unit: 'percentunit',
          min: 0,
          lines: [SYMPTOM_THRESHOLDS.serverErrorRatio],
          description: 'The dashed line is the ApiHighErrorRate alert threshold.',
        },
      ),
    )
    .withPanel(
      timeseries(
        'Errors per second by route and status (4xx, 5xx)',
        [
          q(
            `sum by (route, status_code) (rate(${HTTP_REQUESTS_TOTAL}{${USER},status_code=~"4..|5.."}[${RATE}]))`,
            '{{status_code}} {{route}}',
          ),
        ],
        { unit: 'reqps' },
      ),
    )
    .withRow(row('Latency'))
    .withPanel(
      timeseries(
        'Latency percentiles',
        [q(quantile(0.5), 'p50', TRACED), q(quantile(0.9), 'p90', TRACED), q(quantile(0.99), 'p99', TRACED)],
        {
          unit: 's',
          lines: [threshold],
          description:
            'From the request duration histogram; the dashed line is the latency SLO threshold. Exemplar dots open their trace in X-Ray.',
        },
      ),
    )
    .withPanel(
      timeseries('p95 latency by route', [q(quantile(0.95, ', route'), '{{route}}', TRACED)], {
        unit: 's',
        lines: [threshold],
      }),
    )
    .withRow(row('Saturation'))
    .withPanel(
      timeseries(
        'CPU used by the API process',
        [q(`sum by (pod) (rate(process_cpu_seconds_total{${POD_FILTER}}[${RATE}]))`, '{{pod}}')],
        { unit: 'short', width: 8, description: 'Cores. Node.js runs JavaScript on one of them.' },
      ),
    )
    .withPanel(
      timeseries(
        'Memory',
        [
          q(`sum by (pod) (process_resident_memory_bytes{${POD_FILTER}})`, 'resident {{pod}}'),
          q(`sum by (pod) (nodejs_heap_size_used_bytes{${POD_FILTER}})`, 'heap used {{pod}}'),
        ],
        { unit: 'bytes', width: 8 },
      ),
    )
    .withPanel(
      timeseries(
        'Event-loop lag (p99)',
        [q(`max by (pod) (nodejs_eventloop_lag_p99_seconds{${POD_FILTER}})`, '{{pod}}')],
        {
          unit: 's',
          width: 8,
        },
      ),
    )
    .withPanel(
      timeseries(
        'Requests in flight',
        [q(`sum by (pod) (${METRICS.httpRequestsInFlight.name}{${POD_FILTER}})`, '{{pod}}')],
        {
          width: 8,
        },
      ),
    )
    .withPanel(
      timeseries(
        'Database pool',
        [
          q(`sum by (state) (${METRICS.dbPoolConnections.name}{${POD_FILTER}})`, '{{state}}'),
          q(`sum(${METRICS.dbPoolMax.name}{${POD_FILTER}})`, 'max'),
        ],
        {
          width: 8,
          description: 'Connections by state; waiting clients mean requests queue for a connection.',
        },
      ),
    )
    .withPanel(
      stat('Pods serving', [q(`count(count by (pod) (${HTTP_REQUESTS_TOTAL}{${POD_FILTER}}))`, 'pods')], {
        width: 8,
      }),
    )
    .withPanel(
      timeseries(
        'CPU as a share of the limit',
        [
          q(
            `sum by (pod) (rate(container_cpu_usage_seconds_total{${CONTAINER}}[${RATE}])) / sum by (pod) (kube_pod_container_resource_limits{namespace=~"$namespace",pod=~"$pod",resource="cpu"})`,
            '{{pod}}',
          ),
        ],
        {
          unit: 'percentunit',
          lines: [SYMPTOM_THRESHOLDS.cpuOfLimit],
          description: 'cAdvisor and kube-state-metrics; in-cluster only.',
        },
      ),
    )
    .withPanel(
      timeseries(
        'Memory as a share of the limit',
        [
          q(
            `sum by (pod) (container_memory_working_set_bytes{${CONTAINER}}) / sum by (pod) (kube_pod_container_resource_limits{namespace=~"$namespace",pod=~"$pod",resource="memory"})`,
            '{{pod}}',
          ),
        ],
        {
          unit: 'percentunit',
          lines: [SYMPTOM_THRESHOLDS.memoryOfLimit],
          description: 'cAdvisor and kube-state-metrics; in-cluster only.',
        },
      ),
    )
    .build();
}
