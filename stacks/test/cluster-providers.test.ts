import { TerraformStack, Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ClusterProviders } from '../constructs/cluster-providers';

interface ProviderJson {
  host: string;
  cluster_ca_certificate: string;
  exec:
    | { api_version: string; command: string; args: string[] }
    | { api_version: string; command: string; args: string[] }[];
  token?: string;
}

interface Synthesized {
  provider: { helm: { kubernetes: ProviderJson }[]; kubernetes: ProviderJson[] };
  data: { aws_eks_cluster?: Record<string, { name: string }> };
  resource?: Record<string, unknown>;
}

function synthProviders(): { doc: Synthesized; json: string } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'probe');
  new ClusterProviders(stack, 'k8s', { clusterName: 'taskboard-dev', region: 'eu-west-1' });
  const json = Testing.synth(stack);
  return { doc: JSON.parse(json) as Synthesized, json };
}

describe('ClusterProviders', () => {
  const { doc, json } = synthProviders();
  const helm = doc.provider.helm[0]!;
  const kubernetes = doc.provider.kubernetes[0]!;

  it('reads endpoint and CA from a data source looked up by name (no cluster resource: no two-phase apply)', () => {
    expect(doc.data.aws_eks_cluster).toBeDefined();
    expect(Object.values(doc.data.aws_eks_cluster ?? {})[0]?.name).toBe('taskboard-dev');
    expect(doc.resource?.aws_eks_cluster).toBeUndefined();
    for (const p of [helm.kubernetes, kubernetes]) {
      expect(p.host).toMatch(/data\.aws_eks_cluster\..+\.endpoint/);
      expect(p.cluster_ca_certificate).toMatch(/base64decode\(data\.aws_eks_cluster\./);
    }
  });

  it('authenticates with a fresh `aws eks get-token` per call, never a stored token', () => {
    const execs = [helm.kubernetes.exec, kubernetes.exec].map((e) => (Array.isArray(e) ? e[0]! : e));
    for (const exec of execs) {
      expect(exec.command).toBe('aws');
      expect(exec.args).toEqual([
        'eks',
        'get-token',
        '--cluster-name',
        'taskboard-dev',
        '--region',
        'eu-west-1',
      ]);
      expect(exec.api_version).toBe('client.authentication.k8s.io/v1beta1');
    }
    expect(json).not.toContain('aws_eks_cluster_auth');
    expect(helm.kubernetes.token).toBeUndefined();
    expect(kubernetes.token).toBeUndefined();
  });
});
