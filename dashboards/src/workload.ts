/**
 * How the app's Kubernetes objects are named: the Helm chart (built later) must name its
 * Deployment, HPA and pods `taskboard-*` so these selectors and the dashboard variables match.
 */
export const WORKLOAD_PREFIX = 'taskboard-';
export const APP_POD_SELECTOR = `pod=~"${WORKLOAD_PREFIX}.+"`;
export const APP_CONTAINER_SELECTOR = `${APP_POD_SELECTOR},container!="",container!="POD"`;
export const APP_HPA_SELECTOR = `horizontalpodautoscaler=~"${WORKLOAD_PREFIX}.+"`;
