import { existsSync, readFileSync } from 'node:fs';
import { SLOS } from '@taskboard/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerConfig, EXAMPLE_INPUTS } from '../../dashboards/src/alertmanager/config';
import { ALARM_TABLE_PATH, alarmCatalogue, renderAlarmTable } from '../alarm-table';
import { alarmTargets, EVENT_RULES, LOG_METRICS, SAVED_QUERIES } from '../alerting';
import { albLookupTags } from '../app-alarms';
import { defaultConfig, type EnvName, loadConfig } from '../config';
import { RUNBOOK_PREFIX } from '../constructs/alarm';
import { workloadLogGroups } from '../constructs/log-groups';
import type { Block } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, data, doc, one, ref, synthAll } from './helpers';

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

const envs: EnvName[] = ['dev', 'prod'];
const block = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Block;
const repo = (path: string) => new URL(`../../${path}`, import.meta.url);
const alarms = (env: EnvName) =>
  ['alerting', 'app-alarms'].flatMap((stack) =>
    Object.entries(doc(files, env, stack).resource?.aws_cloudwatch_metric_alarm ?? {}).map(([id, body]) => ({
      stack,
      id,
      body,
    })),
  );

describe.each(envs)('%s: alerting', (env) => {
  const c = defaultConfig()[env];

  it('creates KMS-encrypted critical and warning topics (and the heartbeat topic) CloudWatch may publish to', () => {
    const d = doc(files, env, 'alerting');
    const topics = all(d, 'aws_sns_topic');
    expect(topics.map((t) => t.name).sort()).toEqual(
      [
        `taskboard-${env}-alerts-critical`,
        `taskboard-${env}-alerts-warning`,
        `taskboard-${env}-alertmanager-heartbeat`,
      ].sort(),
    );
    for (const t of topics) expect(t.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.key_\w+\.arn\}$/);
    const key = Object.values(d.data?.aws_iam_policy_document ?? {}).find((p) =>
      (p.statement as Block[]).some(
        (s) => s.sid === 'CloudWatchAlarmsPublish' && String(s.actions).includes('kms'),
      ),
    );
    expect(key).toBeDefined();
    expect(all(d, 'aws_sns_topic_policy')).toHaveLength(3);
  });

  it('subscribes the configured e-mail addresses to both alarm topics (none by default)', () => {
    expect(all(doc(files, env, 'alerting'), 'aws_sns_topic_subscription')).toEqual([]);
    const withMail = doc(
      synthAll({ [`TASKBOARD_${env.toUpperCase()}_ALERT_EMAILS`]: 'oncall@example.com, sre@example.com' }),
      env,
      'alerting',
    );
    const subs = all(withMail, 'aws_sns_topic_subscription');
    expect(subs).toHaveLength(4);
    expect(new Set(subs.map((s) => s.endpoint))).toEqual(new Set(['oncall@example.com', 'sre@example.com']));
    expect(new Set(subs.map((s) => s.topic_arn))).toEqual(
      new Set([ref('aws_sns_topic.critical.arn'), ref('aws_sns_topic.warning.arn')]),
    );
    expect(subs.every((s) => s.protocol === 'email')).toBe(true);
  });

  it("is a dead man's switch: the Watchdog's topic going quiet for 15 minutes pages, missing data breaching", () => {
    const d = doc(files, env, 'alerting');
    const a = d.resource?.aws_cloudwatch_metric_alarm?.['watchdog-heartbeat-missing'] as Block;
    expect(a).toMatchObject({
      namespace: 'AWS/SNS',
      metric_name: 'NumberOfMessagesPublished',
      dimensions: { TopicName: `taskboard-${env}-alertmanager-heartbeat` },
      statistic: 'Sum',
      comparison_operator: 'LessThanThreshold',
      threshold: 1,
      period: 300,
      evaluation_periods: 3,
      treat_missing_data: 'breaching',
      alarm_actions: [ref('aws_sns_topic.critical.arn')],
    });
    // Alertmanager's own config sends the Watchdog to the heartbeat topic, every 5 minutes:
    // rendered with this stack's ARN, the route and receiver line up with the alarm.
    const heartbeatArn = `arn:aws:sns:${c.region}:123456789012:${alarmTargets(c).heartbeatTopic}`;
    const am = alertmanagerConfig({ ...EXAMPLE_INPUTS, heartbeatTopicArn: heartbeatArn }) as unknown as {
      route: { routes: { matchers: string[]; receiver: string; repeat_interval: string }[] };
      receivers: { name: string; sns_configs?: { topic_arn: string }[] }[];
    };
    const route = am.route.routes.find((r) => r.matchers.includes('alertname = "Watchdog"'))!;
    expect(route.repeat_interval).toBe('5m');
    const receiver = am.receivers.find((r) => r.name === route.receiver)!;
    expect(receiver.sns_configs?.map((s) => s.topic_arn)).toEqual([heartbeatArn]);
    // 3 periods of 5 minutes tolerate two lost heartbeats before paging.
    expect(Number(a.period) * Number(a.evaluation_periods)).toBe(15 * 60);
  });

  it('lets Alertmanager publish tickets and the heartbeat, nothing else, through an exported policy', () => {
    const d = doc(files, env, 'alerting');
    expect(one(d, 'aws_iam_policy').name).toBe(`taskboard-${env}-alertmanager-sns`);
    const statements = Object.entries(d.data?.aws_iam_policy_document ?? {}).find(([n]) =>
      n.startsWith('alertmanager-sns-doc'),
    )![1].statement as Block[];
    const publish = statements.find((s) => s.sid === 'PublishTicketsAndHeartbeat')!;
    expect(publish.actions).toEqual(['sns:Publish']);
    expect(publish.resources).toEqual([ref('aws_sns_topic.warning.arn'), ref('aws_sns_topic.heartbeat.arn')]);
    expect(Object.keys(d.output ?? {})).toEqual(
      expect.arrayContaining([
        'critical_topic_arn',
        'warning_topic_arn',
        'heartbeat_topic_arn',
        'alertmanager_sns_policy_arn',
      ]),
    );
  });

  it("turns the API's error lines and 5xx access lines into metrics, from the log group the cluster stack creates", () => {
    const d = doc(files, env, 'alerting');
    const names = workloadLogGroups(c);
    const filters = all(d, 'aws_cloudwatch_log_metric_filter');
    expect(filters.map((f) => [f.pattern, block(f.metric_transformation).name])).toEqual(
      Object.values(LOG_METRICS).map((m) => [m.pattern, m.name]),
    );
    for (const f of filters) {
      expect(f.log_group_name).toBe(names.app);
      expect(block(f.metric_transformation)).toMatchObject({
        namespace: `Taskboard/${env}`,
        default_value: '0',
      });
    }
    // One definition: the cluster stack creates these exact groups (KMS, retention) and lets
    // Fluent Bit write to each of them.
    const cluster = doc(files, env, 'cluster');
    const groups = all(cluster, 'aws_cloudwatch_log_group');
    for (const name of Object.values(names)) {
      expect(groups.find((g) => g.name === name)).toMatchObject({ retention_in_days: c.logRetentionDays });
    }
    const fluentBit = Object.entries(cluster.data?.aws_iam_policy_document ?? {}).find(([n]) =>
      n.startsWith('fluent-bit_role_permissions'),
    )![1];
    expect(JSON.stringify(fluentBit.statement)).toContain('aws_cloudwatch_log_group.app-logs_group');
    expect(JSON.stringify(fluentBit.statement)).toContain('aws_cloudwatch_log_group.fluent-bit-logs_group');
  });

  it('saves the Logs Insights queries of the investigations, over the API log group', () => {
    const queries = all(doc(files, env, 'alerting'), 'aws_cloudwatch_query_definition');
    expect(queries.map((q) => q.name)).toEqual(
      Object.keys(SAVED_QUERIES).map((t) => `taskboard-${env}/${t}`),
    );
    for (const q of queries) expect(q.log_group_names).toEqual([workloadLogGroups(c).app]);
    expect(Object.keys(SAVED_QUERIES)).toEqual([
      'Errors by route',
      'Slowest requests',
      "One request id's trail",
      'Auth failures by client',
      "One trace id's log lines",
    ]);
  });

  it('uses only field names the API writes (request-hooks.ts access line, pino level/msg)', () => {
    const hooks = readFileSync(repo('api/src/http/request-hooks.ts'), 'utf8');
    const fields = ['reqId', 'method', 'route', 'statusCode', 'durationMs', 'clientIp'];
    for (const f of fields) expect(hooks, f).toMatch(new RegExp(`\\b${f}[:,]`));
    expect(hooks).toContain("'request completed'");
    const used = [...Object.values(SAVED_QUERIES), ...Object.values(LOG_METRICS).map((m) => m.pattern)].join(
      '\n',
    );
    for (const f of fields.filter((x) => x !== 'method')) expect(used).toContain(f);
  });

  it("finds a trace's log lines by the trace_id and span_id fields the API's logger writes", () => {
    const logger = readFileSync(repo('api/src/core/logger.ts'), 'utf8');
    expect(logger).toMatch(/\btrace_id: ids\.traceId, span_id: ids\.spanId\b/);
    expect(SAVED_QUERIES["One trace id's log lines"]).toMatch(/^filter trace_id = "REPLACE-WITH-TRACE-ID"\n/);
    expect(SAVED_QUERIES["One trace id's log lines"]).toContain('span_id');
  });

  it('sends AWS Health, root activity and IAM policy changes to the warning topic (global ones via us-east-1)', () => {
    const d = doc(files, env, 'alerting');
    const rules = d.resource?.aws_cloudwatch_event_rule ?? {};
    const targets = d.resource?.aws_cloudwatch_event_target ?? {};
    for (const [id, r] of Object.entries(EVENT_RULES)) {
      expect(JSON.parse(String(rules[`event-${id}`]?.event_pattern))).toEqual(r.pattern);
      expect(targets[`event-${id}-target`]).toMatchObject({ arn: ref('aws_sns_topic.warning.arn') });
      const forward = rules[`event-${id}-us-east-1`];
      if (!r.global) {
        expect(forward).toBeUndefined();
        continue;
      }
      expect(forward).toMatchObject({
        provider: 'aws.us_east_1',
        event_pattern: rules[`event-${id}`]?.event_pattern,
      });
      expect(targets[`event-${id}-us-east-1-target`]).toMatchObject({
        provider: 'aws.us_east_1',
        arn: `arn:aws:events:${c.region}:${ref('data.aws_caller_identity.current.account_id')}:event-bus/default`,
      });
    }
    expect(EVENT_RULES['aws-health'].pattern.detail.service).toEqual(
      expect.arrayContaining(['EKS', 'RDS', 'ELASTICACHE']),
    );
    expect(EVENT_RULES['iam-policy-changes'].pattern.detail.eventName).toEqual(
      expect.arrayContaining([
        'AttachRolePolicy',
        'PutRolePolicy',
        'CreatePolicyVersion',
        'UpdateAssumeRolePolicy',
      ]),
    );
    const forwarder = Object.entries(d.data?.aws_iam_policy_document ?? {}).find(([n]) =>
      n.startsWith('events-forwarder_permissions'),
    )![1].statement as Block[];
    expect(forwarder).toEqual([expect.objectContaining({ actions: ['events:PutEvents'] })]);
    const topicPolicy = Object.entries(d.data?.aws_iam_policy_document ?? {}).find(([n]) =>
      n.startsWith('warning-policy-doc'),
    )![1].statement as Block[];
    expect(JSON.stringify(topicPolicy)).toContain('events.amazonaws.com');
  });

  it('finds the app ALB by the LB controller tags of the chart IngressGroup', () => {
    expect(data(doc(files, env, 'app-alarms'), 'aws_lb')).toEqual([
      expect.objectContaining({ tags: albLookupTags(c) }),
    ]);
    expect(albLookupTags(c)).toEqual({
      'elbv2.k8s.aws/cluster': `taskboard-${env}`,
      'ingress.k8s.aws/stack': c.edge.ingressGroupName,
    });
  });

  it('alarms on the ALB 5xx ratio with metric math, and on p95 at the latency SLO threshold', () => {
    const d = doc(files, env, 'app-alarms');
    const ratio = d.resource?.aws_cloudwatch_metric_alarm?.['alb-5xx-ratio-high'] as Block;
    const queries = ratio.metric_query as Block[];
    expect(queries.find((q) => q.return_data === true)?.expression).toBe(
      'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
    );
    expect(queries.map((q) => block(q.metric)?.metric_name).filter(Boolean)).toEqual([
      'RequestCount',
      'HTTPCode_ELB_5XX_Count',
      'HTTPCode_Target_5XX_Count',
    ]);
    for (const q of queries.filter((x) => x.metric)) {
      expect(block(q.metric).dimensions).toEqual({ LoadBalancer: ref('data.aws_lb.alb.arn_suffix') });
    }
    expect(ratio).toMatchObject({ threshold: 5, treat_missing_data: 'notBreaching' });
    const p95 = d.resource?.aws_cloudwatch_metric_alarm?.['alb-latency-p95-high'] as Block;
    expect(p95).toMatchObject({ extended_statistic: 'p95', threshold: SLOS.apiLatency.thresholdSeconds });
    expect(ratio.alarm_actions).toEqual([
      ref('data.terraform_remote_state.alerting.outputs.critical_topic_arn'),
    ]);
  });

  it('draws the AWS-side golden signals (ALB, CloudFront, RDS, ElastiCache, nodes) on one dashboard', () => {
    const body = JSON.parse(
      String(one(doc(files, env, 'app-alarms'), 'aws_cloudwatch_dashboard').dashboard_body),
    ) as {
      widgets: { properties: { metrics: unknown[][]; region: string } }[];
    };
    const namespaces = new Set(body.widgets.flatMap((w) => w.properties.metrics.map((m) => m[0])));
    expect(namespaces).toEqual(
      new Set(['AWS/ApplicationELB', 'AWS/CloudFront', 'AWS/RDS', 'AWS/ElastiCache', 'ContainerInsights']),
    );
    const cloudfront = body.widgets.filter((w) => w.properties.metrics[0]?.[0] === 'AWS/CloudFront');
    expect(cloudfront.every((w) => w.properties.region === 'us-east-1')).toBe(true);
    expect(JSON.stringify(body)).toContain(ref('data.terraform_remote_state.edge.outputs.distribution_id'));
  });
});

describe('every alarm is in the catalogue, names a runbook that exists, and is in docs/alarms.md', () => {
  const catalogue = alarmCatalogue(loadConfig({}));

  it.each(envs)(
    '%s: synthesized alarms are exactly the catalogue (threshold, window, missing data, topic)',
    (env) => {
      const synthesized = alarms(env);
      expect(synthesized.map((a) => a.id).sort()).toEqual(catalogue[env].map((e) => e.spec.id).sort());
      for (const { stack, spec } of catalogue[env]) {
        const a = synthesized.find((x) => x.id === spec.id)!;
        expect(a.stack).toBe(stack);
        expect(a.body).toMatchObject({
          alarm_name: `taskboard-${env}-${spec.id}`,
          comparison_operator: spec.comparison,
          threshold: spec.threshold,
          evaluation_periods: spec.evaluationPeriods,
          treat_missing_data: spec.treatMissingData,
        });
        expect(String((a.body.alarm_actions as string[])[0])).toMatch(
          new RegExp(`aws_sns_topic\\.${spec.topic}\\.arn|outputs\\.${spec.topic}_topic_arn`),
        );
        expect(a.body.ok_actions).toEqual(a.body.alarm_actions);
      }
    },
  );

  it.each(envs)('%s: each alarm description names a runbook file that exists', (env) => {
    for (const a of alarms(env)) {
      const description = String(a.body.alarm_description);
      const file = description.split(RUNBOOK_PREFIX)[1];
      expect(file, a.id).toMatch(/^[\w.-]+\.md$/);
      expect(existsSync(repo(`docs/runbooks/${file}`)), `${a.id}: docs/runbooks/${file}`).toBe(true);
    }
  });

  it('lists every AWS runbook in the runbook index', () => {
    const index = readFileSync(repo('docs/runbooks/README.md'), 'utf8');
    const runbooks = new Set(envs.flatMap((env) => catalogue[env].map((e) => e.spec.runbook)));
    for (const r of runbooks) expect(index).toContain(`(${r})`);
  });

  it(`${ALARM_TABLE_PATH} is what \`make docs-alarms\` generates now`, () => {
    expect(readFileSync(repo(ALARM_TABLE_PATH), 'utf8'), 'stale: run `make docs-alarms` and commit').toBe(
      renderAlarmTable(loadConfig({})),
    );
  });

  it('covers the alarms the seeds ask for in both environments', () => {
    for (const env of envs) {
      const ids = catalogue[env].map((e) => e.spec.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'alb-5xx-ratio-high',
          'alb-latency-p95-high',
          'alb-latency-p99-high',
          'alb-unhealthy-hosts',
          'rds-cpu-high',
          'rds-free-storage-low',
          'rds-connections-high',
          'cache-cpu-high',
          'cache-memory-high',
          'cache-evictions',
          'node-cpu-high',
          'node-memory-high',
          'watchdog-heartbeat-missing',
        ]),
      );
    }
    // Aurora with a replica adds the replica-lag alarm (RDS Multi-AZ's standby has no lag metric).
    const aurora = alarmCatalogue(loadConfig({ TASKBOARD_PROD_DB_ENGINE: 'aurora-serverless-v2' }));
    expect(aurora.prod.map((e) => e.spec.id)).toContain('aurora-replica-lag-high');
    expect(aurora.prod.map((e) => e.spec.id)).not.toContain('rds-free-storage-low');
  });
});
