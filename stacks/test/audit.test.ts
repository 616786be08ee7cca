import { beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_ACTUAL_THRESHOLDS, COST_ALLOCATION_TAG } from '../audit';
import { defaultConfig, type EnvName, validateConfig } from '../config';
import type { Block } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, doc, one, ref, synthAll } from './helpers';

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

const envs: EnvName[] = ['dev', 'prod'];
const block = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Block;
const policyOf = (d: ReturnType<typeof doc>, prefix: string) =>
  Object.entries(d.data?.aws_iam_policy_document ?? {}).find(([n]) => n.startsWith(prefix))![1]
    .statement as Block[];

describe.each(envs)('%s: audit', (env) => {
  const c = defaultConfig()[env];

  it('records a multi-region, KMS-encrypted trail with log file validation, also into CloudWatch Logs', () => {
    const d = doc(files, env, 'audit');
    const trail = one(d, 'aws_cloudtrail');
    expect(trail).toMatchObject({
      name: `taskboard-${env}-trail`,
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
    });
    expect(String(trail.kms_key_id)).toMatch(/^\$\{aws_kms_key\.key_\w+\.arn\}$/);
    expect(String(trail.cloud_watch_logs_group_arn)).toMatch(
      /^\$\{aws_cloudwatch_log_group\.trail-logs_group_\w+\.arn\}:\*$/,
    );
    const group = one(d, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({
      name: `/aws/cloudtrail/taskboard-${env}-trail`,
      retention_in_days: c.logRetentionDays,
    });
    const toLogs = policyOf(d, 'trail-to-logs_permissions');
    expect(toLogs[0]!.actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('logs object access to the state bucket and the log buckets (S3 data events)', () => {
    const selectors = one(doc(files, env, 'audit'), 'aws_cloudtrail').advanced_event_selector as Block[];
    expect(selectors.map((s) => s.name)).toEqual(['Management events', 'State and log bucket object access']);
    const data = selectors[1]!.field_selector as Block[];
    expect(data).toContainEqual({ field: 'resources.type', equals: ['AWS::S3::Object'] });
    const arns = data.find((f) => f.field === 'resources.ARN')!.starts_with as string[];
    expect(arns).toEqual(
      expect.arrayContaining([
        `arn:aws:s3:::taskboard-sre-${env}-tfstate/`,
        `arn:aws:s3:::taskboard-sre-${env}-tfstate-access-logs/`,
        `arn:aws:s3:::${ref('data.terraform_remote_state.edge.outputs.edge_logs_bucket')}/`,
      ]),
    );
  });

  it('keeps trail files in a private KMS bucket only this trail writes to, expiring after trailLogDays', () => {
    const d = doc(files, env, 'audit');
    const statements = policyOf(d, 'trail-bucket_policy-doc');
    const write = statements.find((s) => s.sid === 'CloudTrailWrite')!;
    expect(write.resources).toEqual([
      expect.stringMatching(/\/AWSLogs\/\$\{data\.aws_caller_identity\.current\.account_id\}\/\*$/),
    ]);
    expect(JSON.stringify(write.condition)).toContain(`trail/taskboard-${env}-trail`);
    expect(statements.map((s) => s.sid)).toEqual(
      expect.arrayContaining([
        'DenyInsecureTransport',
        'DenyNonKmsWrites',
        'CloudTrailAclCheck',
        'CloudTrailWrite',
      ]),
    );
    const lifecycle = Object.entries(d.resource?.aws_s3_bucket_lifecycle_configuration ?? {}).find(([n]) =>
      n.startsWith('trail-bucket'),
    )![1];
    expect(block(block(lifecycle.rule).expiration).days).toBe(c.audit.trailLogDays);
  });

  it('budgets the month (250 USD) with 50/80/100 % actual and 100 % forecast notifications to the warning topic', () => {
    const d = doc(files, env, 'audit');
    const budget = one(d, 'aws_budgets_budget');
    expect(budget).toMatchObject({
      budget_type: 'COST',
      limit_amount: '250.00',
      limit_unit: 'USD',
      time_unit: 'MONTHLY',
    });
    expect(block(budget.cost_filter)).toEqual({ name: 'TagKeyValue', values: [`user:environment$${env}`] });
    const notes = budget.notification as Block[];
    expect(notes.map((n) => [n.notification_type, n.threshold])).toEqual([
      ...BUDGET_ACTUAL_THRESHOLDS.map((t) => ['ACTUAL', t]),
      ['FORECASTED', 100],
    ]);
    for (const n of notes) {
      expect(n.subscriber_sns_topic_arns).toEqual([
        ref('data.terraform_remote_state.alerting.outputs.warning_topic_arn'),
      ]);
    }
    expect(one(d, 'aws_ce_cost_allocation_tag')).toMatchObject({
      tag_key: COST_ALLOCATION_TAG,
      status: 'Active',
    });
    // The tag the budget filters on is the one every provider tags every resource with.
    expect(block(block(d.provider?.aws).default_tags).tags).toMatchObject({ [COST_ALLOCATION_TAG]: env });
  });

  it('lets AWS Budgets publish to the encrypted warning topic', () => {
    const alerting = doc(files, env, 'alerting');
    const topicPolicy = policyOf(alerting, 'warning-policy-doc');
    const publish = topicPolicy.find((s) => s.sid === 'CloudWatchAlarmsPublish')!;
    expect(block(publish.principals).identifiers).toContain('budgets.amazonaws.com');
    expect(all(alerting, 'aws_kms_key')).toHaveLength(1);
  });
});

describe('audit configuration', () => {
  it('rejects a trail kept under 90 days and a non-positive budget, naming the field', () => {
    const config = defaultConfig();
    config.dev.audit.trailLogDays = 30;
    config.prod.audit.budgetMonthlyUsd = 0;
    expect(validateConfig(config)).toEqual(
      expect.arrayContaining([
        'dev.audit.trailLogDays must be >= 90 (incident forensics look back months)',
        'prod.audit.budgetMonthlyUsd must be > 0',
      ]),
    );
  });
});
