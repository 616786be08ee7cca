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
const release = (d: TfDocument, name: string): Block =>
  Object.values(d.resource?.helm_release ?? {}).find((r) => r.name === name)!;

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
  // Helm releases and cluster providers (stacks/policy/helm-rules.ts).
  'HELM-PINNED-VERSION': {
    stack: 'dev-platform',
    breakIt: (d) => {
      delete release(d, 'kube-prometheus-stack').version;
    },
  },
  'HELM-ATOMIC': {
    stack: 'prod-platform',
    breakIt: (d) => {
      release(d, 'fluent-bit').atomic = false;
    },
  },
  'HELM-TIMEOUT': {
    stack: 'dev-platform',
    breakIt: (d) => {
      delete release(d, 'kube-prometheus-stack').timeout;
    },
  },
  'HELM-MAX-HISTORY': {
    stack: 'prod-platform',
    breakIt: (d) => {
      delete release(d, 'external-secrets').max_history;
    },
  },
  'HELM-NO-PLAIN-SECRETS': {
    stack: 'dev-platform',
    breakIt: (d) => {
      const kps = release(d, 'kube-prometheus-stack');
      kps.values = [`${(kps.values as string[])[0]}extra:\n  grafana:\n    adminPassword: hunter2hunter2\n`];
    },
  },
  'XRAY-WRITER-ONLY': {
    stack: 'prod-platform',
    // The collector's role gains a second service's actions in the same statement.
    breakIt: (d) => {
      const perms = firstData(d, 'aws_iam_policy_document', 'otel-collector-xray_role_permissions');
      (only(perms.statement).actions as string[]).push('s3:GetObject');
    },
  },
  'K8S-EXEC-AUTH': {
    stack: 'prod-platform',
    breakIt: (d) => {
      only(d.provider?.kubernetes).token = ref('data.aws_eks_cluster_auth.cluster.token');
    },
  },
  'SYNTHETICS-CANARY-WATCHED': {
    stack: 'prod-app-alarms',
    breakIt: (d) => {
      delete first(d, 'aws_synthetics_canary').artifact_config;
    },
  },
  'FIS-STOP-CONDITION': {
    stack: 'prod-resilience',
    breakIt: (d) => {
      first(d, 'aws_fis_experiment_template').stop_condition = [{ source: 'none' }];
    },
  },
  'FIS-ASSERTS-ALARM': {
    stack: 'dev-resilience',
    // Asserting the stop alarm itself proves nothing the stop condition does not already.
    breakIt: (d) => {
      const t = first(d, 'aws_fis_experiment_template');
      const assert = (t.action as Block[]).find((a) => a.action_id === 'aws:cloudwatch:assert-alarm-state')!;
      (assert.parameter as Block[]).find((p) => p.key === 'alarmArns')!.value = only(t.stop_condition).value!;
    },
  },
  'FIS-TARGETS-SCOPED': {
    stack: 'prod-resilience',
    breakIt: (d) => {
      const target = only(
        Object.values(d.resource?.aws_fis_experiment_template ?? {}).find((t) =>
          JSON.stringify(t).includes('aws:ec2:instance'),
        )!.target,
      );
      delete target.resource_tag;
    },
  },
  'CLOUDFRONT-S3-OAC': {
    stack: 'dev-edge',
    breakIt: (d) => {
      const s3 = (first(d, 'aws_cloudfront_distribution').origin as Block[])[0]!;
      delete s3.origin_access_control_id;
      s3.s3_origin_config = { origin_access_identity: 'origin-access-identity/cloudfront/E1' };
    },
  },
  'S3-NO-PUBLIC-GRANT': {
    stack: 'prod-edge',
    breakIt: (d) => {
      const spa = firstData(d, 'aws_iam_policy_document', 'spa_policy-doc');
      const grant = (spa.statement as Block[]).find((s) => s.sid === 'CloudFrontReadsThroughOac')!;
      grant.principals = [{ type: 'AWS', identifiers: ['*'] }];
    },
  },
  'CLOUDFRONT-HTTPS-ONLY': {
    stack: 'prod-edge',
    breakIt: (d) => {
      const api = (first(d, 'aws_cloudfront_distribution').ordered_cache_behavior as Block[]).find(
        (b) => b.path_pattern === '/api/*',
      )!;
      api.viewer_protocol_policy = 'allow-all';
    },
  },
  'CLOUDFRONT-TLS-MINIMUM': {
    stack: 'prod-edge',
    breakIt: (d) => {
      only(first(d, 'aws_cloudfront_distribution').viewer_certificate).minimum_protocol_version =
        'TLSv1_2016';
    },
  },
  'ALARM-ACTION-AND-MISSING-DATA': {
    stack: 'prod-app-alarms',
    breakIt: (d) => {
      delete first(d, 'aws_cloudwatch_metric_alarm').treat_missing_data;
    },
  },
  'SNS-ENCRYPTION': {
    stack: 'dev-alerting',
    breakIt: (d) => {
      delete first(d, 'aws_sns_topic').kms_master_key_id;
    },
  },
  'CLOUDTRAIL-VALIDATION': {
    stack: 'prod-audit',
    breakIt: (d) => {
      first(d, 'aws_cloudtrail').enable_log_file_validation = false;
    },
  },
  'CONFIG-RULES-MATCH-POLICY': {
    stack: 'dev-audit',
    // Someone drops the root-MFA rule: the account setting nobody else watches.
    breakIt: (d) => {
      const rules = d.resource?.aws_config_config_rule ?? {};
      const name = Object.keys(rules).find((n) => n.includes('root_account_mfa'))!;
      delete rules[name];
    },
  },
};

const appRelease = (d: TfDocument): Block => first(d, 'helm_release');
const appNamespaceLabels = (d: TfDocument): Block =>
  (first(d, 'kubernetes_namespace_v1').metadata as Block).labels as Block;

Object.assign(BROKEN, {
  'APP-NAMESPACE-READINESS-GATE': {
    stack: 'prod-app',
    breakIt: (d: TfDocument) => {
      delete appNamespaceLabels(d)['elbv2.k8s.aws/pod-readiness-gate-inject'];
    },
  },
  'APP-NAMESPACE-RESTRICTED': {
    stack: 'dev-app',
    breakIt: (d: TfDocument) => {
      appNamespaceLabels(d)['pod-security.kubernetes.io/enforce'] = 'baseline';
    },
  },
  'APP-IMAGE-TAG-VALIDATED': {
    stack: 'prod-app',
    breakIt: (d: TfDocument) => {
      const tag = (appRelease(d).set as Block[]).find((s) => s.name === 'api.image.tag')!;
      tag.value = 'latest';
    },
  },
  'APP-ALB-BEHIND-CLOUDFRONT': {
    stack: 'prod-app',
    breakIt: (d: TfDocument) => {
      const release = appRelease(d);
      release.set_list = (release.set_list as Block[]).filter((s) => s.name !== 'ingress.securityGroups');
    },
  },
  'APP-SECRETS-BY-REFERENCE': {
    stack: 'dev-app',
    breakIt: (d: TfDocument) => {
      appRelease(d).set_sensitive = [{ name: 'secrets.app.jwtSecret', value: 'not-in-state-please' }];
    },
  },
});

describe('app policy rules: more ways to break them', () => {
  const check = (id: string, d: TfDocument) =>
    RULES.find((r) => r.id === id)!.check({ name: 'fixture', doc: d }).findings.length;
  const app = () => structuredClone(files.get('dev-app')!.doc);

  it('a release into a namespace the stack does not create fails the readiness-gate rule', () => {
    const d = app();
    appRelease(d).namespace = 'taskboard';
    expect(check('APP-NAMESPACE-READINESS-GATE', d)).toBe(1);
  });

  it('an unvalidated variable, an untyped tag or a secret name instead of an ARN fail', () => {
    const noValidation = app();
    delete ((noValidation.variable as Block).image_tag as Block).validation;
    expect(check('APP-IMAGE-TAG-VALIDATED', noValidation)).toBe(2);
    const untyped = app();
    for (const s of appRelease(untyped).set as Block[])
      if (String(s.name).endsWith('image.tag')) s.type = 'auto';
    expect(check('APP-IMAGE-TAG-VALIDATED', untyped)).toBe(2);
    const byName = app();
    (appRelease(byName).set as Block[]).find((s) => s.name === 'secrets.app.jwtSigningKeyKey')!.value =
      'taskboard/dev/jwt-signing-key';
    expect(check('APP-SECRETS-BY-REFERENCE', byName)).toBe(1);
  });

  it('an ALB security group typed in by hand instead of read from the edge fails', () => {
    const d = app();
    (appRelease(d).set_list as Block[]).find((s) => s.name === 'ingress.securityGroups')!.value = [
      'sg-0123456789abcdef0',
    ];
    expect(check('APP-ALB-BEHIND-CLOUDFRONT', d)).toBe(1);
  });
});

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

  it('HELM-NO-PLAIN-SECRETS also refuses a secret-looking `set`, and accepts references to Secrets', () => {
    const rule = RULES.find((r) => r.id === 'HELM-NO-PLAIN-SECRETS')!;
    const fixture = (body: Block): TfDocument => ({ resource: { helm_release: { x: body } } });
    const findings = (body: Block) => rule.check({ name: 'fixture', doc: fixture(body) }).findings.length;
    expect(findings({ set: [{ name: 'grafana.adminPassword', value: 'x' }] })).toBe(1);
    expect(findings({ set: [{ name: 'replicaCount', value: '2' }] })).toBe(0);
    expect(
      findings({ values: ['admin:\n  existingSecret: grafana-admin\n  passwordKey: admin-password\n'] }),
    ).toBe(0);
    expect(findings({ values: ['receivers:\n  - slack_configs:\n      - api_url_file: /etc/x\n'] })).toBe(0);
    expect(
      findings({ values: ['receivers:\n  - slack_configs:\n      - api_url: https://hooks.slack.com/x\n'] }),
    ).toBe(1);
  });

  it('GITHUB-DEPLOY-BOUNDED refuses the us-east-1 statement with no, a negated or a second region', () => {
    const rule = RULES.find((r) => r.id === 'GITHUB-DEPLOY-BOUNDED')!;
    const original = files.get('prod-bootstrap')!;
    const findingsWith = (condition: Block[]) => {
      const d = structuredClone(original.doc);
      const doc = firstData(d, 'aws_iam_policy_document', 'github_deploy_permissions');
      const global = (doc.statement as Block[]).find((s) => s.sid === 'TerraformDeployGlobalServices')!;
      global.condition = condition;
      return rule.check({ name: 'prod-bootstrap', doc: d }).findings.length;
    };
    const region = (test: string, values: string[]) => [{ test, variable: 'aws:RequestedRegion', values }];
    expect(findingsWith(region('StringEquals', ['us-east-1']))).toBe(0);
    expect(findingsWith([])).toBeGreaterThan(0);
    expect(findingsWith(region('StringNotEquals', ['us-east-1']))).toBeGreaterThan(0);
    expect(findingsWith(region('StringEquals', ['us-east-1', 'eu-west-1']))).toBeGreaterThan(0);
    expect(findingsWith(region('StringEquals', ['eu-west-1']))).toBeGreaterThan(0);
  });

  it('K8S-EXEC-AUTH refuses an aws_eks_cluster_auth data source anywhere', () => {
    const rule = RULES.find((r) => r.id === 'K8S-EXEC-AUTH')!;
    const doc: TfDocument = { data: { aws_eks_cluster_auth: { cluster: { name: 'taskboard-dev' } } } };
    expect(rule.check({ name: 'fixture', doc }).findings).toHaveLength(1);
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
