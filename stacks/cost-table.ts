// The README's monthly cost table, generated from the synthesized JSON of both environments
// (resource counts and sizes) × the committed price list, so it cannot drift from the code.
// Every resource type the stacks synthesize must be classified below: priced, free, or
// usage-billed (listed as excluded). An unclassified type or an unpriced size fails loudly.
import { readFileSync } from 'node:fs';
import { ENVIRONMENTS, type EnvName } from './config';
import { type Block, block, blocks, type TfDocument } from './policy/tf-json';

export const COST_TABLE_README = 'README.md';
export const COST_TABLE_BEGIN = '<!-- cost-table:begin (make docs-cost) -->';
export const COST_TABLE_END = '<!-- cost-table:end -->';
/** Relative to the repository root, where make and vitest run. */
export const PRICING_PATH = 'stacks/pricing/eu-west-1.json';

export interface PriceList {
  region: string;
  currency: string;
  date: string;
  hoursPerMonth: number;
  provenance: string;
  sources: string[];
  hourly: Record<
    | 'eksControlPlane'
    | 'natGateway'
    | 'publicIpv4'
    | 'interfaceEndpointPerAz'
    | 'applicationLoadBalancer'
    | 'auroraServerlessV2Acu',
    number
  >;
  ec2: Record<string, number>;
  rdsPostgres: Record<string, number>;
  elasticache: Record<string, number>;
  monthly: Record<
    | 'ebsGp3PerGb'
    | 'rdsGp3PerGb'
    | 'kmsKey'
    | 'secret'
    | 'alarmMetric'
    | 'dashboard'
    | 'wafWebAcl'
    | 'wafRule',
    number
  >;
  perRun: Record<'syntheticsCanary', number>;
}

export function loadPriceList(path: string | URL = PRICING_PATH): PriceList {
  return JSON.parse(readFileSync(path, 'utf8')) as PriceList;
}

/** Rows of the table, in display order; each priced resource type feeds exactly one. */
export const COST_ROWS = [
  'EKS control plane',
  'Nodes (on-demand price) + gp3 root volumes',
  'NAT gateways + public IPv4',
  'Interface endpoints',
  'PostgreSQL + storage',
  'Redis',
  'Application Load Balancer (hours only)',
  'KMS keys, secrets',
  'CloudWatch alarms and dashboards',
  'WAF web ACL and rules (requests excluded)',
  'Synthetics canary runs',
] as const;
export type CostRow = (typeof COST_ROWS)[number];

/** Billed only by use (requests, GB, items, evaluations): excluded from the table, named under it. */
export const USAGE_BILLED = [
  'aws_cloudfront_distribution',
  'aws_s3_bucket',
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_log_delivery',
  'aws_cloudtrail',
  'aws_config_configuration_recorder',
  'aws_config_config_rule',
  'aws_ecr_repository',
  'aws_sns_topic',
  'aws_fis_experiment_template',
  'aws_route53_record',
  'aws_flow_log',
  'aws_scheduler_schedule',
  'aws_cloudwatch_event_rule',
  // Traces recorded and retrieved, and Insights per trace processed.
  'aws_xray_group',
] as const;

/** No charge of their own (configuration, IAM, networking glue, in-cluster objects). */
const FREE = new Set([
  'aws_acm_certificate',
  'aws_acm_certificate_validation',
  'aws_budgets_budget',
  'aws_chatbot_slack_channel_configuration',
  'aws_ce_cost_allocation_tag',
  'aws_cloudfront_cache_policy',
  'aws_cloudfront_function',
  'aws_cloudfront_origin_access_control',
  'aws_cloudfront_response_headers_policy',
  'aws_cloudwatch_event_target',
  'aws_cloudwatch_log_delivery_destination',
  'aws_cloudwatch_log_delivery_source',
  'aws_cloudwatch_log_metric_filter',
  'aws_cloudwatch_query_definition',
  'aws_config_configuration_recorder_status',
  'aws_config_delivery_channel',
  'aws_db_parameter_group',
  'aws_db_subnet_group',
  'aws_default_security_group',
  'aws_ecr_lifecycle_policy',
  'aws_eks_access_entry',
  'aws_eks_access_policy_association',
  'aws_eks_addon',
  'aws_elasticache_parameter_group',
  'aws_elasticache_subnet_group',
  'aws_iam_openid_connect_provider',
  'aws_iam_policy',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_internet_gateway',
  'aws_kms_alias',
  'aws_launch_template',
  'aws_rds_cluster_parameter_group',
  'aws_route',
  'aws_route_table',
  'aws_route_table_association',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_logging',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning',
  'aws_scheduler_schedule_group',
  'aws_xray_sampling_rule',
  'aws_secretsmanager_secret_version',
  'aws_security_group',
  'aws_sns_topic_policy',
  'aws_sns_topic_subscription',
  'aws_subnet',
  'aws_vpc',
  'aws_vpc_security_group_egress_rule',
  'aws_vpc_security_group_ingress_rule',
  'helm_release',
  'kubernetes_namespace_v1',
  'kubernetes_storage_class_v1',
]);

export interface Line {
  row: CostRow;
  usd: number;
  what: string;
}

/** Share of the month the dev scale-down leaves running (1 without schedules). */
export function runningShare(doc: TfDocument): number {
  const schedules = Object.values(doc.resource?.aws_scheduler_schedule ?? {});
  if (schedules.length === 0) return 1;
  const parse = (expr: string) => {
    const m = /^cron\((\d+) (\d+) \? \* (MON-FRI|\*) \*\)$/.exec(expr);
    if (!m)
      throw new Error(
        `cost-table: cannot read the scale-down schedule "${expr}" (expected cron(M H ? * MON-FRI|* *))`,
      );
    return { hour: Number(m[2]) + Number(m[1]) / 60, days: m[3] === '*' ? 7 : 5 };
  };
  const of = (kind: 'stop' | 'start') => {
    const s = schedules.find((x) => String(x.name).includes(`-${kind}-`));
    if (!s) throw new Error(`cost-table: scale-down has no ${kind} schedule`);
    return parse(String(s.schedule_expression));
  };
  const [stop, start] = [of('stop'), of('start')];
  // Running from start to stop on the start days; stopped the rest of the week.
  return ((stop.hour - start.hour) * start.days) / (24 * 7);
}

function priceOf(table: Record<string, number>, key: string, what: string): number {
  const p = table[key];
  if (p === undefined) throw new Error(`cost-table: no price for ${what} "${key}" in the price list`);
  return p;
}

/** Monthly lines of one environment's stacks (all documents of that environment). */
export function costLines(docs: TfDocument[], prices: PriceList): Line[] {
  const h = prices.hoursPerMonth;
  const lines: Line[] = [];
  const add = (row: CostRow, usd: number, what: string) => lines.push({ row, usd, what });
  const share = Math.min(...docs.map(runningShare));
  const scaled = share < 1 ? `, ${Math.round(share * 100)} % of hours` : '';
  for (const doc of docs) {
    const rootGb = Object.values(doc.resource?.aws_launch_template ?? {}).map((t) =>
      Number(block(blocks(t.block_device_mappings)[0]?.ebs)?.volume_size ?? 0),
    )[0];
    for (const [type, byName] of Object.entries(doc.resource ?? {})) {
      for (const body of Object.values(byName)) {
        if (FREE.has(type) || (USAGE_BILLED as readonly string[]).includes(type)) continue;
        const priced = PRICED[type];
        if (!priced) {
          throw new Error(
            `cost-table: resource type ${type} is neither priced, free nor usage-billed: classify it in stacks/cost-table.ts`,
          );
        }
        priced(body, { prices, h, share, scaled, rootGb: rootGb ?? 0, add, doc });
      }
    }
    // The ALB is created by the chart's Ingress (not Terraform): counted from the lookup.
    for (const _ of Object.values(doc.data?.aws_lb ?? {})) {
      add('Application Load Balancer (hours only)', prices.hourly.applicationLoadBalancer * h, 'ALB');
    }
  }
  return lines;
}

interface PricingContext {
  prices: PriceList;
  h: number;
  share: number;
  scaled: string;
  rootGb: number;
  doc: TfDocument;
  add: (row: CostRow, usd: number, what: string) => void;
}

const PRICED: Record<string, (body: Block, c: PricingContext) => void> = {
  aws_eks_cluster: (_, c) => c.add('EKS control plane', c.prices.hourly.eksControlPlane * c.h, 'cluster'),
  aws_eks_node_group: (b, c) => {
    const n = Number(block(b.scaling_config)?.desired_size ?? 0);
    if (n === 0) return;
    const type = String((b.instance_types as string[])[0]);
    const node = priceOf(c.prices.ec2, type, 'EC2 instance type') * c.h;
    // Root volumes are deleted with their node, so they scale down with it.
    const disk = c.prices.monthly.ebsGp3PerGb * c.rootGb;
    c.add(
      'Nodes (on-demand price) + gp3 root volumes',
      n * (node + disk) * c.share,
      `${n}× ${type}${c.scaled}`,
    );
  },
  aws_nat_gateway: (_, c) =>
    c.add('NAT gateways + public IPv4', c.prices.hourly.natGateway * c.h, 'NAT gateway'),
  aws_eip: (_, c) => c.add('NAT gateways + public IPv4', c.prices.hourly.publicIpv4 * c.h, ''),
  aws_vpc_endpoint: (b, c) => {
    if (b.vpc_endpoint_type !== 'Interface') return; // gateway endpoints (S3) are free
    const azs = (b.subnet_ids as string[]).length;
    c.add(
      'Interface endpoints',
      c.prices.hourly.interfaceEndpointPerAz * c.h * azs,
      `endpoint in ${azs} AZs`,
    );
  },
  aws_db_instance: (b, c) => {
    const cls = String(b.instance_class);
    const copies = b.multi_az === true ? 2 : 1;
    const compute = priceOf(c.prices.rdsPostgres, cls, 'RDS instance class') * c.h * copies * c.share;
    const storage = c.prices.monthly.rdsGp3PerGb * Number(b.allocated_storage) * copies;
    const az = copies === 2 ? 'Multi-AZ' : 'single-AZ';
    c.add('PostgreSQL + storage', compute + storage, `${cls} ${az}, ${b.allocated_storage} GB${c.scaled}`);
  },
  aws_rds_cluster: (b, c) => {
    const min = Number(block(b.serverlessv2_scaling_configuration)?.min_capacity ?? 0);
    c.add(
      'PostgreSQL + storage',
      c.prices.hourly.auroraServerlessV2Acu * min * c.h * c.share,
      `Aurora Serverless v2 at its minimum ${min} ACU (storage and I/O by use)${c.scaled}`,
    );
  },
  // Aurora Serverless v2 instances are billed as the cluster's ACUs (above).
  aws_rds_cluster_instance: () => {},
  aws_elasticache_replication_group: (b, c) => {
    const n = Number(b.num_cache_clusters ?? 1);
    const type = String(b.node_type);
    c.add('Redis', n * priceOf(c.prices.elasticache, type, 'ElastiCache node type') * c.h, `${n}× ${type}`);
  },
  aws_kms_key: (_, c) => c.add('KMS keys, secrets', c.prices.monthly.kmsKey, 'key'),
  aws_secretsmanager_secret: (_, c) => c.add('KMS keys, secrets', c.prices.monthly.secret, 'secret'),
  aws_cloudwatch_metric_alarm: (b, c) => {
    // Billed per metric the alarm evaluates (a math expression is not a metric).
    const metrics = b.metric_query
      ? blocks(b.metric_query).filter((q) => q.metric || q.expression?.toString().startsWith('SELECT')).length
      : 1;
    c.add('CloudWatch alarms and dashboards', c.prices.monthly.alarmMetric * metrics, 'alarm');
  },
  aws_cloudwatch_dashboard: (_, c) =>
    c.add('CloudWatch alarms and dashboards', c.prices.monthly.dashboard, 'dashboard'),
  aws_wafv2_web_acl: (b, c) => {
    const rules = blocks(b.rule).length;
    c.add(
      'WAF web ACL and rules (requests excluded)',
      c.prices.monthly.wafWebAcl + rules * c.prices.monthly.wafRule,
      `1 ACL, ${rules} rules`,
    );
  },
  aws_synthetics_canary: (b, c) => {
    const expr = String(block(b.schedule)?.expression ?? '');
    const m = /^rate\((\d+) minutes?\)$/.exec(expr);
    if (!m)
      throw new Error(`cost-table: cannot read the canary schedule "${expr}" (expected rate(N minutes))`);
    const runs = (c.h * 60) / Number(m[1]);
    c.add('Synthetics canary runs', runs * c.prices.perRun.syntheticsCanary, `${Math.round(runs)} runs`);
  },
};

/** Sums per row, with the description of what was counted. */
export function summarize(lines: Line[]): Map<CostRow, { usd: number; what: string }> {
  const rows = new Map<CostRow, { usd: number; what: string[] }>();
  for (const l of lines) {
    const r = rows.get(l.row) ?? { usd: 0, what: [] };
    r.usd += l.usd;
    r.what.push(l.what);
    rows.set(l.row, r);
  }
  return new Map([...rows].map(([row, r]) => [row, { usd: r.usd, what: describe(r.what) }] as const));
}

/** "key, key, secret" → "2 keys, 1 secret" for counted items; other descriptions joined. */
function describe(what: string[]): string {
  const counted = ['cluster', 'NAT gateway', 'ALB', 'key', 'secret', 'alarm', 'dashboard'];
  const counts = counted
    .map((w) => [w, what.filter((x) => x === w).length] as const)
    .filter(([, n]) => n > 0)
    .map(([w, n]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  const rest = what.filter((x) => x !== '' && !counted.includes(x));
  const tally = new Map<string, number>();
  for (const r of rest) tally.set(r, (tally.get(r) ?? 0) + 1);
  const others = [...tally].map(([w, n]) => (n === 1 ? w : `${n}× ${w}`));
  return [...others, ...counts].join(', ');
}

const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;

/** The Markdown between the README markers. */
export function renderCostTable(docsByEnv: Record<EnvName, TfDocument[]>, prices: PriceList): string {
  const sums = Object.fromEntries(
    ENVIRONMENTS.map((env) => [env, summarize(costLines(docsByEnv[env], prices))]),
  ) as Record<EnvName, ReturnType<typeof summarize>>;
  const cell = (env: EnvName, row: CostRow) => {
    const r = sums[env].get(row);
    return r ? `${usd(r.usd)} (${r.what})` : '—';
  };
  const total = (env: EnvName) => [...sums[env].values()].reduce((a, r) => a + r.usd, 0);
  const out = [
    `Generated by \`make docs-cost\` from the synthesized JSON × \`stacks/pricing/${prices.region}.json\``,
    `(${prices.region} on-demand list prices in ${prices.currency}, dated ${prices.date}, ${prices.hoursPerMonth} h a month;`,
    'a test fails when this table and the code disagree). **Excluded**, because they are billed by use:',
    'data transfer, NAT and endpoint GB processed, ALB LCUs, CloudFront, WAF requests, S3 and ECR',
    'storage and requests, CloudWatch log ingestion and storage, CloudTrail data events, AWS Config',
    'items and rule evaluations, SNS, EventBridge, FIS, Route 53 queries; also Prometheus volumes',
    '(created by the platform charts, not Terraform) and Savings Plans or free tiers.',
    '',
    '| Item | dev | prod |',
    '| --- | ---: | ---: |',
    ...COST_ROWS.filter((row) => ENVIRONMENTS.some((env) => sums[env].has(row))).map(
      (row) => `| ${row} | ${cell('dev', row)} | ${cell('prod', row)} |`,
    ),
    `| **Total** | **${usd(total('dev'))}** | **${usd(total('prod'))}** |`,
  ];
  return out.join('\n');
}

/** `readme` with the text between the markers replaced; fails when the markers are missing. */
export function replaceCostTable(readme: string, table: string): string {
  const begin = readme.indexOf(COST_TABLE_BEGIN);
  const end = readme.indexOf(COST_TABLE_END);
  if (begin < 0 || end < begin) {
    throw new Error(
      `cost-table: ${COST_TABLE_README} lacks the markers ${COST_TABLE_BEGIN} … ${COST_TABLE_END}`,
    );
  }
  return `${readme.slice(0, begin + COST_TABLE_BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}
