// The app release every experiment targets, named once. The values mirror what helm/taskboard
// renders for `helm install taskboard helm/taskboard -n taskboard`; test/selectors.test.ts renders
// the chart and fails when they drift apart.

export const RELEASE = {
  name: 'taskboard',
  namespace: 'taskboard',
  /** The chart name (`app.kubernetes.io/name`), from helm/taskboard/Chart.yaml. */
  chart: 'taskboard',
  /** The API component and its container, as deployment-api.yaml names them. */
  apiComponent: 'api',
  apiContainer: 'api',
} as const;

/** The chart's selector labels of the API pods (templates/_helpers.tpl "taskboard.selectorLabels"). */
export function apiPodLabels(): Record<string, string> {
  return {
    'app.kubernetes.io/name': RELEASE.chart,
    'app.kubernetes.io/instance': RELEASE.name,
    'app.kubernetes.io/component': RELEASE.apiComponent,
  };
}

/** Chaos Mesh's PodSelectorSpec for the API pods of the release, and nothing else. */
export interface ChaosSelector {
  namespaces: string[];
  labelSelectors: Record<string, string>;
}

export function apiSelector(): ChaosSelector {
  return { namespaces: [RELEASE.namespace], labelSelectors: apiPodLabels() };
}

/** Where kube-prometheus-stack's Prometheus answers (platform stack: release kube-prometheus-stack). */
export const PROMETHEUS = {
  namespace: 'monitoring',
  service: 'kube-prometheus-stack-prometheus',
  port: 9090,
} as const;
