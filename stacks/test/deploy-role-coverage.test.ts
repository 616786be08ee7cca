import { beforeAll, describe, expect, it } from 'vitest';
import type { Block, TfDocument } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { doc, synthAll } from './helpers';

// Issue #16: `make apply-infra` (deploy.yml) applies every stack but bootstrap with the GitHub
// deploy role. Each resource type Terraform creates there must map to an IAM service prefix the
// role allows in the region the API call goes to; an unmapped type fails, so a new resource type
// forces a decision here and in stacks/constructs/github-oidc.ts.

/** Resource type prefix → IAM service prefixes its create/update/delete calls need (longest prefix wins). */
const SERVICE_OF: [prefix: string, services: string[]][] = [
  ['aws_acm_', ['acm']],
  ['aws_budgets_', ['budgets']],
  ['aws_ce_', ['ce']],
  ['aws_chatbot_', ['chatbot']],
  ['aws_cloudfront_', ['cloudfront']],
  ['aws_cloudtrail', ['cloudtrail']],
  ['aws_cloudwatch_dashboard', ['cloudwatch']],
  ['aws_cloudwatch_event_', ['events']],
  ['aws_cloudwatch_log_', ['logs']],
  ['aws_cloudwatch_metric_alarm', ['cloudwatch']],
  ['aws_cloudwatch_query_definition', ['logs']],
  ['aws_config_', ['config']],
  ['aws_db_', ['rds']],
  ['aws_rds_', ['rds']],
  ['aws_default_security_group', ['ec2']],
  ['aws_ecr_', ['ecr']],
  ['aws_eip', ['ec2']],
  ['aws_eks_', ['eks']],
  ['aws_elasticache_', ['elasticache']],
  ['aws_fis_', ['fis']],
  ['aws_flow_log', ['ec2']],
  ['aws_internet_gateway', ['ec2']],
  ['aws_kms_', ['kms']],
  ['aws_launch_template', ['ec2']],
  ['aws_lb', ['elasticloadbalancing']],
  ['aws_nat_gateway', ['ec2']],
  ['aws_route53_', ['route53']],
  ['aws_route', ['ec2']],
  ['aws_s3_', ['s3']],
  ['aws_scheduler_', ['scheduler']],
  ['aws_secretsmanager_', ['secretsmanager']],
  ['aws_security_group', ['ec2']],
  ['aws_sns_', ['sns']],
  ['aws_subnet', ['ec2']],
  // CreateCanary makes the canary's Lambda function and layer with the caller's rights.
  ['aws_synthetics_', ['synthetics', 'lambda']],
  ['aws_vpc', ['ec2']],
  ['aws_wafv2_', ['wafv2']],
  ['aws_xray_', ['xray']],
  // The cluster providers authenticate with `aws eks get-token` (exec); the API server does the rest.
  ['helm_release', ['eks']],
  ['kubernetes_', ['eks']],
];
/** aws_iam_* is granted by IamForStackRoles (scoped ARNs), not by a service wildcard. */
const IAM_PREFIX = 'aws_iam_';
/** Global services: their API endpoint is in us-east-1, whatever the provider's region. */
const GLOBAL_SERVICES = new Set(['cloudfront', 'route53', 'budgets', 'ce']);
const GLOBAL_REGION = 'us-east-1';

function servicesOf(type: string): string[] | undefined {
  const match = SERVICE_OF.filter(([p]) => type.startsWith(p)).sort((a, b) => b[0].length - a[0].length)[0];
  return match?.[1];
}

/** Region of an aws provider (the default one or `aws.<alias>`) in a synthesized document. */
function providerRegion(d: TfDocument, provider: unknown): string {
  const aws = (d.provider?.aws ?? []) as Block[];
  const alias = typeof provider === 'string' && provider.startsWith('aws.') ? provider.slice(4) : undefined;
  const p = aws.find((x) => (alias ? x.alias === alias : x.alias === undefined));
  if (!p || typeof p.region !== 'string')
    throw new Error(`no region for provider ${String(provider ?? 'aws')}`);
  return p.region;
}

interface Need {
  stack: string;
  type: string;
  service: string;
  region: string;
}

/** Every (service, region) the resources of one non-bootstrap stack need. */
function needsOf(stack: string, d: TfDocument, envRegion: string): { needs: Need[]; unmapped: string[] } {
  const needs: Need[] = [];
  const unmapped: string[] = [];
  for (const [type, byName] of Object.entries(d.resource ?? {})) {
    if (type.startsWith(IAM_PREFIX)) continue;
    const services = servicesOf(type);
    if (!services) {
      unmapped.push(`${stack}: ${type}`);
      continue;
    }
    for (const body of Object.values(byName as Record<string, Block>)) {
      const isAws = type.startsWith('aws_');
      const region = isAws ? providerRegion(d, body.provider) : envRegion;
      for (const service of services)
        needs.push({ stack, type, service, region: GLOBAL_SERVICES.has(service) ? GLOBAL_REGION : region });
    }
  }
  return { needs, unmapped };
}

/** The deploy role's Allow statements as synthesized in the bootstrap stack. */
function deployStatements(bootstrap: TfDocument): Block[] {
  const entry = Object.entries(bootstrap.data?.aws_iam_policy_document ?? {}).find(([n]) =>
    n.includes('github_deploy_permissions'),
  );
  if (!entry) throw new Error('no github_deploy_permissions policy document in bootstrap');
  return ((entry[1].statement ?? []) as Block[]).filter((s) => s.effect !== 'Deny');
}

/** True when some statement grants `service:*` in `region` (no region condition, or one naming it). */
function allows(statements: Block[], service: string, region: string): boolean {
  return statements.some((s) => {
    if (!((s.actions ?? []) as string[]).includes(`${service}:*`)) return false;
    const regions = ((s.condition ?? []) as Block[]).filter((c) => c.variable === 'aws:RequestedRegion');
    return regions.every((c) => c.test === 'StringEquals' && ((c.values ?? []) as string[]).includes(region));
  });
}

/** Each missing (stack, type, service@region) once, for a readable failure. */
function missingRights(files: Map<string, SynthesizedFile>, env: 'dev' | 'prod'): string[] {
  const statements = deployStatements(doc(files, env, 'bootstrap'));
  const envRegion = providerRegion(doc(files, env, 'bootstrap'), undefined);
  const missing = new Set<string>();
  for (const [name, file] of files) {
    if (!name.startsWith(`${env}-`) || name === `${env}-bootstrap`) continue;
    const { needs, unmapped } = needsOf(name, file.doc, envRegion);
    for (const u of unmapped) missing.add(`unmapped type ${u}`);
    for (const n of needs)
      if (!allows(statements, n.service, n.region))
        missing.add(`${n.stack}: ${n.type} needs ${n.service}:* in ${n.region}`);
  }
  return [...missing].sort();
}

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  // Optional features on, so their resource types (Chatbot, AWS Config) are covered too.
  files = synthAll({
    TASKBOARD_DEV_SLACK_WORKSPACE_ID: 'T0123ABCD',
    TASKBOARD_DEV_SLACK_CHANNEL_ID: 'C0123ABCD',
    TASKBOARD_PROD_SLACK_WORKSPACE_ID: 'T0123ABCD',
    TASKBOARD_PROD_SLACK_CHANNEL_ID: 'C0123ABCD',
    TASKBOARD_DEV_AWS_CONFIG: 'true',
    TASKBOARD_PROD_AWS_CONFIG: 'true',
  });
});

describe('GitHub deploy role covers every stack it applies (issue #16)', () => {
  it.each(['dev', 'prod'] as const)(
    '%s: every resource type maps to a service the role allows in its region',
    (env) => {
      expect(missingRights(files, env)).toEqual([]);
    },
  );

  it('sees the optional and us-east-1 resources it is meant to check', () => {
    const types = new Set([...files.values()].flatMap((f) => Object.keys(f.doc.resource ?? {})));
    for (const t of [
      'aws_chatbot_slack_channel_configuration',
      'aws_config_config_rule',
      'aws_wafv2_web_acl',
    ])
      expect(types, t).toContain(t);
  });

  it('maps by longest prefix: aws_route53_record is route53, aws_route_table ec2', () => {
    expect(servicesOf('aws_route53_record')).toEqual(['route53']);
    expect(servicesOf('aws_route_table')).toEqual(['ec2']);
    expect(servicesOf('aws_lb_listener')).toEqual(['elasticloadbalancing']);
    expect(servicesOf('aws_made_up_thing')).toBeUndefined();
  });
});
