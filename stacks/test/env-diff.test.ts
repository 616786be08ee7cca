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
  platform: [
    /^resource\.aws_secretsmanager_secret\.[\w-]+\.recovery_window_in_days$/,
    // Values are one YAML string per release; which keys differ is asserted in platform.test.ts
    // (replicas, retention, volume size, Fluent Bit buffer, collector replicas and baseline share).
    /^resource\.helm_release\.(blackbox-exporter|chaos-mesh|fluent-bit|kube-prometheus-stack|metrics-server|otel-collector)_release_\w+\.values\.0$/,
    /^resource\.kubernetes_storage_class_v1\.gp3\.reclaim_policy$/, // prod keeps volumes
  ],
  app: [
    // Chaos drills may hit dev's namespace only (AppConfig.chaosInjection).
    /^resource\.kubernetes_namespace_v1\.app-namespace\.metadata\.annotations\.chaos-mesh\.org\/inject$/,
    // Each environment's reviewed chart values file (values-dev.yaml / values-prod.yaml).
    /^resource\.helm_release\.release\.values\.0$/,
    // The stack's values: ingress.https (HTTP without an edge domain) and api.tracing.sampleRatio
    // (AppConfig.tracingSampleRatio), asserted in app.test.ts.
    /^resource\.helm_release\.release\.values\.1$/,
  ],
  resilience: [
    /^resource\.aws_fis_experiment_template\.rds-failover\.(description|action\.0\.parameter\.0\.value)$/, // forced failover needs prod's Multi-AZ standby
  ],
  edge: [
    // prod has a domain: certificates, Route 53 records, TLS 1.2 viewer policy, HTTPS to the origin.
    /^data\.aws_route53_zone\.zone\./,
    /^resource\.aws_acm_certificate(_validation)?\.(viewer|alb)-certificate(-validation)?\./,
    /^resource\.aws_route53_record\.[\w-]+\./,
    /^resource\.aws_cloudfront_distribution\.distribution\.(aliases\.0|viewer_certificate\.\w+|origin\.1\.(domain_name|custom_origin_config\.origin_protocol_policy))$/,
    /^data\.aws_cloudfront_origin_request_policy\.api-forward\.name$/, // the Host is forwarded with a domain
    /^resource\.aws_vpc_security_group_ingress_rule\.alb-from-cloudfront\.(from|to)_port$/, // 443 vs 80
    /^output\.(alb_certificate_arn|alb_host_header|alb_origin_domain|public_url|waf_web_acl_arn)\.value$/,
    /^resource\.aws_wafv2_web_acl\.waf\./, // WAF in prod only
    /^resource\.aws_cloudfront_distribution\.distribution\.web_acl_id$/,
    /^resource\.aws_s3_bucket_lifecycle_configuration\.logs_lifecycle_\w+\.rule\.0\.expiration\.0\.days$/,
  ],
  alerting: [
    /^resource\.aws_cloudwatch_metric_alarm\.cache-(cpu-high|memory-high|evictions)\.metric_query\./, // the prod replica
    /^resource\.aws_cloudwatch_metric_alarm\.rds-(connections-high|free-storage-low)\.(alarm_description|threshold)$/,
    /^resource\.aws_xray_sampling_rule\.xray_api-sampling_\w+\.fixed_rate$/, // the API's head-sampling ratio
  ],
  audit: [
    /^resource\.aws_s3_bucket_lifecycle_configuration\.trail-bucket_lifecycle_\w+\.rule\.0\.expiration\.0\.days$/,
    /^resource\.aws_cloudwatch_log_group\.[\w-]+\.retention_in_days$/,
    // AWS Config: dev records the rules' types only, prod every type; snapshots kept as long as trails.
    /^resource\.aws_config_configuration_recorder\.config_recorder_\w+\.recording_group\./,
    /^resource\.aws_s3_bucket_lifecycle_configuration\.config_bucket_lifecycle_\w+\.rule\.0\.expiration\.0\.days$/,
    // The night scale-down exists in dev only.
    /^(data\.aws_iam_policy_document|resource\.aws_iam_role|resource\.aws_iam_role_policy|resource\.aws_scheduler_schedule|resource\.aws_scheduler_schedule_group)\.scale-down_/,
  ],
  'app-alarms': [
    /^resource\.aws_cloudwatch_dashboard\.dashboard\.dashboard_body$/, // Redis widgets per node
    // The canary: every 5 minutes in prod, 15 in dev (so the alarm's period), artifacts kept 30 vs 7 days.
    /^resource\.aws_synthetics_canary\.journey\.(schedule\.expression|(success|failure)_retention_period)$/,
    /^resource\.aws_cloudwatch_metric_alarm\.canary-journey-failing\.period$/,
    /^resource\.aws_s3_bucket_lifecycle_configuration\.canary_artifacts_lifecycle_\w+\.rule\.0\.expiration\.0\.days$/,
    /^resource\.aws_secretsmanager_secret_version\.canary_user_version_\w+\.secret_string$/, // the canary username
  ],
};

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

describe('dev differs from prod where it should, and only there', () => {
  // Every stack that is built, in apply order (a stack of STACK_ORDER arrives with its own branch).
  const built = () => STACK_ORDER.filter((s) => files.has(`dev-${s}`));

  it('has an allow-list for every built stack', () => {
    expect(built().filter((s) => !(s in EXPECTED))).toEqual([]);
  });

  it.each([...STACK_ORDER].filter((s) => s in EXPECTED))('%s', (stack) => {
    const diff = differingPaths(files.get(`dev-${stack}`)!.text, files.get(`prod-${stack}`)!.text);
    const expected = EXPECTED[stack]!;
    expect(diff.filter((p) => !expected.some((re) => re.test(p)))).toEqual([]);
    const unused = expected.filter((re) => !diff.some((p) => re.test(p)));
    expect(unused.map(String)).toEqual([]);
  });
});
