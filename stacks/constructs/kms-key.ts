import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { policyDocument, type Statement } from './iam';

export interface StackKeyProps {
  alias: string;
  description: string;
  accountId: string;
  /** Extra key-policy statements for AWS services that encrypt with this key (Logs, Auto Scaling). */
  serviceStatements?: Statement[];
}

/** Sid of the one statement allowed to use kms:* on *: it is how key policies delegate to IAM. */
export const KEY_ADMIN_SID = 'EnableIamPolicies';

/** One customer-managed key per stack, rotated yearly, with an explicit key policy. */
export class StackKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: StackKeyProps) {
    super(scope, id);
    const policy = policyDocument(this, 'policy', [
      {
        sid: KEY_ADMIN_SID,
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${props.accountId}:root`] }],
        actions: ['kms:*'],
        resources: ['*'],
      },
      ...(props.serviceStatements ?? []),
    ]);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
  }
}

/** Lets CloudWatch Logs in this account and region use the key for log groups (and only those). */
export function logsServiceStatement(region: string, accountId: string): Statement {
  return {
    sid: 'AllowCloudWatchLogs',
    effect: 'Allow',
    principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    condition: [
      {
        test: 'ArnLike',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        values: [`arn:aws:logs:${region}:${accountId}:log-group:*`],
      },
    ],
  };
}
