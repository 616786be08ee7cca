import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import type { EnvConfig } from './config';
import { StackKey } from './constructs/kms-key';
import { TaskboardStack } from './constructs/taskboard-stack';

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
      alias: `${this.prefix}-tfstate`,
      description: `Encrypts the ${env.name} Terraform state bucket`,
      accountId: this.accountId,
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

    this.output('state_bucket', bucket.bucket, 'Bucket holding <env>/<stack>.tfstate for every other stack');
    this.output('state_kms_key_arn', key.key.arn, 'KMS key encrypting the state bucket');
  }
}
