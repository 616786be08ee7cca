import type { ServiceAccountValues } from './k8s-types';
import { irsaAnnotations } from './names';

export interface ClusterAutoscalerInputs {
  clusterName: string;
  region: string;
  serviceAccount: { name: string };
  roleArn: string;
}

export interface ClusterAutoscalerValues {
  cloudProvider: 'aws';
  awsRegion: string;
  autoDiscovery: { clusterName: string };
  rbac: { serviceAccount: ServiceAccountValues };
  extraArgs: {
    'balance-similar-node-groups': true;
    expander: 'least-waste';
    'skip-nodes-with-local-storage': false;
  };
  serviceMonitor: { enabled: true };
}

/**
 * Cluster Autoscaler rather than Karpenter: our capacity is two EKS managed node groups (an
 * on-demand base and, in dev, spot), which the autoscaler resizes in place. Auto-discovery
 * finds the groups by the tags EKS puts on every managed node group's Auto Scaling group,
 * `k8s.io/cluster-autoscaler/enabled` and `k8s.io/cluster-autoscaler/<cluster>` (the chart's
 * default autoDiscovery.tags); its IAM policy may resize only groups carrying the second one.
 */
export function clusterAutoscalerValues(i: ClusterAutoscalerInputs): ClusterAutoscalerValues {
  return {
    cloudProvider: 'aws',
    awsRegion: i.region,
    autoDiscovery: { clusterName: i.clusterName },
    rbac: {
      serviceAccount: { create: true, name: i.serviceAccount.name, annotations: irsaAnnotations(i.roleArn) },
    },
    extraArgs: {
      // Spread scale-ups across the per-AZ groups instead of filling one zone.
      'balance-similar-node-groups': true,
      // Pick the group that leaves the least CPU/memory idle after the pending pods fit.
      expander: 'least-waste',
      // emptyDir scratch space (the API's /tmp) must not pin a node forever.
      'skip-nodes-with-local-storage': false,
    },
    serviceMonitor: { enabled: true },
  };
}
