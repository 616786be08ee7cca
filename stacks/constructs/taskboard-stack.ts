import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataTerraformRemoteStateS3, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvConfig, StackName } from '../config';

/** Where the bootstrap stack keeps its local state until it is migrated (git-ignored .data/). */
export function bootstrapLocalStatePath(env: EnvConfig): string {
  // Relative to the stack's working directory cdktf.out/stacks/<env>-bootstrap, so the JSON is
  // the same on every machine and the state survives `rm -rf cdktf.out`.
  return `../../../.data/terraform/${env.name}-bootstrap.tfstate`;
}

/** Alias of the state bucket's KMS key (created by the bootstrap stack). */
export function stateKeyAlias(env: EnvConfig): string {
  return `alias/${env.project}-${env.name}-tfstate`;
}

/**
 * The key the S3 backend encrypts state and lock objects with. Without kms_key_id, `encrypt`
 * means SSE-S3 and overrides the bucket's KMS default, so state (which holds the Redis AUTH
 * token and the JWT key) would not be under our key. An alias needs no key id at synth time;
 * with the account known it is a full alias ARN.
 */
export function stateKmsKeyId(env: EnvConfig): string {
  const alias = stateKeyAlias(env);
  return env.accountId === null ? alias : `arn:aws:kms:${env.region}:${env.accountId}:${alias}`;
}

export function stateKey(env: EnvConfig, stack: StackName): string {
  return `${env.name}/${stack}.tfstate`;
}

/**
 * Base of every stack: one AWS provider with default tags, the S3 backend with native locking
 * (use_lockfile; no DynamoDB table), helpers for stably named outputs and remote-state reads.
 */
export abstract class TaskboardStack extends TerraformStack {
  readonly env: EnvConfig;
  readonly stack: StackName;
  /** `taskboard-dev`: prefix of every physical name, so dev and prod can share an account. */
  readonly prefix: string;

  constructor(scope: Construct, env: EnvConfig, stack: StackName) {
    super(scope, `${env.name}-${stack}`);
    this.env = env;
    this.stack = stack;
    this.prefix = `${env.project}-${env.name}`;
    this.awsProvider('aws', env.region);
    if (stack === 'bootstrap' && !env.bootstrapStateInS3) {
      // The state bucket cannot hold the state of the stack that creates it: local first,
      // then `TASKBOARD_<ENV>_BOOTSTRAP_STATE_IN_S3=true` + `terraform init -migrate-state`.
      new LocalBackend(this, { path: bootstrapLocalStatePath(env) });
    } else {
      new S3Backend(this, {
        bucket: env.stateBucket,
        key: stateKey(env, stack),
        region: env.region,
        encrypt: true,
        kmsKeyId: stateKmsKeyId(env),
      });
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }
  }

  /** An AWS provider with the stack's account pin and default tags; `alias` for a second region. */
  private awsProvider(id: string, region: string, alias?: string): AwsProvider {
    return new AwsProvider(this, id, {
      alias,
      region,
      allowedAccountIds: this.env.accountId === null ? undefined : [this.env.accountId],
      defaultTags: [
        {
          tags: {
            project: this.env.project,
            environment: this.env.name,
            stack: this.stack,
            'managed-by': 'cdktf',
          },
        },
      ],
    });
  }

  private usEast1?: AwsProvider;

  /** CloudFront's certificates, web ACLs and log delivery live in us-east-1 whatever the region. */
  get usEast1Provider(): AwsProvider {
    this.usEast1 ??= this.awsProvider('aws-us-east-1', 'us-east-1', 'us_east_1');
    return this.usEast1;
  }

  private callerIdentity?: DataAwsCallerIdentity;

  /** The account being applied to, read at plan time (no account id is hard-coded). */
  get accountId(): string {
    this.callerIdentity ??= new DataAwsCallerIdentity(this, 'current');
    return this.callerIdentity.accountId;
  }

  /** Reads another stack's outputs from its state object: the only cross-stack channel. */
  protected remoteState(stack: StackName): DataTerraformRemoteStateS3 {
    return new DataTerraformRemoteStateS3(this, stack, {
      bucket: this.env.stateBucket,
      key: stateKey(this.env, stack),
      region: this.env.region,
    });
  }

  /** An output whose name in the JSON is exactly `name` (other stacks read it by that name). */
  protected output(name: string, value: unknown, description: string, sensitive = false): TerraformOutput {
    const out = new TerraformOutput(this, name, { value, description, sensitive });
    out.overrideLogicalId(name);
    return out;
  }
}
