import type { EnvConfig } from '../config';
import { clusterName } from '../network';

/**
 * The CloudWatch log groups of the workloads, defined once: the cluster stack creates them (KMS,
 * retention) and lets Fluent Bit write to them, the platform stack's Fluent Bit routes to them,
 * and the alerting stack's metric filters and saved queries read them.
 */
export function workloadLogGroups(env: EnvConfig) {
  const base = `/aws/eks/${clusterName(env)}`;
  return {
    /** Every container's stdout that no more specific route claims. */
    workloads: `${base}/workloads`,
    /** The API's JSON lines (pino): access lines (`msg: "request completed"`) and app logs. */
    app: `${base}/app`,
    /** Fluent Bit's own log: output retries and errors when CloudWatch is unreachable. */
    fluentBit: `${base}/fluent-bit`,
  } as const;
}

export type WorkloadLogGroup = keyof ReturnType<typeof workloadLogGroups>;
