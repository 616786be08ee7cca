import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface ClusterProvidersProps {
  /** The cluster stack's `cluster_name` output (a remote-state read, never a resource of this stack). */
  clusterName: string;
  region: string;
}

/**
 * The helm and kubernetes providers of a stack that installs software on the cluster.
 *
 * Two rules from real incidents: the providers are never configured from a cluster resource in
 * the same stack (Terraform cannot plan a provider whose endpoint is unknown: two-phase apply), and
 * they never use `aws_eks_cluster_auth` (its token expires after 15 minutes, mid-apply of a slow
 * chart, and lands in the state). Endpoint and CA come from a data source looked up by name; every
 * API call gets a fresh token from `aws eks get-token`, run on the machine that runs Terraform.
 */
export class ClusterProviders extends Construct {
  readonly cluster: DataAwsEksCluster;
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;

  constructor(scope: Construct, id: string, props: ClusterProvidersProps) {
    super(scope, id);
    this.cluster = new DataAwsEksCluster(this, 'cluster', { name: props.clusterName });
    const host = this.cluster.endpoint;
    const clusterCaCertificate = Fn.base64decode(this.cluster.certificateAuthority.get(0).data);
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', props.clusterName, '--region', props.region],
    };
    this.kubernetes = new KubernetesProvider(this, 'kubernetes', {
      host,
      clusterCaCertificate,
      exec: [exec],
    });
    this.helm = new HelmProvider(this, 'helm', { kubernetes: { host, clusterCaCertificate, exec } });
  }
}
