export interface MetricsServerValues {
  replicas: number;
  podDisruptionBudget: { enabled: boolean; maxUnavailable: 1 };
}

/** The resource metrics API the app's HorizontalPodAutoscalers read (EKS does not ship it). */
export function metricsServerValues(highlyAvailable: boolean): MetricsServerValues {
  return {
    replicas: highlyAvailable ? 2 : 1,
    podDisruptionBudget: { enabled: highlyAvailable, maxUnavailable: 1 },
  };
}
