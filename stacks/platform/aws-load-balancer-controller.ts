import type { ServiceAccountValues } from './k8s-types';
import { irsaAnnotations } from './names';

export interface LoadBalancerControllerInputs {
  clusterName: string;
  region: string;
  vpcId: string;
  serviceAccount: { name: string };
  roleArn: string;
}

export interface LoadBalancerControllerValues {
  clusterName: string;
  region: string;
  vpcId: string;
  replicaCount: 2;
  serviceAccount: ServiceAccountValues;
  podDisruptionBudget: { maxUnavailable: 1 };
  serviceMonitor: { enabled: true };
}

/**
 * Region and VPC id explicit: pods cannot reach IMDS (hop limit 1 on the nodes), where the
 * controller would otherwise look them up. Two replicas with a PDB: Ingress changes are
 * reconciled while a node drains. Its IAM policy is the upstream one for this chart version
 * (stacks/constructs/irsa-policies.ts, checked by lb-controller-policy.test.ts).
 */
export function loadBalancerControllerValues(i: LoadBalancerControllerInputs): LoadBalancerControllerValues {
  return {
    clusterName: i.clusterName,
    region: i.region,
    vpcId: i.vpcId,
    replicaCount: 2,
    serviceAccount: { create: true, name: i.serviceAccount.name, annotations: irsaAnnotations(i.roleArn) },
    podDisruptionBudget: { maxUnavailable: 1 },
    serviceMonitor: { enabled: true },
  };
}
