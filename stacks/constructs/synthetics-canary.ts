import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SyntheticsCanary } from '@cdktf/provider-aws/lib/synthetics-canary';
import { Construct } from 'constructs';
import type { CanaryConfig } from '../config';
import type { AlarmSpec } from './alarm';
import { GeneratedSecret } from './generated-secret';
import { Role, servicePrincipalTrust } from './iam';
import { StackKey } from './kms-key';
import { PrivateBucket } from './private-bucket';

/**
 * Newest Playwright runtime in the CloudWatch Synthetics runtime list (Node.js 20, Playwright
 * 1.53, Chromium 138). The provider passes the string through; AWS refuses an unknown one at apply.
 */
export const CANARY_RUNTIME = 'syn-nodejs-playwright-3.0';
/** Each run must end before the next starts; the journey's own waits are 15 s each. */
export const CANARY_TIMEOUT_SECONDS = 60;
/** Prefix of the artifacts inside the bucket (the role may write only here). */
const ARTIFACT_PREFIX = 'canary';

/** What `make canary-bundle` wrote (delivery/src/canary/bundle.ts). */
export interface CanaryScript {
  /** Zip path as Terraform resolves it, relative to cdktf.out/stacks/<stack>/. */
  zipFile: string;
  sha256: string;
  handler: string;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'cdktf.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Reads the canary bundle's manifest; the zip's hash is in its file name, so a new script plans an update. */
export function loadCanaryScript(
  manifestPath = join(repoRoot(), 'delivery', 'dist', 'canary', 'manifest.json'),
): CanaryScript {
  if (!existsSync(manifestPath))
    throw new Error(
      `canary: no script bundle at ${manifestPath}: run \`make canary-bundle\` (make synth does)`,
    );
  const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    file: string;
    sha256: string;
    handler: string;
  };
  return { zipFile: `../../../delivery/dist/canary/${m.file}`, sha256: m.sha256, handler: m.handler };
}

export interface SyntheticsCanaryProps {
  /** `taskboard-prod`: the canary's name (Synthetics allows lower case, digits, - and _). */
  name: string;
  accountId: string;
  region: string;
  publicUrl: string;
  config: CanaryConfig;
  script: CanaryScript;
  /** The edge stack's access-log bucket (the artifact bucket logs its requests there). */
  accessLogBucket: string;
}

/**
 * A CloudWatch Synthetics canary running the browser journey (delivery/src/canary) against the
 * public URL on a schedule, with what it needs and nothing more: a private KMS-encrypted artifact
 * bucket that expires runs, the canary user's generated secret, and a role that can write only its
 * artifact prefix, its metrics namespace and its own log groups, and read only that secret.
 */
export class SyntheticsCanaryJourney extends Construct {
  readonly canary: SyntheticsCanary;
  readonly secret: GeneratedSecret;
  readonly bucket: PrivateBucket;

  constructor(scope: Construct, id: string, props: SyntheticsCanaryProps) {
    super(scope, id);
    const { name, config, region, accountId } = props;
    const key = new StackKey(this, 'key', {
      alias: `${name}-canary`,
      description: `Encrypts the ${name} canary's artifacts and its user's secret`,
      accountId,
    });
    this.bucket = new PrivateBucket(this, 'artifacts', {
      name: `${name}-canary-${accountId}`,
      encryption: { kmsKeyArn: key.key.arn },
      expireAfterDays: config.artifactDays,
      noncurrentDays: 1,
      accessLogs: { bucketId: props.accessLogBucket, prefix: 's3/canary/' },
    });
    this.bucket.attachPolicy([]);
    this.secret = new GeneratedSecret(this, 'user', {
      name: `${name}-canary-user`,
      description: `Login of the ${name} Synthetics canary user (register it once: docs/delivery.md)`,
      kmsKeyArn: key.key.arn,
      length: 32,
      recoveryWindowDays: 7,
      username: config.username,
    });

    const bucketArn = this.bucket.bucket.arn;
    const role = new Role(this, 'role', {
      name: `${name}-canary`,
      // Synthetics runs the canary as a Lambda function with this execution role.
      trust: [servicePrincipalTrust('lambda.amazonaws.com')],
      statements: [
        {
          sid: 'WriteArtifacts',
          effect: 'Allow',
          actions: ['s3:PutObject'],
          resources: [`${bucketArn}/${ARTIFACT_PREFIX}/*`],
        },
        {
          sid: 'LocateArtifactBucket',
          effect: 'Allow',
          actions: ['s3:GetBucketLocation'],
          resources: [bucketArn],
        },
        // The runtime lists buckets before uploading; the action has no resource-level scope.
        { sid: 'ListBuckets', effect: 'Allow', actions: ['s3:ListAllMyBuckets'], resources: ['*'] },
        {
          sid: 'EncryptArtifactsReadSecret',
          effect: 'Allow',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [key.key.arn],
        },
        {
          sid: 'ReadCanaryUser',
          effect: 'Allow',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [this.secret.secret.arn],
        },
        {
          sid: 'PublishCanaryMetrics',
          effect: 'Allow',
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          condition: [
            { test: 'StringEquals', variable: 'cloudwatch:namespace', values: ['CloudWatchSynthetics'] },
          ],
        },
        {
          sid: 'WriteOwnLogs',
          effect: 'Allow',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/cwsyn-${name}-*`],
        },
      ],
    });

    this.canary = new SyntheticsCanary(this, 'canary', {
      name,
      runtimeVersion: CANARY_RUNTIME,
      handler: props.script.handler,
      zipFile: props.script.zipFile,
      executionRoleArn: role.role.arn,
      artifactS3Location: `s3://${this.bucket.bucket.bucket}/${ARTIFACT_PREFIX}/`,
      artifactConfig: { s3Encryption: { encryptionMode: 'SSE_KMS', kmsKeyArn: key.key.arn } },
      schedule: { expression: canarySchedule(config.everyMinutes) },
      runConfig: {
        timeoutInSeconds: Math.min(CANARY_TIMEOUT_SECONDS, config.everyMinutes * 60),
        // Names, not values: the password stays in Secrets Manager.
        environmentVariables: { CANARY_URL: props.publicUrl, CANARY_SECRET_ID: this.secret.secret.arn },
      },
      successRetentionPeriod: config.artifactDays,
      failureRetentionPeriod: config.artifactDays,
      startCanary: true,
      deleteLambda: true,
      // The script hash, visible in plans and on the canary in the console.
      tags: { 'script-sha256': props.script.sha256.slice(0, 16) },
    });
    this.canary.overrideLogicalId('journey');
  }
}

export function canarySchedule(everyMinutes: number): string {
  return `rate(${everyMinutes} minute${everyMinutes === 1 ? '' : 's'})`;
}

/** The canary's alarm: any failed run in `failedRunsToAlarm` consecutive periods pages. */
export function canaryAlarm(canaryName: string, config: CanaryConfig): AlarmSpec {
  return {
    id: 'canary-journey-failing',
    summary: `The Synthetics canary failed to load the SPA, log in or list tasks through the public URL ${config.failedRunsToAlarm} runs in a row.`,
    runbook: 'aws-synthetics-canary.md',
    topic: 'critical',
    metric: {
      namespace: 'CloudWatchSynthetics',
      name: 'SuccessPercent',
      dimensions: { CanaryName: canaryName },
      statistic: 'Average',
    },
    comparison: 'LessThanThreshold',
    threshold: 100,
    periodSeconds: config.everyMinutes * 60,
    evaluationPeriods: config.failedRunsToAlarm,
    treatMissingData: 'breaching',
    missingDataReason: 'a canary that stopped running watches nothing: no runs page like failed runs',
  };
}
