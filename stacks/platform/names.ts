// Names the platform stack shares with other stacks and charts. Kept free of construct imports
// so the cluster stack (applied first) can use them without loading the platform stack.
import type { EnvConfig } from '../config';

/** Namespaces of the add-ons; the IRSA service accounts' namespaces come from SERVICE_ACCOUNTS. */
export const NAMESPACES = {
  monitoring: 'monitoring',
  observability: 'observability',
  chaosMesh: 'chaos-mesh',
  kubeSystem: 'kube-system',
} as const;

/** The ClusterSecretStore every ExternalSecret uses (helm/taskboard values: secrets.externalSecrets). */
export const CLUSTER_SECRET_STORE = 'aws-secrets-manager';

/** Kubernetes Secrets the platform builds from Secrets Manager, in the monitoring namespace. */
export const MONITORING_SECRETS = {
  grafanaAdmin: { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
  /** Name and keys are fixed by dashboards/src/alertmanager/config.ts (ALERTMANAGER_SECRET). */
  alertmanagerReceivers: 'alertmanager-receivers',
} as const;

/** Secrets Manager name prefix of the secrets the platform stack owns: `taskboard/dev/platform/`. */
export function platformSecretPrefix(env: EnvConfig): string {
  return `${env.project}/${env.name}/platform/`;
}

/**
 * ARN pattern of those secrets. The cluster stack grants external-secrets read access with it,
 * because it is applied before the platform stack creates them (their ARNs carry a random suffix).
 */
export function platformSecretArnPattern(env: EnvConfig, accountId: string): string {
  return `arn:aws:secretsmanager:${env.region}:${accountId}:secret:${platformSecretPrefix(env)}*`;
}

/** Annotation that binds a Kubernetes service account to an IAM role (IRSA). */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

export function irsaAnnotations(roleArn: string): Record<string, string> {
  return { [IRSA_ANNOTATION]: roleArn };
}

/**
 * The ADOT collector (opentelemetry-collector chart): the release, its Service (fullnameOverride,
 * so the name does not depend on the chart's naming rules), its IRSA service account and ports.
 * The app stack builds the API's OTLP endpoint from these, never from a retyped URL.
 */
export const OTEL_COLLECTOR = {
  release: 'otel-collector',
  namespace: NAMESPACES.observability,
  serviceAccount: 'otel-collector',
  /** Headless Service of the same pods: the loadbalancing exporter resolves every replica from it. */
  samplingService: 'otel-collector-sampling',
  ports: { otlpGrpc: 4317, otlpHttp: 4318, sampling: 4319, metrics: 8888 },
} as const;

/** In-cluster OTLP/HTTP traces URL of the collector (the API's TRACING_OTLP_ENDPOINT). */
export function otelCollectorTracesUrl(): string {
  const c = OTEL_COLLECTOR;
  return `http://${c.release}.${c.namespace}.svc:${c.ports.otlpHttp}/v1/traces`;
}
