import { SLOS } from '@taskboard/contracts';
import type { ResourceRequirements, ServiceAccountValues } from './k8s-types';
import { irsaAnnotations, OTEL_COLLECTOR } from './names';

/**
 * The AWS Distro for OpenTelemetry collector image (same pipeline components as upstream plus
 * the awsxray exporter). v0.45.0 is built on collector v0.131.0; its binary is /awscollector.
 */
export const ADOT_IMAGE = {
  repository: 'public.ecr.aws/aws-observability/aws-otel-collector',
  tag: 'v0.45.0',
  command: 'awscollector',
} as const;

/** Traces slower than the latency SLO's threshold are always kept (contracts' SLO catalogue). */
export const SLOW_TRACE_THRESHOLD_MS = Math.round(SLOS.apiLatency.thresholdSeconds * 1000);

/** Seconds the sampler waits after a trace's first span before deciding (spans arrive late). */
const DECISION_WAIT_SECONDS = 10;

export interface OtelCollectorInputs {
  replicas: number;
  region: string;
  roleArn: string;
  /** Share (percent) of the traces that are neither errors nor slow kept as a baseline. */
  baselinePercent: number;
  /** Log group of the API's lines: X-Ray shows it beside each trace (awsxray aws_log_groups). */
  appLogGroup: string;
}

type Pipeline = { receivers: string[]; processors: string[]; exporters: string[] };

type SamplingPolicy =
  | { name: string; type: 'status_code'; status_code: { status_codes: ['ERROR'] } }
  | { name: string; type: 'latency'; latency: { threshold_ms: number } }
  | { name: string; type: 'probabilistic'; probabilistic: { sampling_percentage: number } };

/** The collector's own configuration, merged by the chart over its defaults (null removes one). */
export interface CollectorConfig {
  receivers: {
    /** The chart's default otlp receiver (grpc 4317, http 4318 on the pod IP) stays as it is. */
    'otlp/sampling': { protocols: { grpc: { endpoint: string } } };
    jaeger: null;
    zipkin: null;
    prometheus: null;
  };
  processors: {
    tail_sampling: {
      decision_wait: string;
      num_traces: number;
      expected_new_traces_per_sec: number;
      policies: SamplingPolicy[];
    };
    batch: { send_batch_size: number; timeout: string };
  };
  exporters: {
    debug: null;
    /** No routing_key: the exporter's default for traces is the trace id, which tail sampling needs. */
    loadbalancing: {
      protocol: { otlp: { tls: { insecure: true }; timeout: string } };
      resolver: { dns: { hostname: string; port: string } };
    };
    awsxray: { region: string; aws_log_groups: string[]; indexed_attributes: string[] };
  };
  service: {
    pipelines: { traces: Pipeline; 'traces/sampling': Pipeline; logs: null; metrics: null };
  };
}

interface PortToggle {
  enabled: boolean;
}

export interface OtelCollectorValues {
  mode: 'deployment';
  fullnameOverride: string;
  replicaCount: number;
  image: { repository: string; tag: string };
  command: { name: string };
  /** The chart's component renames target newer upstream builds than ADOT ships. */
  rewriteDeprecatedComponentNames: false;
  serviceAccount: ServiceAccountValues;
  resources: ResourceRequirements;
  ports: Record<'jaeger-compact' | 'jaeger-thrift' | 'jaeger-grpc' | 'zipkin' | 'metrics', PortToggle>;
  serviceMonitor: { enabled: true };
  podDisruptionBudget: { enabled: boolean; minAvailable?: number };
  config: CollectorConfig;
  extraManifests: HeadlessService[];
}

interface HeadlessService {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: { name: string };
  spec: {
    clusterIP: 'None';
    /** Pods resolve before they are ready: a replica starting up still receives its traces. */
    publishNotReadyAddresses: true;
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: number; protocol: 'TCP' }[];
  };
}

/**
 * Tail sampling needs every span of a trace on the same replica. The collector therefore runs
 * two pipelines in one Deployment: `traces` receives OTLP from the app and only forwards each
 * span, by trace id, to one replica (loadbalancing exporter over the headless Service of the same
 * pods); `traces/sampling` on that replica waits DECISION_WAIT_SECONDS, keeps every error, every
 * trace slower than the SLO threshold and a baseline share, and exports to X-Ray. One replica (dev)
 * runs the same path; with two (prod) a rollout re-hashes traces in flight: those few are cut.
 */
export function collectorConfig(i: OtelCollectorInputs): CollectorConfig {
  const c = OTEL_COLLECTOR;
  return {
    receivers: {
      'otlp/sampling': { protocols: { grpc: { endpoint: `0.0.0.0:${c.ports.sampling}` } } },
      jaeger: null,
      zipkin: null,
      // The collector's own metrics are scraped by the ServiceMonitor; no self-scrape pipeline.
      prometheus: null,
    },
    processors: {
      tail_sampling: {
        decision_wait: `${DECISION_WAIT_SECONDS}s`,
        // Traces held while waiting: ~decision_wait x new traces per second, with headroom.
        num_traces: 50_000,
        expected_new_traces_per_sec: 500,
        policies: [
          { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
          { name: 'slower-than-slo', type: 'latency', latency: { threshold_ms: SLOW_TRACE_THRESHOLD_MS } },
          {
            name: 'baseline',
            type: 'probabilistic',
            probabilistic: { sampling_percentage: i.baselinePercent },
          },
        ],
      },
      batch: { send_batch_size: 256, timeout: '5s' },
    },
    exporters: {
      debug: null,
      loadbalancing: {
        protocol: { otlp: { tls: { insecure: true }, timeout: '2s' } },
        resolver: {
          dns: {
            hostname: `${c.samplingService}.${c.namespace}.svc.cluster.local`,
            port: String(c.ports.sampling),
          },
        },
      },
      awsxray: {
        region: i.region,
        aws_log_groups: [i.appLogGroup],
        // Searchable in X-Ray filter expressions (annotation.http_route = "/api/tasks").
        indexed_attributes: ['http.route', 'http.response.status_code'],
      },
    },
    service: {
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter'], exporters: ['loadbalancing'] },
        'traces/sampling': {
          receivers: ['otlp/sampling'],
          processors: ['memory_limiter', 'tail_sampling', 'batch'],
          exporters: ['awsxray'],
        },
        logs: null,
        metrics: null,
      },
    },
  };
}

export function otelCollectorValues(i: OtelCollectorInputs): OtelCollectorValues {
  const c = OTEL_COLLECTOR;
  return {
    mode: 'deployment',
    fullnameOverride: c.release,
    replicaCount: i.replicas,
    image: { repository: ADOT_IMAGE.repository, tag: ADOT_IMAGE.tag },
    command: { name: ADOT_IMAGE.command },
    rewriteDeprecatedComponentNames: false,
    serviceAccount: { create: true, name: c.serviceAccount, annotations: irsaAnnotations(i.roleArn) },
    // memory_limiter (chart default: 80 % of the limit) refuses data before the pod is OOM-killed.
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    ports: {
      'jaeger-compact': { enabled: false },
      'jaeger-thrift': { enabled: false },
      'jaeger-grpc': { enabled: false },
      zipkin: { enabled: false },
      metrics: { enabled: true },
    },
    serviceMonitor: { enabled: true },
    podDisruptionBudget: i.replicas > 1 ? { enabled: true, minAvailable: 1 } : { enabled: false },
    config: collectorConfig(i),
    extraManifests: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: c.samplingService },
        spec: {
          clusterIP: 'None',
          publishNotReadyAddresses: true,
          // The chart's selector labels of a deployment-mode collector.
          selector: {
            'app.kubernetes.io/name': 'opentelemetry-collector',
            'app.kubernetes.io/instance': c.release,
            component: 'standalone-collector',
          },
          ports: [
            { name: 'otlp-sampling', port: c.ports.sampling, targetPort: c.ports.sampling, protocol: 'TCP' },
          ],
        },
      },
    ],
  };
}
