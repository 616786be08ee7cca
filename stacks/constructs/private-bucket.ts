import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import type { S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { ACCESS_LOG_BUCKET_TAG } from '../bootstrap';
import { policyDocument, type Statement } from './iam';

export interface PrivateBucketProps {
  name: string;
  /**
   * Customer KMS key for default encryption (and a policy refusing non-KMS writes), or
   * `access-logs`: SSE-S3, because S3 and CloudFront log delivery cannot write to SSE-KMS.
   */
  encryption: { kmsKeyArn: string } | 'access-logs';
  /** Days current objects live (logs); omitted: they stay until deleted. */
  expireAfterDays?: number;
  noncurrentDays: number;
  /** Bucket receiving this bucket's S3 server access logs (every bucket but a log bucket). */
  accessLogs?: { bucketId: string; prefix: string };
}

/**
 * A bucket that can never be public: all four public-access blocks, owner-enforced objects (no
 * ACLs), TLS-only policy, versioning with expiring old versions. The baseline the policy suite
 * checks on every bucket, in one place. The bucket policy is written by `attachPolicy`, once the
 * services it admits (a CloudFront distribution) exist.
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  private readonly kms: boolean;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const logs = props.encryption === 'access-logs';
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.name,
      tags: logs ? { [ACCESS_LOG_BUCKET_TAG.key]: ACCESS_LOG_BUCKET_TAG.value } : undefined,
    });
    const bucket = this.bucket;
    this.kms = !logs;
    new S3BucketVersioningA(this, 'versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [
        props.encryption === 'access-logs'
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }
          : {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: 'aws:kms',
                kmsMasterKeyId: props.encryption.kmsKeyArn,
              },
              bucketKeyEnabled: true,
            },
      ],
    });
    new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const rule: S3BucketLifecycleConfigurationRule = {
      id: 'expire',
      status: 'Enabled',
      filter: [{ prefix: '' }],
      noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentDays }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      expiration: props.expireAfterDays === undefined ? undefined : [{ days: props.expireAfterDays }],
    };
    new S3BucketLifecycleConfiguration(this, 'lifecycle', { bucket: bucket.id, rule: [rule] });
    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'logging', {
        bucket: bucket.id,
        targetBucket: props.accessLogs.bucketId,
        targetPrefix: props.accessLogs.prefix,
      });
    }
  }

  /** The bucket policy: TLS only, KMS-only writes (unless a log bucket), plus the service grants. */
  attachPolicy(grants: Statement[]): void {
    const statements: Statement[] = [
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:*'],
        resources: [this.bucket.arn, `${this.bucket.arn}/*`],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ];
    if (this.kms) {
      statements.push({
        sid: 'DenyNonKmsWrites',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:PutObject'],
        resources: [`${this.bucket.arn}/*`],
        condition: [
          {
            test: 'StringNotEqualsIfExists',
            variable: 's3:x-amz-server-side-encryption',
            values: ['aws:kms'],
          },
        ],
      });
    }
    statements.push(...grants);
    const doc = policyDocument(this, 'policy-doc', statements);
    new S3BucketPolicy(this, 'policy', { bucket: this.bucket.id, policy: doc.json });
  }
}
