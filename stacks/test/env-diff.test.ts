import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_ORDER } from '../config';
import type { Json } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { synthAll } from './helpers';

/** Leaf path -> value, with the environment name replaced so only real differences remain. */
function leaves(text: string): Map<string, string> {
  const normalized = JSON.parse(text.replace(/(?<![a-z])(dev|prod)(?![a-z])/g, 'ENV')) as Json;
  const out = new Map<string, string>();
  const walk = (v: Json, path: string) => {
    if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) walk(child as Json, path ? `${path}.${k}` : k);
    } else {
      out.set(path, JSON.stringify(v));
    }
  };
  walk(normalized, '');
  return out;
}

function differingPaths(a: string, b: string): string[] {
  const [x, y] = [leaves(a), leaves(b)];
  const paths = new Set([...x.keys(), ...y.keys()]);
  return [...paths].filter((p) => x.get(p) !== y.get(p)).sort();
}

/**
 * Everything prod changes relative to dev, per stack, as path patterns. The test fails on a
 * difference not listed here (an accidental env-specific change) and on a listed pattern that
 * no longer matches anything (a sizing decision silently lost).
 */
const EXPECTED: Record<string, RegExp[]> = {
  bootstrap: [
    // The deploy role trusts each environment's own GitHub environment (dev, production).
    /^data\.aws_iam_policy_document\.github_deploy_trust_\w+\.statement\.0\.condition\.1\.values\.0$/,
  ],
  network: [
    /^resource\.aws_(vpc\.vpc|subnet\.(public|private|isolated)-eu-west-1[abc])\.cidr_block$/, // own range per env
    /^resource\.aws_(eip|nat_gateway)\.nat(-eip)?-eu-west-1[bc]\./, // one NAT per AZ in prod
    /^resource\.aws_route\.private-default-eu-west-1[bc]\.nat_gateway_id$/,
    /^resource\.aws_vpc_endpoint\.endpoint-(ecr-api|ecr-dkr|sts|logs)\./, // interface endpoints
    /^resource\.aws_security_group\.endpoints-sg\./,
    /^resource\.aws_vpc_security_group_ingress_rule\.endpoints-https\./,
    /^resource\.aws_cloudwatch_log_group\.flow-logs_group_\w+\.retention_in_days$/,
  ],
  data: [
    /^resource\.aws_db_instance\.postgres\.(instance_class|allocated_storage|max_allocated_storage|multi_az|backup_retention_period|deletion_protection|skip_final_snapshot|final_snapshot_identifier|delete_automated_backups)$/,
    /^resource\.aws_elasticache_replication_group\.redis\.(node_type|num_cache_clusters|automatic_failover_enabled|multi_az_enabled|snapshot_retention_limit|final_snapshot_identifier)$/,
    /^resource\.aws_cloudwatch_log_group\.[\w-]+\.retention_in_days$/,
    /^resource\.aws_secretsmanager_secret\.[\w-]+\.recovery_window_in_days$/,
  ],
  cluster: [
    /^resource\.aws_eks_cluster\.cluster\.deletion_protection$/,
    /^resource\.aws_cloudwatch_log_group\.[\w-]+\.retention_in_days$/,
    /^resource\.aws_eks_node_group\.nodes-on-demand\.(instance_types\.0|scaling_config\.(min|desired|max)_size)$/,
    /^resource\.aws_eks_node_group\.nodes-spot\./, // spot group in dev only
    /^resource\.aws_eks_addon\.addon-(coredns|aws-ebs-csi-driver)\.depends_on\.1$/, // waits for the spot group too
    /^resource\.aws_launch_template\.node-template\.block_device_mappings\.0\.ebs\.volume_size$/,
  ],
  registry: [/^resource\.aws_ecr_lifecycle_policy\.repo-\w+-lifecycle\.policy$/],
};

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

describe('dev differs from prod where it should, and only there', () => {
  it.each([...STACK_ORDER])('%s', (stack) => {
    const diff = differingPaths(files.get(`dev-${stack}`)!.text, files.get(`prod-${stack}`)!.text);
    const expected = EXPECTED[stack]!;
    expect(diff.filter((p) => !expected.some((re) => re.test(p)))).toEqual([]);
    const unused = expected.filter((re) => !diff.some((p) => re.test(p)));
    expect(unused.map(String)).toEqual([]);
  });
});
