import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { ConfigConfigRule } from '@cdktf/provider-aws/lib/config-config-rule';
import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { Construct } from 'constructs';
import type { ComplianceConfig } from '../config';
import { Role, servicePrincipalTrust } from './iam';
import { PrivateBucket } from './private-bucket';

/**
 * AWS managed Config rules, each the account-side twin of a rule of our policy suite
 * (stacks/policy/rules.ts): the suite proves the code, these prove what is really deployed
 * (someone's console change included).
 */
export const MANAGED_CONFIG_RULES = {
  ENCRYPTED_VOLUMES: { policyRule: 'EBS-ENCRYPTION', scope: ['AWS::EC2::Volume'] },
  RDS_STORAGE_ENCRYPTED: { policyRule: 'RDS-ENCRYPTION', scope: ['AWS::RDS::DBInstance'] },
  S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED: {
    policyRule: 'S3-PUBLIC-ACCESS-BLOCKED',
    scope: ['AWS::S3::Bucket'],
  },
  // Periodic rules: they evaluate the account itself, no recorded resource type needed.
  S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC: { policyRule: 'S3-PUBLIC-ACCESS-BLOCKED', scope: [] },
  INCOMING_SSH_DISABLED: { policyRule: 'NO-PUBLIC-INGRESS', scope: ['AWS::EC2::SecurityGroup'] },
  // Root MFA is an account setting no code creates: only Config can watch it.
  ROOT_ACCOUNT_MFA_ENABLED: { policyRule: null, scope: [] },
} as const satisfies Record<string, { policyRule: string | null; scope: readonly string[] }>;
export type ManagedConfigRule = keyof typeof MANAGED_CONFIG_RULES;

/**
 * `rule-scope` records only what the rules evaluate (plus the other RDS/IAM types an incident
 * review asks about first): Config bills per recorded configuration item, and dev's churn
 * (nodes scaled to zero every night, spot replacements) would record mostly noise.
 */
export const RULE_SCOPE_RESOURCE_TYPES = [
  ...new Set<string>([
    ...Object.values(MANAGED_CONFIG_RULES).flatMap((r) => r.scope),
    'AWS::RDS::DBCluster',
    'AWS::IAM::Role',
    'AWS::IAM::Policy',
  ]),
].sort();

/** The Config rule that fires non-compliance events (EventBridge) names itself with this prefix. */
export function configRuleName(prefix: string, rule: ManagedConfigRule): string {
  return `${prefix}-${rule.toLowerCase().replaceAll('_', '-')}`;
}

export interface ConfigRulesProps {
  prefix: string;
  accountId: string;
  config: ComplianceConfig;
  kmsKeyArn: string;
  accessLogsBucketId: string;
  warningTopicArn: string;
}

/**
 * AWS Config: recorder (enabled), delivery to a private KMS bucket, the managed rules above, and
 * every NON_COMPLIANT evaluation sent to the warning topic through EventBridge.
 */
export class ConfigRules extends Construct {
  readonly recorder: ConfigConfigurationRecorder;
  readonly bucket: PrivateBucket;

  constructor(scope: Construct, id: string, props: ConfigRulesProps) {
    super(scope, id);
    const { prefix, accountId } = props;
    this.bucket = new PrivateBucket(this, 'bucket', {
      name: `${prefix}-config-${accountId}`,
      encryption: { kmsKeyArn: props.kmsKeyArn },
      expireAfterDays: props.config.snapshotDays,
      noncurrentDays: 30,
      accessLogs: { bucketId: props.accessLogsBucketId, prefix: 'config/' },
    });
    // Only the baseline (TLS-only, KMS-only writes): Config writes with its role, same account.
    this.bucket.attachPolicy([]);
    const bucketArn = this.bucket.bucket.arn;
    const role = new Role(this, 'role', {
      name: `${prefix}-config`,
      trust: [servicePrincipalTrust('config.amazonaws.com')],
      managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWS_ConfigRole'],
      statements: [
        {
          sid: 'DeliverSnapshots',
          effect: 'Allow',
          actions: ['s3:PutObject'],
          resources: [`${bucketArn}/AWSLogs/${accountId}/Config/*`],
        },
        { sid: 'CheckBucketAcl', effect: 'Allow', actions: ['s3:GetBucketAcl'], resources: [bucketArn] },
        {
          sid: 'EncryptSnapshots',
          effect: 'Allow',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.kmsKeyArn],
        },
      ],
    });
    const all = props.config.recording === 'all';
    this.recorder = new ConfigConfigurationRecorder(this, 'recorder', {
      name: `${prefix}-recorder`,
      roleArn: role.role.arn,
      recordingGroup: all
        ? { allSupported: true, includeGlobalResourceTypes: props.config.recordGlobalTypes }
        : {
            allSupported: false,
            recordingStrategy: [{ useOnly: 'INCLUSION_BY_RESOURCE_TYPES' }],
            resourceTypes: RULE_SCOPE_RESOURCE_TYPES,
          },
    });
    const channel = new ConfigDeliveryChannel(this, 'channel', {
      name: `${prefix}-config`,
      s3BucketName: this.bucket.bucket.bucket,
      s3KmsKeyArn: props.kmsKeyArn,
      snapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
      dependsOn: [this.recorder],
    });
    new ConfigConfigurationRecorderStatus(this, 'status', {
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });

    for (const [identifier, spec] of Object.entries(MANAGED_CONFIG_RULES)) {
      const name = configRuleName(prefix, identifier as ManagedConfigRule);
      new ConfigConfigRule(this, `rule-${identifier.toLowerCase()}`, {
        name,
        description: spec.policyRule
          ? `Account-side twin of policy rule ${spec.policyRule}`
          : 'Account setting no code creates',
        source: { owner: 'AWS', sourceIdentifier: identifier },
        scope: spec.scope.length > 0 ? { complianceResourceTypes: [...spec.scope] } : undefined,
        maximumExecutionFrequency: spec.scope.length > 0 ? undefined : 'TwentyFour_Hours',
        // A rule needs a recorder to exist before it can be created.
        dependsOn: [this.recorder],
      });
    }

    const changes = new CloudwatchEventRule(this, 'non-compliant', {
      name: `${prefix}-config-non-compliant`,
      description: 'An AWS Config rule found a non-compliant resource',
      eventPattern: JSON.stringify({
        source: ['aws.config'],
        'detail-type': ['Config Rules Compliance Change'],
        detail: {
          configRuleName: [{ prefix: `${prefix}-` }],
          newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
        },
      }),
    });
    new CloudwatchEventTarget(this, 'non-compliant-target', {
      rule: changes.name,
      arn: props.warningTopicArn,
    });
  }
}
