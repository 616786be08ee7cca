import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, PUBLIC_ALB_TAG, RULES } from '../policy/rules';
import type { Block, TfDocument } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { ref, synthAll } from './helpers';

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

const first = (d: TfDocument, type: string): Block => Object.values(d.resource?.[type] ?? {})[0]!;
const firstData = (d: TfDocument, type: string, includes: string): Block =>
  Object.entries(d.data?.[type] ?? {}).find(([n]) => n.includes(includes))![1];
const only = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Block;

/**
 * One deliberately broken fixture per rule: a real synthesized stack with one property
 * weakened. Each rule must pass on the original and report a finding on the fixture.
 */
const BROKEN: Record<string, { stack: string; breakIt: (d: TfDocument) => void }> = {
  'S3-ENCRYPTION-KMS': {
    stack: 'dev-bootstrap',
    // The state bucket's (the access-log bucket is SSE-S3 by design, see ACCESS_LOG_BUCKET_TAG).
    breakIt: (d) => {
      only(
        only(d.resource?.aws_s3_bucket_server_side_encryption_configuration?.['state-encryption']?.rule)
          .apply_server_side_encryption_by_default,
      ).sse_algorithm = 'AES256';
    },
  },
  'S3-PUBLIC-ACCESS-BLOCKED': {
    stack: 'prod-bootstrap',
    breakIt: (d) => {
      first(d, 'aws_s3_bucket_public_access_block').restrict_public_buckets = false;
    },
  },
  'S3-TLS-ONLY': {
    stack: 'dev-bootstrap',
    breakIt: (d) => {
      delete d.resource?.aws_s3_bucket_policy;
    },
  },
  'S3-VERSIONING': {
    stack: 'dev-bootstrap',
    breakIt: (d) => {
      first(d, 'aws_s3_bucket_versioning').versioning_configuration = { status: 'Suspended' };
    },
  },
  'RDS-ENCRYPTION': {
    stack: 'prod-data',
    breakIt: (d) => {
      first(d, 'aws_db_instance').storage_encrypted = false;
    },
  },
  'RDS-TLS': {
    stack: 'dev-data',
    breakIt: (d) => {
      const g = first(d, 'aws_db_parameter_group');
      g.parameter = (g.parameter as Block[]).filter((p) => p.name !== 'rds.force_ssl');
    },
  },
  'CACHE-ENCRYPTION': {
    stack: 'prod-data',
    breakIt: (d) => {
      first(d, 'aws_elasticache_replication_group').transit_encryption_enabled = false;
    },
  },
  'EBS-ENCRYPTION': {
    stack: 'dev-cluster',
    breakIt: (d) => {
      only(only(first(d, 'aws_launch_template').block_device_mappings).ebs).encrypted = 'false';
    },
  },
  'LOGS-ENCRYPTION': {
    stack: 'dev-network',
    breakIt: (d) => {
      delete first(d, 'aws_cloudwatch_log_group').kms_key_id;
    },
  },
  'LOGS-RETENTION': {
    stack: 'prod-cluster',
    breakIt: (d) => {
      delete first(d, 'aws_cloudwatch_log_group').retention_in_days;
    },
  },
  'SECRETS-ENCRYPTION': {
    stack: 'dev-data',
    breakIt: (d) => {
      delete first(d, 'aws_secretsmanager_secret').kms_key_id;
    },
  },
  'ECR-HARDENING': {
    stack: 'prod-registry',
    breakIt: (d) => {
      first(d, 'aws_ecr_repository').image_tag_mutability = 'MUTABLE';
    },
  },
  'KMS-ROTATION': {
    stack: 'dev-registry',
    breakIt: (d) => {
      first(d, 'aws_kms_key').enable_key_rotation = false;
    },
  },
  'NO-PUBLIC-INGRESS': {
    stack: 'dev-data',
    breakIt: (d) => {
      const rule = first(d, 'aws_vpc_security_group_ingress_rule');
      delete rule.referenced_security_group_id;
      rule.cidr_ipv4 = '0.0.0.0/0';
    },
  },
  'DEFAULT-SG-CLOSED': {
    stack: 'prod-network',
    breakIt: (d) => {
      first(d, 'aws_default_security_group').egress = [{ protocol: '-1', cidr_blocks: ['0.0.0.0/0'] }];
    },
  },
  'VPC-FLOW-LOGS': {
    stack: 'dev-network',
    breakIt: (d) => {
      first(d, 'aws_flow_log').traffic_type = 'REJECT';
    },
  },
  'EKS-ENDPOINT-RESTRICTED': {
    stack: 'prod-cluster',
    breakIt: (d) => {
      Object.assign(only(first(d, 'aws_eks_cluster').vpc_config), {
        endpoint_public_access: true,
        public_access_cidrs: ['0.0.0.0/0'],
      });
    },
  },
  'EKS-AUDIT-LOGS': {
    stack: 'dev-cluster',
    breakIt: (d) => {
      first(d, 'aws_eks_cluster').enabled_cluster_log_types = ['api', 'audit', 'authenticator'];
    },
  },
  'IMDSV2-REQUIRED': {
    stack: 'prod-cluster',
    breakIt: (d) => {
      only(first(d, 'aws_launch_template').metadata_options).http_tokens = 'optional';
    },
  },
  'PRIVATE-NODES': {
    stack: 'dev-cluster',
    breakIt: (d) => {
      first(d, 'aws_eks_node_group').subnet_ids = ref(
        'data.terraform_remote_state.network.outputs.public_subnet_ids',
      );
    },
  },
  'PRIVATE-DATA': {
    stack: 'prod-data',
    breakIt: (d) => {
      first(d, 'aws_db_instance').publicly_accessible = true;
    },
  },
  BACKUPS: {
    stack: 'prod-data',
    breakIt: (d) => {
      delete first(d, 'aws_elasticache_replication_group').final_snapshot_identifier;
    },
  },
  'PROD-DELETION-PROTECTION': {
    stack: 'prod-data',
    breakIt: (d) => {
      first(d, 'aws_db_instance').skip_final_snapshot = true;
    },
  },
  'STATE-BACKEND-KMS': {
    stack: 'dev-network',
    breakIt: (d) => {
      delete (((d.terraform as Block).backend as Block).s3 as Block).kms_key_id;
    },
  },
  'S3-ACCESS-LOGGING': {
    stack: 'prod-bootstrap',
    breakIt: (d) => {
      delete d.resource?.aws_s3_bucket_logging;
    },
  },
  'RDS-ENGINE-MAJOR-ONLY': {
    stack: 'prod-data',
    breakIt: (d) => {
      first(d, 'aws_db_instance').engine_version = '16.6';
    },
  },
  'EKS-SUPPORTED-VERSION': {
    stack: 'dev-cluster',
    breakIt: (d) => {
      first(d, 'aws_eks_cluster').version = '1.32';
    },
  },
  'EKS-NETWORK-POLICY': {
    stack: 'prod-cluster',
    breakIt: (d) => {
      const cni = Object.values(d.resource?.aws_eks_addon ?? {}).find((a) => a.addon_name === 'vpc-cni')!;
      delete cni.configuration_values;
    },
  },
  'GITHUB-OIDC-TRUST': {
    stack: 'prod-bootstrap',
    // The deploy role trusted for any branch of any repository of the owner.
    breakIt: (d) => {
      const trust = only(firstData(d, 'aws_iam_policy_document', 'github_deploy_trust').statement);
      trust.condition = (trust.condition as Block[]).map((c) =>
        String(c.variable).endsWith(':sub')
          ? { ...c, test: 'StringLike', values: ['repo:taskboard-sre/*'] }
          : c,
      );
    },
  },
  'GITHUB-PLAN-READ-ONLY': {
    stack: 'dev-bootstrap',
    // A pull request's plan role that could overwrite state.
    breakIt: (d) => {
      const doc = firstData(d, 'aws_iam_policy_document', 'github_plan_permissions');
      const read = (doc.statement as Block[]).find((s) => s.sid === 'StateRead')!;
      read.actions = ['s3:GetObject', 's3:PutObject'];
    },
  },
  'GITHUB-DEPLOY-BOUNDED': {
    stack: 'prod-bootstrap',
    // The deploy role that could rewrite IAM at will (and so its own trust).
    breakIt: (d) => {
      const doc = firstData(d, 'aws_iam_policy_document', 'github_deploy_permissions');
      const services = (doc.statement as Block[]).find((s) => s.sid === 'TerraformDeployServices')!;
      services.actions = [...(services.actions as string[]), 'iam:*'];
    },
  },
  'IAM-NO-WILDCARD-ADMIN': {
    stack: 'dev-cluster',
    breakIt: (d) => {
      only(firstData(d, 'aws_iam_policy_document', 'fluent-bit_role_permissions').statement).resources = [
        '*',
      ];
      only(firstData(d, 'aws_iam_policy_document', 'fluent-bit_role_permissions').statement).actions = [
        'logs:*',
      ];
    },
  },
};

describe('security policy suite', () => {
  it('every rule has a unique id and a one-line rationale', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) expect(r.rationale).toMatch(/^[^\n]{20,140}$/);
  });

  it('passes on every synthesized stack of both environments', () => {
    const findings = evaluate([...files.values()]).flatMap((r) => r.findings);
    expect(findings).toEqual([]);
  });

  it('also passes on the Aurora variant and with a public API endpoint restricted to CIDRs', () => {
    const variant = synthAll({
      TASKBOARD_DEV_DB_ENGINE: 'aurora-serverless-v2',
      TASKBOARD_PROD_DB_ENGINE: 'aurora-serverless-v2',
      TASKBOARD_PROD_EKS_PUBLIC_CIDRS: '198.51.100.0/24',
    });
    const results = evaluate([...variant.values()]);
    expect(results.flatMap((r) => r.findings)).toEqual([]);
    // The Aurora-only resources are really examined, not skipped.
    const rdsTls = results.find((r) => r.rule.id === 'RDS-TLS');
    expect(rdsTls?.checked).toBe(2);
  });

  it.each(RULES.map((r) => [r.id, r] as const))(
    '%s examines real resources (cannot pass vacuously)',
    (_id, rule) => {
      const [result] = evaluate([...files.values()], [rule]);
      expect(result?.checked).toBeGreaterThan(0);
    },
  );

  it('is documented: docs/infrastructure.md lists every rule with its rationale', () => {
    const docs = readFileSync(new URL('../../docs/infrastructure.md', import.meta.url), 'utf8');
    for (const r of RULES) expect(docs).toContain(`| \`${r.id}\` | ${r.rationale} |`);
  });

  it('has a broken fixture for every rule, and no fixture for a rule that does not exist', () => {
    expect(Object.keys(BROKEN).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s fails on its deliberately broken fixture', (id, rule) => {
    const fixture = BROKEN[id]!;
    const original = files.get(fixture.stack)!;
    expect(rule.check(original).findings).toEqual([]);
    const broken = structuredClone(original.doc);
    fixture.breakIt(broken);
    const findings = rule.check({ name: fixture.stack, doc: broken }).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.rule === id && f.stack === fixture.stack)).toBe(true);
  });

  it('allows 0.0.0.0/0 only on 80/443 of a security group tagged as the public ALB', () => {
    const alb = (port: number, tagged: boolean): TfDocument => ({
      resource: {
        aws_security_group: { alb: { tags: tagged ? { [PUBLIC_ALB_TAG.key]: PUBLIC_ALB_TAG.value } : {} } },
        aws_vpc_security_group_ingress_rule: {
          web: {
            security_group_id: ref('aws_security_group.alb.id'),
            cidr_ipv4: '0.0.0.0/0',
            from_port: port,
            to_port: port,
          },
        },
      },
    });
    const rule = RULES.find((r) => r.id === 'NO-PUBLIC-INGRESS')!;
    const findings = (d: TfDocument) => rule.check({ name: 'fixture', doc: d }).findings.length;
    expect(findings(alb(443, true))).toBe(0);
    expect(findings(alb(80, true))).toBe(0);
    expect(findings(alb(22, true))).toBe(1);
    expect(findings(alb(443, false))).toBe(1);
  });
});
