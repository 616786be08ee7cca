// Every third-party chart the platform stack installs, pinned. The versions are the ones whose
// default values are recorded in ../shared/upstream-chart-values/SOURCES.txt; the values-key
// test reads those defaults, so moving a version here without new defaults there fails a test.

export interface ChartSource {
  repository: string;
  version: string;
}

export const CHARTS = {
  'prometheus-operator-crds': {
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '31.0.1',
  },
  'kube-prometheus-stack': {
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '88.5.3',
  },
  'prometheus-blackbox-exporter': {
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '11.17.2',
  },
  'fluent-bit': { repository: 'https://fluent.github.io/helm-charts', version: '0.58.1' },
  'aws-load-balancer-controller': { repository: 'https://aws.github.io/eks-charts', version: '3.5.0' },
  'metrics-server': { repository: 'https://kubernetes-sigs.github.io/metrics-server/', version: '3.13.1' },
  'cluster-autoscaler': { repository: 'https://kubernetes.github.io/autoscaler', version: '9.59.0' },
  'external-secrets': { repository: 'https://charts.external-secrets.io', version: '2.9.0' },
  'chaos-mesh': { repository: 'https://charts.chaos-mesh.org', version: '2.8.3' },
  'opentelemetry-collector': {
    repository: 'https://open-telemetry.github.io/opentelemetry-helm-charts',
    version: '0.170.0',
  },
} as const satisfies Record<string, ChartSource>;

export type ChartName = keyof typeof CHARTS;

/** Subcharts of kube-prometheus-stack whose defaults live in their own files (keys under their name). */
export const SUBCHARTS = {
  'kube-prometheus-stack': {
    grafana: '12.11.1',
    'kube-state-metrics': '8.4.0',
    'prometheus-node-exporter': '4.56.1',
  },
} as const satisfies Partial<Record<ChartName, Record<string, string>>>;

/** Repositories of those subcharts, for `make chart-values` (helm show values of each). */
export const SUBCHART_REPOSITORIES: Record<string, string> = {
  grafana: 'https://grafana-community.github.io/helm-charts',
  'kube-state-metrics': 'https://prometheus-community.github.io/helm-charts',
  'prometheus-node-exporter': 'https://prometheus-community.github.io/helm-charts',
};

/**
 * Our own small chart (ClusterSecretStore + the platform's ExternalSecrets), by path relative to
 * the directory Terraform runs in (cdktf.out/stacks/<env>-platform), like the bootstrap state path.
 */
export const LOCAL_CHARTS = {
  'platform-secrets': '../../../helm/platform-secrets',
} as const;
