import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import type { EnvConfig } from './config';
import { GithubOidc } from './constructs/github-oidc';
import { StackKey } from './constructs/kms-key';
import { stateKeyAlias, TaskboardStack } from './constructs/taskboard-stack';

/** Tag of the bucket receiving S3 server access logs (the policy suite's one SSE-S3 exception). */
export const ACCESS_LOG_BUCKET_TAG = { key: 'taskboard:purpose', value: 's3-access-logs' } as const;

/** Days S3 access logs of the state bucket are kept. */
export const ACCESS_LOG_DAYS = 365;

/** Days a superseded state version is kept: long enough to roll back a bad apply found late. */
export const NONCURRENT_STATE_VERSION_DAYS = 90;

/**
 * The Terraform state bucket every other stack's backend points at, and its KMS key.
 * Its own state is local until migrated (see TaskboardStack).
 */
export class BootstrapStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'bootstrap');
    const key = new StackKey(this, 'state-key', {
      alias: stateKeyAlias(env).replace(/^alias\//, ''),
      description: `Encrypts the ${env.name} Terraform state bucket`,
      accountId: this.accountId,
      serviceStatements: [
        {
          // Operators and CI read and write state through this key. Matched on the principal ARN
          // rather than named as principals, so the key can exist before the roles do.
          sid: 'OperatorsUseStateKey',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${this.accountId}:root`] }],
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          resources: ['*'],
          condition: [
            {
              test: 'ArnLike',
              variable: 'aws:PrincipalArn',
              values: [env.cluster.adminRoleName, env.cluster.ciRoleName, `${this.prefix}-github-plan`].map(
                (r) => `arn:aws:iam::${this.accountId}:role/${r}`,
              ),
            },
          ],
        },
      ],
    });
    const bucket = new S3Bucket(this, 'state', {
      bucket: env.stateBucket,
      // Losing the state bucket orphans every resource of the environment.
      lifecycle: { preventDestroy: true },
    });
    new S3BucketVersioningA(this, 'state-versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'state-encryption', {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.key.arn },
          // S3 Bucket Keys cut KMS request costs by orders of magnitude for small state objects.
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPublicAccessBlock(this, 'state-public-access', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'state-ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const tlsOnly = new DataAwsIamPolicyDocument(this, 'state-tls-only', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [bucket.arn, `${bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          // A client asking for SSE-S3 (or anything but KMS) is refused: state stays under our key.
          sid: 'DenyNonKmsWrites',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:PutObject'],
          resources: [`${bucket.arn}/*`],
          condition: [
            {
              test: 'StringNotEqualsIfExists',
              variable: 's3:x-amz-server-side-encryption',
              values: ['aws:kms'],
            },
          ],
        },
      ],
    });
    new S3BucketPolicy(this, 'state-policy', { bucket: bucket.id, policy: tlsOnly.json });
    new S3BucketLifecycleConfiguration(this, 'state-lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-old-state-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_STATE_VERSION_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    this.accessLogs(bucket);

    const github = new GithubOidc(this, 'github', {
      env,
      accountId: this.accountId,
      prefix: this.prefix,
      stateBucketArn: bucket.arn,
      stateKeyArn: key.key.arn,
    });

    this.output('state_bucket', bucket.bucket, 'Bucket holding <env>/<stack>.tfstate for every other stack');
    this.output('state_kms_key_arn', key.key.arn, 'KMS key encrypting the state bucket');
    this.output(
      'github_plan_role_arn',
      github.planRole.role.arn,
      'Role pull-request workflows assume through OIDC (repository variable TASKBOARD_<ENV>_PLAN_ROLE_ARN)',
    );
    this.output(
      'github_deploy_role_arn',
      github.deployRole.role.arn,
      'Role the deploying GitHub environment assumes through OIDC (TASKBOARD_<ENV>_DEPLOY_ROLE_ARN)',
    );
  }

  /**
   * S3 server access logs of the state bucket (who read or wrote state, when). Log delivery
   * cannot write to SSE-KMS buckets, so this one bucket uses SSE-S3; it holds request metadata,
   * never state. Private, TLS-only, versioned, logs expire after ACCESS_LOG_DAYS.
   */
  private accessLogs(state: S3Bucket): void {
    const logs = new S3Bucket(this, 'access-logs', {
      bucket: `${this.env.stateBucket}-access-logs`,
      tags: { [ACCESS_LOG_BUCKET_TAG.key]: ACCESS_LOG_BUCKET_TAG.value },
    });
    new S3BucketVersioningA(this, 'access-logs-versioning', {
      bucket: logs.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'access-logs-encryption', {
      bucket: logs.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketPublicAccessBlock(this, 'access-logs-public-access', {
      bucket: logs.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'access-logs-ownership', {
      bucket: logs.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const policy = new DataAwsIamPolicyDocument(this, 'access-logs-policy-doc', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [logs.arn, `${logs.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'S3LogDelivery',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [`${logs.arn}/*`],
          condition: [
            { test: 'ArnLike', variable: 'aws:SourceArn', values: [state.arn] },
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.accountId] },
          ],
        },
      ],
    });
    new S3BucketPolicy(this, 'access-logs-bucket-policy', { bucket: logs.id, policy: policy.json });
    new S3BucketLifecycleConfiguration(this, 'access-logs-lifecycle', {
      bucket: logs.id,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: ACCESS_LOG_DAYS }],
          noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketLoggingA(this, 'state-access-logging', {
      bucket: state.id,
      targetBucket: logs.id,
      targetPrefix: 'state/',
    });
  }
}
