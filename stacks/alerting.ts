import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { API_TRACE_SERVICE_NAME } from '@taskboard/contracts';
import { Construct } from 'constructs';
import type { EnvConfig } from './config';
import { Alarm, type AlarmSpec, type AlarmTopic } from './constructs/alarm';
import { policyDocument, Role, servicePrincipalTrust } from './constructs/iam';
import { StackKey } from './constructs/kms-key';
import { workloadLogGroups } from './constructs/log-groups';
import { TaskboardStack } from './constructs/taskboard-stack';
import { clusterName } from './network';
import { XrayTracing } from './observability/xray';

const GIB = 1024 ** 3;

/** AWS services that publish to the alert topics: alarms, EventBridge rules, AWS Budgets (audit stack). */
const PUBLISHING_SERVICES = ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'budgets.amazonaws.com'];

/** Services whose AWS Health events reach the warning topic: the ones these stacks use. */
export const HEALTH_SERVICES = [
  'EKS',
  'EC2',
  'RDS',
  'ELASTICACHE',
  'ELASTICLOADBALANCING',
  'CLOUDFRONT',
  'S3',
  'ECR',
  'KMS',
  'SECRETSMANAGER',
  'ROUTE53',
  'CLOUDWATCH',
  'SNS',
];

/** IAM calls that change who may do what (CloudTrail management events, write only). */
export const IAM_POLICY_EVENTS = [
  'CreatePolicy',
  'CreatePolicyVersion',
  'DeletePolicy',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'PutGroupPolicy',
  'DeleteGroupPolicy',
  'UpdateAssumeRolePolicy',
  'CreateAccessKey',
  'CreateUser',
  'CreateLoginProfile',
];

/**
 * EventBridge patterns sent to the warning topic. `global` ones (IAM, root sign-in) are emitted
 * only in us-east-1: a rule there forwards them to this region's default bus, where the same
 * pattern matches them (and the region's own root API calls).
 */
export const EVENT_RULES = {
  'aws-health': {
    global: false,
    description: 'AWS Health events for the services these stacks use',
    pattern: {
      source: ['aws.health'],
      'detail-type': ['AWS Health Event'],
      detail: { service: HEALTH_SERVICES },
    },
  },
  'root-activity': {
    global: true,
    description: 'Any sign-in or API call by the account root user',
    pattern: {
      'detail-type': ['AWS Console Sign In via CloudTrail', 'AWS API Call via CloudTrail'],
      detail: { userIdentity: { type: ['Root'] } },
    },
  },
  'iam-policy-changes': {
    global: true,
    description: 'IAM policy, trust and credential changes (CloudTrail)',
    pattern: {
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['iam.amazonaws.com'], eventName: IAM_POLICY_EVENTS },
    },
  },
} as const;

/** Physical names of what the alarms watch: the conventions of the data and cluster stacks. */
export function alarmTargets(env: EnvConfig) {
  const prefix = `${env.project}-${env.name}`;
  return {
    prefix,
    /** RDS instance (rds engine) or Aurora cluster identifier (data.ts). */
    database:
      env.database.engine === 'rds'
        ? { dimension: 'DBInstanceIdentifier', id: `${prefix}-postgres` }
        : { dimension: 'DBClusterIdentifier', id: `${prefix}-aurora` },
    /** ElastiCache member clusters of the replication group `<prefix>-redis`: -001, -002, … */
    cacheNodes: Array.from(
      { length: env.cache.nodes },
      (_, i) => `${prefix}-redis-${String(i + 1).padStart(3, '0')}`,
    ),
    cluster: clusterName(env),
    heartbeatTopic: `${prefix}-alertmanager-heartbeat`,
    /** Namespace of the metrics our log metric filters publish. */
    logMetricsNamespace: `Taskboard/${env.name}`,
  };
}

/** Metric filters over the API's JSON lines (pino: `level` 50 = error; access lines carry `statusCode`). */
export const LOG_METRICS = {
  errorLines: { name: 'ApiErrorLogLines', pattern: '{ $.level >= 50 }' },
  serverErrors: {
    name: 'Api5xxResponses',
    pattern: '{ ($.msg = "request completed") && ($.statusCode >= 500) }',
  },
} as const;

/**
 * Saved Logs Insights queries for the investigations the runbooks start with. Field names are
 * the API's log fields (api/src/http/request-hooks.ts, api/src/core/logger.ts).
 */
export const SAVED_QUERIES: Record<string, string> = {
  'Errors by route': [
    'filter msg = "request completed" and statusCode >= 500',
    'stats count(*) as errors by route, method, statusCode',
    'sort errors desc',
  ].join('\n| '),
  'Slowest requests': [
    'filter msg = "request completed"',
    'fields @timestamp, method, route, statusCode, durationMs, reqId',
    'sort durationMs desc',
    'limit 50',
  ].join('\n| '),
  "One request id's trail": [
    // Replace the id with the x-request-id a user or an error line reported.
    'filter reqId = "REPLACE-WITH-REQUEST-ID"',
    'fields @timestamp, level, msg, route, statusCode, durationMs, err.type, err.message',
    'sort @timestamp asc',
  ].join('\n| '),
  'Auth failures by client': [
    'filter msg = "request completed" and route like /^\\/api\\/auth\\// and statusCode in [401, 403, 429]',
    'stats count(*) as failures by clientIp, route, statusCode',
    'sort failures desc',
    'limit 50',
  ].join('\n| '),
  // Last: saved queries are numbered by position, so a new one is appended.
  "One trace id's log lines": [
    // The trace id from an exemplar or X-Ray (32 hex digits, without X-Ray's 1-xxxxxxxx- dashes).
    'filter trace_id = "REPLACE-WITH-TRACE-ID"',
    'fields @timestamp, level, msg, route, statusCode, durationMs, span_id, reqId',
    'sort @timestamp asc',
  ].join('\n| '),
};

/** Alarms of the data tier, the nodes, the API's logs and the monitoring heartbeat. */
export function alertingAlarms(env: EnvConfig): AlarmSpec[] {
  const t = alarmTargets(env);
  const db = { [t.database.dimension]: t.database.id };
  const cacheMax = (metric: string, statistic: string) => ({
    label: `max over ${t.cacheNodes.length} node(s)`,
    math: [
      {
        id: 'worst',
        expression: `MAX([${t.cacheNodes.map((_, i) => `m${i}`).join(', ')}])`,
        returnData: true,
      },
      ...t.cacheNodes.map((node, i) => ({
        id: `m${i}`,
        returnData: false,
        metric: {
          namespace: 'AWS/ElastiCache',
          metricName: metric,
          dimensions: { CacheClusterId: node },
          period: 300,
          stat: statistic,
        },
      })),
    ],
  });
  const stillThere =
    'no data means the resource is stopped or gone, which another alarm or the deploy reports: keep the last state';
  const alarms: AlarmSpec[] = [
    {
      id: 'watchdog-heartbeat-missing',
      summary:
        'The Prometheus Watchdog heartbeat stopped reaching SNS for 15 minutes: in-cluster alerting (Prometheus or Alertmanager) is down, so no other alert can page.',
      runbook: 'aws-watchdog-heartbeat.md',
      topic: 'critical',
      metric: {
        namespace: 'AWS/SNS',
        name: 'NumberOfMessagesPublished',
        dimensions: { TopicName: t.heartbeatTopic },
        statistic: 'Sum',
      },
      comparison: 'LessThanThreshold',
      threshold: 1,
      periodSeconds: 300,
      evaluationPeriods: 3,
      treatMissingData: 'breaching',
      missingDataReason:
        'SNS publishes no datapoint when nothing is published: silence is the failure itself',
    },
    {
      id: 'rds-cpu-high',
      summary: 'PostgreSQL CPU above 80 % for 15 minutes.',
      runbook: 'aws-rds.md',
      topic: 'warning',
      metric: { namespace: 'AWS/RDS', name: 'CPUUtilization', dimensions: db, statistic: 'Average' },
      comparison: 'GreaterThanThreshold',
      threshold: 80,
      periodSeconds: 300,
      evaluationPeriods: 3,
      treatMissingData: 'missing',
      missingDataReason: stillThere,
    },
    {
      id: 'rds-connections-high',
      summary: `PostgreSQL connections above ${env.alerting.databaseConnections} (~80 % of max_connections) for 10 minutes.`,
      runbook: 'aws-rds.md',
      topic: 'warning',
      metric: { namespace: 'AWS/RDS', name: 'DatabaseConnections', dimensions: db, statistic: 'Maximum' },
      comparison: 'GreaterThanThreshold',
      threshold: env.alerting.databaseConnections,
      periodSeconds: 300,
      evaluationPeriods: 2,
      treatMissingData: 'missing',
      missingDataReason: stillThere,
    },
  ];
  if (env.database.engine === 'rds') {
    const bytes = Math.round(env.database.allocatedStorageGb * 0.05 * GIB);
    alarms.push({
      id: 'rds-free-storage-low',
      summary: `PostgreSQL free storage below ${(bytes / GIB).toFixed(1)} GiB (5 % of the initial allocation): storage autoscaling did not keep up or hit maxAllocatedStorage.`,
      runbook: 'aws-rds.md',
      topic: 'critical',
      metric: { namespace: 'AWS/RDS', name: 'FreeStorageSpace', dimensions: db, statistic: 'Minimum' },
      comparison: 'LessThanThreshold',
      threshold: bytes,
      periodSeconds: 300,
      evaluationPeriods: 1,
      treatMissingData: 'missing',
      missingDataReason: stillThere,
    });
  }
  if (env.database.engine === 'aurora-serverless-v2' && env.database.multiAz) {
    // Only Aurora has a readable replica here (RDS Multi-AZ's standby publishes no ReplicaLag).
    alarms.push({
      id: 'aurora-replica-lag-high',
      summary: 'Aurora replica lag above 1 second for 5 minutes: a failover would lose recent writes.',
      runbook: 'aws-rds.md',
      topic: 'warning',
      metric: { namespace: 'AWS/RDS', name: 'AuroraReplicaLagMaximum', dimensions: db, statistic: 'Maximum' },
      comparison: 'GreaterThanThreshold',
      threshold: 1000,
      periodSeconds: 60,
      evaluationPeriods: 5,
      treatMissingData: 'missing',
      missingDataReason: stillThere,
    });
  }
  alarms.push(
    {
      id: 'cache-cpu-high',
      summary: 'Redis engine CPU (single-threaded) above 80 % on a node for 15 minutes.',
      runbook: 'aws-elasticache.md',
      topic: 'warning',
      metric: cacheMax('EngineCPUUtilization', 'Average'),
      comparison: 'GreaterThanThreshold',
      threshold: 80,
      periodSeconds: 300,
      evaluationPeriods: 3,
      treatMissingData: 'missing',
      missingDataReason: stillThere,
    },
    {
      id: 'cache-memory-high',
      summary: 'Redis memory above 85 % of maxmemory on a node for 15 minutes: evictions follow.',
      runbook: 'aws-elasticache.md',
      topic: 'warning',
      metric: cacheMax('DatabaseMemoryUsagePercentage', 'Average'),
      comparison: 'GreaterThanThreshold',
      threshold: 85,
      periodSeconds: 300,
      evaluationPeriods: 3,
      treatMissingData: 'missing',
      missingDataReason: stillThere,
    },
    {
      id: 'cache-evictions',
      summary:
        'Redis evicted more than 100 keys in 5 minutes twice in a row: the cache is too small for its working set.',
      runbook: 'aws-elasticache.md',
      topic: 'warning',
      metric: cacheMax('Evictions', 'Sum'),
      comparison: 'GreaterThanThreshold',
      threshold: 100,
      periodSeconds: 300,
      evaluationPeriods: 2,
      treatMissingData: 'notBreaching',
      missingDataReason: 'a counter without datapoints evicted nothing',
    },
    {
      id: 'node-cpu-high',
      summary:
        'Average EKS node CPU above 80 % for 15 minutes (Container Insights): the autoscaler is not keeping up.',
      runbook: 'aws-eks-nodes.md',
      topic: 'warning',
      metric: {
        namespace: 'ContainerInsights',
        name: 'node_cpu_utilization',
        dimensions: { ClusterName: t.cluster },
        statistic: 'Average',
      },
      comparison: 'GreaterThanThreshold',
      threshold: 80,
      periodSeconds: 300,
      evaluationPeriods: 3,
      treatMissingData: 'missing',
      missingDataReason:
        'no data means the CloudWatch agent is not reporting, not that CPU is high: keep the last state',
    },
    {
      id: 'node-memory-high',
      summary: 'Average EKS node memory above 85 % for 15 minutes (Container Insights): pods risk eviction.',
      runbook: 'aws-eks-nodes.md',
      topic: 'warning',
      metric: {
        namespace: 'ContainerInsights',
        name: 'node_memory_utilization',
        dimensions: { ClusterName: t.cluster },
        statistic: 'Average',
      },
      comparison: 'GreaterThanThreshold',
      threshold: 85,
      periodSeconds: 300,
      evaluationPeriods: 3,
      treatMissingData: 'missing',
      missingDataReason:
        'no data means the CloudWatch agent is not reporting, not that memory is high: keep the last state',
    },
    {
      id: 'api-error-log-lines',
      summary:
        'The API logged more than 10 error-level lines in 5 minutes twice in a row (CloudWatch Logs metric filter).',
      runbook: 'aws-api-error-logs.md',
      topic: 'warning',
      metric: {
        namespace: t.logMetricsNamespace,
        name: LOG_METRICS.errorLines.name,
        dimensions: {},
        statistic: 'Sum',
      },
      comparison: 'GreaterThanThreshold',
      threshold: 10,
      periodSeconds: 300,
      evaluationPeriods: 2,
      treatMissingData: 'notBreaching',
      missingDataReason: 'no matching line means no error (a silent Fluent Bit is its own Prometheus alert)',
    },
  );
  return alarms;
}

/**
 * The second alerting path, independent of Prometheus: KMS-encrypted SNS topics `critical` and
 * `warning` (e-mail subscriptions from config), the Alertmanager heartbeat topic and its dead
 * man's switch, metric filters and saved Logs Insights queries over the API's log group, and
 * CloudWatch alarms on the data tier and the nodes.
 */
export class AlertingStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'alerting');
    const t = alarmTargets(env);
    const logs = workloadLogGroups(env);

    const key = new StackKey(this, 'key', {
      alias: `${this.prefix}-alerting`,
      description: `Encrypts the ${env.name} alerting SNS topics`,
      accountId: this.accountId,
      serviceStatements: [
        {
          // Alarms (and budget notifications) reach encrypted topics only if the service may use the key.
          sid: 'CloudWatchAlarmsPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: PUBLISHING_SERVICES }],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.accountId] }],
        },
      ],
    });

    const topic = (id: string, name: string, display: string) => {
      const snsTopic = new SnsTopic(this, id, {
        name,
        displayName: display,
        kmsMasterKeyId: key.key.arn,
      });
      const doc = policyDocument(this, `${id}-policy-doc`, [
        {
          sid: 'CloudWatchAlarmsPublish',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: PUBLISHING_SERVICES }],
          actions: ['sns:Publish'],
          resources: [snsTopic.arn],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.accountId] }],
        },
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['sns:Publish'],
          resources: [snsTopic.arn],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ]);
      new SnsTopicPolicy(this, `${id}-policy`, { arn: snsTopic.arn, policy: doc.json });
      return snsTopic;
    };
    const topics: Record<AlarmTopic, SnsTopic> = {
      critical: topic('critical', `${this.prefix}-alerts-critical`, `${this.prefix} critical`),
      warning: topic('warning', `${this.prefix}-alerts-warning`, `${this.prefix} warning`),
    };
    const heartbeat = topic('heartbeat', t.heartbeatTopic, `${this.prefix} Alertmanager heartbeat`);
    for (const [name, snsTopic] of Object.entries(topics)) {
      env.alerting.emails.forEach((email, i) => {
        new SnsTopicSubscription(this, `${name}-email-${i}`, {
          topicArn: snsTopic.arn,
          protocol: 'email',
          endpoint: email,
        });
      });
    }

    // Alertmanager (in the cluster) signs SNS requests with its IRSA role; the platform stack
    // attaches this policy to that role: tickets to `warning`, the Watchdog to the heartbeat.
    const alertmanager = policyDocument(this, 'alertmanager-sns-doc', [
      {
        sid: 'PublishTicketsAndHeartbeat',
        effect: 'Allow',
        actions: ['sns:Publish'],
        resources: [topics.warning.arn, heartbeat.arn],
      },
      {
        sid: 'EncryptForEncryptedTopics',
        effect: 'Allow',
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: [key.key.arn],
      },
    ]);
    const alertmanagerPolicy = new IamPolicy(this, 'alertmanager-sns', {
      name: `${this.prefix}-alertmanager-sns`,
      description: 'Alertmanager: publish tickets and the Watchdog heartbeat to SNS',
      policy: alertmanager.json,
    });

    for (const [id, m] of Object.entries(LOG_METRICS)) {
      new CloudwatchLogMetricFilter(this, `log-metric-${id}`, {
        name: `${this.prefix}-${m.name}`,
        logGroupName: logs.app,
        pattern: m.pattern,
        metricTransformation: {
          namespace: t.logMetricsNamespace,
          name: m.name,
          value: '1',
          // Lines that do not match count 0, so a quiet period is a real zero, not a gap.
          defaultValue: '0',
          unit: 'Count',
        },
      });
    }
    Object.entries(SAVED_QUERIES).forEach(([title, query], i) => {
      new CloudwatchQueryDefinition(this, `query-${i}`, {
        name: `${this.prefix}/${title}`,
        logGroupNames: [logs.app],
        queryString: query,
      });
    });

    const xray = new XrayTracing(this, 'xray', {
      prefix: this.prefix,
      serviceName: API_TRACE_SERVICE_NAME,
      fixedRate: env.app.tracingSampleRatio,
    });

    this.eventRules(topics.warning);

    const arns = { critical: topics.critical.arn, warning: topics.warning.arn };
    for (const spec of alertingAlarms(env)) new Alarm(this, this.prefix, spec, arns);

    this.output('critical_topic_arn', topics.critical.arn, 'SNS topic that pages (every critical alarm)');
    this.output(
      'warning_topic_arn',
      topics.warning.arn,
      'SNS topic for tickets (Alertmanager ticketTopicArn)',
    );
    this.output(
      'heartbeat_topic_arn',
      heartbeat.arn,
      'SNS topic of the Watchdog heartbeat (Alertmanager heartbeatTopicArn)',
    );
    this.output(
      'alertmanager_sns_policy_arn',
      alertmanagerPolicy.arn,
      "IAM policy the platform stack attaches to Alertmanager's IRSA role",
    );
    this.output('alerting_kms_key_arn', key.key.arn, 'KMS key of the alerting topics');
    this.output('xray_group_arn', xray.group.arn, "X-Ray group of the API's traces");
  }

  /** EventBridge rules to the warning topic; global events forwarded from us-east-1 first. */
  private eventRules(warning: SnsTopic): void {
    const usEast1 = this.usEast1Provider;
    const bus = `arn:aws:events:${this.env.region}:${this.accountId}:event-bus/default`;
    const forwarder = new Role(this, 'events-forwarder', {
      name: `${this.prefix}-events-forwarder`,
      trust: [servicePrincipalTrust('events.amazonaws.com')],
      statements: [
        { sid: 'PutToRegionalBus', effect: 'Allow', actions: ['events:PutEvents'], resources: [bus] },
      ],
    });
    for (const [id, r] of Object.entries(EVENT_RULES)) {
      const rule = new CloudwatchEventRule(this, `event-${id}`, {
        name: `${this.prefix}-${id}`,
        description: r.description,
        eventPattern: JSON.stringify(r.pattern),
      });
      new CloudwatchEventTarget(this, `event-${id}-target`, { rule: rule.name, arn: warning.arn });
      if (!r.global) continue;
      const forward = new CloudwatchEventRule(this, `event-${id}-us-east-1`, {
        provider: usEast1,
        name: `${this.prefix}-${id}-forward`,
        description: `${r.description}: forwarded to ${this.env.region}`,
        eventPattern: JSON.stringify(r.pattern),
      });
      new CloudwatchEventTarget(this, `event-${id}-us-east-1-target`, {
        provider: usEast1,
        rule: forward.name,
        arn: bus,
        roleArn: forwarder.role.arn,
      });
    }
  }
}
