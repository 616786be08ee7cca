import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { CeCostAllocationTag } from '@cdktf/provider-aws/lib/ce-cost-allocation-tag';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import type { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import type { EnvConfig } from './config';
import { ConfigRules } from './constructs/config-rules';
import { DevScaleDown } from './constructs/dev-scale-down';
import { Role, servicePrincipalTrust } from './constructs/iam';
import { logsServiceStatement, StackKey } from './constructs/kms-key';
import { EncryptedLogGroup } from './constructs/log-group';
import { PrivateBucket } from './constructs/private-bucket';
import { SlackChatbot } from './constructs/slack-chatbot';
import { TaskboardStack } from './constructs/taskboard-stack';

/** Actual-spend thresholds (percent of the monthly budget) that notify, plus 100 % forecast. */
export const BUDGET_ACTUAL_THRESHOLDS = [50, 80, 100];

/** The provider default tag every resource carries; activated as a cost-allocation tag. */
export const COST_ALLOCATION_TAG = 'environment';

/**
 * Audit and cost guardrails: a multi-region CloudTrail (log file validation, KMS-encrypted
 * bucket with lifecycle, CloudWatch Logs delivery, S3 data events on the state and log buckets),
 * AWS Config with the managed rules matching the policy suite, a monthly AWS Budget notifying
 * the warning topic, dev's night scale-down, and the optional Slack channel (AWS Chatbot).
 */
export class AuditStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'audit');
    const a = env.audit;
    const alerting = this.remoteState('alerting');
    const edge = this.remoteState('edge');
    const trailName = `${this.prefix}-trail`;
    const trailArn = `arn:aws:cloudtrail:${env.region}:${this.accountId}:trail/${trailName}`;

    const key = new StackKey(this, 'key', {
      alias: `${this.prefix}-audit`,
      description: `Encrypts the ${env.name} CloudTrail log files and log group`,
      accountId: this.accountId,
      serviceStatements: [
        {
          sid: 'CloudTrailEncryptsLogs',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
          actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
          resources: ['*'],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] },
            {
              test: 'StringLike',
              variable: 'kms:EncryptionContext:aws:cloudtrail:arn',
              values: [`arn:aws:cloudtrail:*:${this.accountId}:trail/*`],
            },
          ],
        },
        logsServiceStatement(env.region, this.accountId),
      ],
    });

    const accessLogs = new PrivateBucket(this, 'access-logs', {
      name: `${this.prefix}-audit-access-logs-${this.accountId}`,
      encryption: 'access-logs',
      expireAfterDays: 365,
      noncurrentDays: 7,
    });
    accessLogs.attachPolicy([
      {
        sid: 'S3LogDelivery',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: [`${accessLogs.bucket.arn}/*`],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.accountId] }],
      },
    ]);
    const trailBucket = new PrivateBucket(this, 'trail-bucket', {
      name: `${this.prefix}-cloudtrail-${this.accountId}`,
      encryption: { kmsKeyArn: key.key.arn },
      expireAfterDays: a.trailLogDays,
      noncurrentDays: 30,
      accessLogs: { bucketId: accessLogs.bucket.id, prefix: 'cloudtrail/' },
    });
    const sourceTrail = { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] };
    trailBucket.attachPolicy([
      {
        sid: 'CloudTrailAclCheck',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
        actions: ['s3:GetBucketAcl'],
        resources: [trailBucket.bucket.arn],
        condition: [sourceTrail],
      },
      {
        sid: 'CloudTrailWrite',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: [`${trailBucket.bucket.arn}/AWSLogs/${this.accountId}/*`],
        condition: [
          sourceTrail,
          { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
        ],
      },
    ]);

    const logs = new EncryptedLogGroup(this, 'trail-logs', {
      name: `/aws/cloudtrail/${trailName}`,
      retentionDays: env.logRetentionDays,
      kmsKeyArn: key.key.arn,
    });
    const toLogs = new Role(this, 'trail-to-logs', {
      name: `${trailName}-to-logs`,
      trust: [servicePrincipalTrust('cloudtrail.amazonaws.com')],
      statements: [
        {
          sid: 'WriteTrailLogGroup',
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logs.group.arn}:*`],
        },
      ],
    });

    // Who read or wrote Terraform state and the log buckets: S3 object-level (data) events.
    const watchedBuckets = [
      `arn:aws:s3:::${env.stateBucket}/`,
      `arn:aws:s3:::${env.stateBucket}-access-logs/`,
      `arn:aws:s3:::${edge.getString('edge_logs_bucket')}/`,
      `${accessLogs.bucket.arn}/`,
    ];
    const trail = new Cloudtrail(this, 'trail', {
      name: trailName,
      s3BucketName: trailBucket.bucket.bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: key.key.arn,
      cloudWatchLogsGroupArn: `${logs.group.arn}:*`,
      cloudWatchLogsRoleArn: toLogs.role.arn,
      advancedEventSelector: [
        {
          name: 'Management events',
          fieldSelector: [{ field: 'eventCategory', equalTo: ['Management'] }],
        },
        {
          name: 'State and log bucket object access',
          fieldSelector: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            { field: 'resources.ARN', startsWith: watchedBuckets },
          ],
        },
      ],
      // CloudTrail checks the bucket policy when the trail is created.
      dependsOn: [trailBucket.node.findChild('policy') as S3BucketPolicy],
    });

    new CeCostAllocationTag(this, 'cost-tag', { tagKey: COST_ALLOCATION_TAG, status: 'Active' });
    const warning = alerting.getString('warning_topic_arn');
    new BudgetsBudget(this, 'budget', {
      name: `${this.prefix}-monthly`,
      budgetType: 'COST',
      limitAmount: a.budgetMonthlyUsd.toFixed(2),
      limitUnit: 'USD',
      timeUnit: 'MONTHLY',
      costFilter: [{ name: 'TagKeyValue', values: [`user:${COST_ALLOCATION_TAG}$${env.name}`] }],
      notification: [
        ...BUDGET_ACTUAL_THRESHOLDS.map((threshold) => ({
          comparisonOperator: 'GREATER_THAN',
          threshold,
          thresholdType: 'PERCENTAGE',
          notificationType: 'ACTUAL',
          subscriberSnsTopicArns: [warning],
        })),
        {
          comparisonOperator: 'GREATER_THAN',
          threshold: 100,
          thresholdType: 'PERCENTAGE',
          notificationType: 'FORECASTED',
          subscriberSnsTopicArns: [warning],
        },
      ],
    });

    if (a.compliance.enabled) {
      new ConfigRules(this, 'config', {
        prefix: this.prefix,
        accountId: this.accountId,
        config: a.compliance,
        kmsKeyArn: key.key.arn,
        accessLogsBucketId: accessLogs.bucket.id,
        warningTopicArn: warning,
      });
    }
    if (a.scaleDown) {
      new DevScaleDown(this, 'scale-down', { env, schedule: a.scaleDown, accountId: this.accountId });
    }
    if (a.slack) {
      new SlackChatbot(this, 'chatbot', {
        prefix: this.prefix,
        slack: a.slack,
        topicArns: [alerting.getString('critical_topic_arn'), warning],
      });
    }

    this.output('trail_arn', trail.arn, 'Multi-region CloudTrail trail');
    this.output('trail_bucket', trailBucket.bucket.bucket, 'S3 bucket of the CloudTrail log files');
    this.output('trail_log_group', logs.group.name, 'CloudWatch log group receiving CloudTrail events');
  }
}
