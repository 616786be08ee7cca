import { beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_ACTUAL_THRESHOLDS, COST_ALLOCATION_TAG } from '../audit';
import { defaultConfig, type EnvName, loadConfig, validateConfig } from '../config';
import { MANAGED_CONFIG_RULES, RULE_SCOPE_RESOURCE_TYPES } from '../constructs/config-rules';
import { CHATBOT_GUARDRAIL_POLICY } from '../constructs/slack-chatbot';
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

describe.each(envs)('%s: AWS Config', (env) => {
  const c = defaultConfig()[env];

  it('records into a private KMS bucket with the managed AWS_ConfigRole, enabled after its delivery channel', () => {
    const d = doc(files, env, 'audit');
    const recorder = one(d, 'aws_config_configuration_recorder');
    const group = block(recorder.recording_group);
    if (c.audit.compliance.recording === 'all') {
      expect(group).toMatchObject({ all_supported: true, include_global_resource_types: env === 'prod' });
    } else {
      expect(group.all_supported).toBe(false);
      expect(group.resource_types).toEqual(RULE_SCOPE_RESOURCE_TYPES);
      // Every type a change-triggered rule evaluates is recorded, or the rule never runs.
      for (const spec of Object.values(MANAGED_CONFIG_RULES)) {
        for (const t of spec.scope) expect(group.resource_types).toContain(t);
      }
    }
    const channel = one(d, 'aws_config_delivery_channel');
    expect(channel.s3_bucket_name).toMatch(/^\$\{aws_s3_bucket\.config_bucket_\w+\.bucket\}$/);
    expect(channel.s3_kms_key_arn).toMatch(/^\$\{aws_kms_key\.key_\w+\.arn\}$/);
    expect(channel.depends_on).toEqual([expect.stringMatching(/^aws_config_configuration_recorder\./)]);
    const status = one(d, 'aws_config_configuration_recorder_status');
    expect(status).toMatchObject({ is_enabled: true });
    expect(status.depends_on).toEqual([expect.stringMatching(/^aws_config_delivery_channel\./)]);
    const attachments = all(d, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(attachments).toContain('arn:aws:iam::aws:policy/service-role/AWS_ConfigRole');
    const pab = all(d, 'aws_s3_bucket_public_access_block').filter((b) =>
      String(b.bucket).includes('config_bucket'),
    );
    expect(pab).toHaveLength(1);
    const lifecycle = Object.entries(d.resource?.aws_s3_bucket_lifecycle_configuration ?? {}).find(([n]) =>
      n.startsWith('config_bucket'),
    )![1];
    expect(block(block(lifecycle.rule).expiration).days).toBe(c.audit.compliance.snapshotDays);
  });

  it('runs every managed rule of the policy suite, each after the recorder exists', () => {
    const rules = all(doc(files, env, 'audit'), 'aws_config_config_rule');
    expect(rules.map((r) => block(r.source).source_identifier).sort()).toEqual(
      Object.keys(MANAGED_CONFIG_RULES).sort(),
    );
    for (const r of rules) {
      expect(block(r.source).owner).toBe('AWS');
      expect(r.depends_on).toEqual([expect.stringMatching(/^aws_config_configuration_recorder\./)]);
      expect(String(r.name)).toMatch(new RegExp(`^taskboard-${env}-`));
    }
  });

  it('sends non-compliant evaluations of its own rules to the warning topic (EventBridge)', () => {
    const d = doc(files, env, 'audit');
    const rule = one(d, 'aws_cloudwatch_event_rule', 'non-compliant');
    const pattern = JSON.parse(String(rule.event_pattern));
    expect(pattern).toEqual({
      source: ['aws.config'],
      'detail-type': ['Config Rules Compliance Change'],
      detail: {
        configRuleName: [{ prefix: `taskboard-${env}-` }],
        newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
      },
    });
    expect(one(d, 'aws_cloudwatch_event_target', 'non-compliant').arn).toBe(
      ref('data.terraform_remote_state.alerting.outputs.warning_topic_arn'),
    );
  });
});

describe('AWS Config switch', () => {
  it('TASKBOARD_<ENV>_AWS_CONFIG=false leaves that environment without a recorder (one per account)', () => {
    const off = synthAll({ TASKBOARD_DEV_AWS_CONFIG: 'false' });
    expect(all(doc(off, 'dev', 'audit'), 'aws_config_configuration_recorder')).toHaveLength(0);
    expect(all(doc(off, 'dev', 'audit'), 'aws_config_config_rule')).toHaveLength(0);
    expect(all(doc(off, 'prod', 'audit'), 'aws_config_configuration_recorder')).toHaveLength(1);
  });
});

describe('dev night and weekend scale-down', () => {
  const dev = defaultConfig().dev;

  it('schedules node groups to zero and the RDS instance stopped at night, restored in the morning', () => {
    const d = doc(files, 'dev', 'audit');
    const schedules = all(d, 'aws_scheduler_schedule');
    const byName = Object.fromEntries(schedules.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(
      ['start-database', 'start-on-demand', 'start-spot', 'stop-database', 'stop-on-demand', 'stop-spot'].map(
        (n) => `taskboard-dev-${n}`,
      ),
    );
    for (const s of schedules) {
      expect(s.schedule_expression_timezone).toBe(dev.audit.scaleDown!.timeZone);
      const stop = String(s.name).includes('-stop-');
      expect(s.schedule_expression).toBe(
        stop ? dev.audit.scaleDown!.stopCron : dev.audit.scaleDown!.startCron,
      );
      expect(block(s.flexible_time_window).mode).toBe('OFF');
    }
    const target = (n: string) => block(byName[`taskboard-dev-${n}`]!.target);
    expect(target('stop-on-demand').arn).toBe('arn:aws:scheduler:::aws-sdk:eks:updateNodegroupConfig');
    expect(JSON.parse(String(target('stop-on-demand').input))).toEqual({
      ClusterName: 'taskboard-dev',
      NodegroupName: 'taskboard-dev-on-demand',
      ScalingConfig: { MinSize: 0, DesiredSize: 0, MaxSize: dev.cluster.onDemand.maxSize },
    });
    expect(JSON.parse(String(target('start-on-demand').input)).ScalingConfig).toEqual({
      MinSize: dev.cluster.onDemand.minSize,
      DesiredSize: dev.cluster.onDemand.desiredSize,
      MaxSize: dev.cluster.onDemand.maxSize,
    });
    expect(target('stop-database').arn).toBe('arn:aws:scheduler:::aws-sdk:rds:stopDBInstance');
    expect(target('start-database').arn).toBe('arn:aws:scheduler:::aws-sdk:rds:startDBInstance');
    expect(JSON.parse(String(target('stop-database').input))).toEqual({
      DbInstanceIdentifier: 'taskboard-dev-postgres',
    });
  });

  it('gives the scheduler role exactly those calls on exactly those resources', () => {
    const d = doc(files, 'dev', 'audit');
    const statements = policyOf(d, 'scale-down_role_permissions');
    const account = ref('data.aws_caller_identity.current.account_id');
    const grants = statements.map((s) => [s.actions, s.resources]);
    expect(grants).toEqual(
      expect.arrayContaining([
        [
          ['eks:UpdateNodegroupConfig'],
          [`arn:aws:eks:eu-west-1:${account}:nodegroup/taskboard-dev/taskboard-dev-on-demand/*`],
        ],
        [['rds:StopDBInstance'], [`arn:aws:rds:eu-west-1:${account}:db:taskboard-dev-postgres`]],
        [['rds:StartDBInstance'], [`arn:aws:rds:eu-west-1:${account}:db:taskboard-dev-postgres`]],
      ]),
    );
    expect(statements).toHaveLength(6);
    const trust = policyOf(d, 'scale-down_role_trust') as Block[];
    expect(block(trust[0]!.principals).identifiers).toEqual(['scheduler.amazonaws.com']);
  });

  it('stops and starts the Aurora cluster instead when the data stack runs Aurora', () => {
    const aurora = synthAll({ TASKBOARD_DEV_DB_ENGINE: 'aurora-serverless-v2' });
    const targets = all(doc(aurora, 'dev', 'audit'), 'aws_scheduler_schedule').map((s) => block(s.target));
    const db = targets.filter((t) => String(t.arn).includes(':rds:'));
    expect(db.map((t) => t.arn).sort()).toEqual([
      'arn:aws:scheduler:::aws-sdk:rds:startDBCluster',
      'arn:aws:scheduler:::aws-sdk:rds:stopDBCluster',
    ]);
    expect(JSON.parse(String(db[0]!.input))).toEqual({ DbClusterIdentifier: 'taskboard-dev-aurora' });
  });

  it('never runs in prod, and is switched off by TASKBOARD_DEV_SCALE_DOWN=false', () => {
    expect(all(doc(files, 'prod', 'audit'), 'aws_scheduler_schedule')).toHaveLength(0);
    const off = synthAll({ TASKBOARD_DEV_SCALE_DOWN: 'false' });
    expect(all(doc(off, 'dev', 'audit'), 'aws_scheduler_schedule')).toHaveLength(0);
    expect(all(doc(off, 'dev', 'audit'), 'aws_scheduler_schedule_group')).toHaveLength(0);
  });

  it('the node groups the scheduler names are the ones the cluster stack creates', () => {
    const groups = all(doc(files, 'dev', 'cluster'), 'aws_eks_node_group').map((g) => g.node_group_name);
    expect(groups.sort()).toEqual(['taskboard-dev-on-demand', 'taskboard-dev-spot']);
  });
});

describe('Slack through AWS Chatbot', () => {
  it('is absent by default', () => {
    for (const env of envs) {
      expect(all(doc(files, env, 'audit'), 'aws_chatbot_slack_channel_configuration')).toHaveLength(0);
    }
  });

  it('subscribes one channel to both topics under a read-only guardrail when the ids are configured', () => {
    const slack = synthAll({
      TASKBOARD_PROD_SLACK_WORKSPACE_ID: 'T0123ABCD',
      TASKBOARD_PROD_SLACK_CHANNEL_ID: 'C0456EFGH',
    });
    const d = doc(slack, 'prod', 'audit');
    const chatbot = one(d, 'aws_chatbot_slack_channel_configuration');
    expect(chatbot).toMatchObject({
      slack_team_id: 'T0123ABCD',
      slack_channel_id: 'C0456EFGH',
      guardrail_policy_arns: [CHATBOT_GUARDRAIL_POLICY],
      sns_topic_arns: [
        ref('data.terraform_remote_state.alerting.outputs.critical_topic_arn'),
        ref('data.terraform_remote_state.alerting.outputs.warning_topic_arn'),
      ],
    });
    const actions = policyOf(d, 'chatbot_role_permissions').flatMap((s) => s.actions as string[]);
    expect(actions.every((a) => a.startsWith('cloudwatch:Describe') || a.startsWith('cloudwatch:Get'))).toBe(
      true,
    );
    expect(all(doc(slack, 'dev', 'audit'), 'aws_chatbot_slack_channel_configuration')).toHaveLength(0);
  });
});

describe('guardrail configuration', () => {
  it('rejects a prod scale-down, a bad time zone or cron, and half or malformed Slack ids, naming each', () => {
    const config = defaultConfig();
    config.prod.audit.scaleDown = { ...config.dev.audit.scaleDown!, timeZone: 'Mars/Olympus' };
    config.dev.audit.scaleDown = { ...config.dev.audit.scaleDown!, stopCron: '0 20 * * 1-5' };
    config.dev.audit.slack = { workspaceId: 'workspace', channelId: 'C0456EFGH' };
    expect(validateConfig(config)).toEqual(
      expect.arrayContaining([
        'prod.audit.scaleDown must be null: production never sleeps',
        'prod.audit.scaleDown.timeZone is not an IANA time zone: "Mars/Olympus"',
        'dev.audit.scaleDown.stopCron must be cron(min hour dom month dow year), got "0 20 * * 1-5"',
        'TASKBOARD_DEV_SLACK_WORKSPACE_ID must be a Slack team id (T…), got "workspace"',
      ]),
    );
    expect(() => loadConfig({ TASKBOARD_DEV_SLACK_CHANNEL_ID: 'C0456EFGH' })).toThrow(
      /TASKBOARD_DEV_SLACK_WORKSPACE_ID and TASKBOARD_DEV_SLACK_CHANNEL_ID must be set together/,
    );
    expect(() => loadConfig({ TASKBOARD_DEV_AWS_CONFIG: 'yes' })).toThrow(
      /TASKBOARD_DEV_AWS_CONFIG must be "true" or "false"/,
    );
  });
});
