import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCanaryZip, deterministicZip } from '../../delivery/src/canary/bundle';
import { BROWSER_STEPS } from '../../delivery/src/canary/journey';
import { defaultConfig, type EnvName, loadConfig, validateConfig } from '../config';
import { RUNBOOK_PREFIX } from '../constructs/alarm';
import { CANARY_RUNTIME, loadCanaryScript } from '../constructs/synthetics-canary';
import type { Block } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, data, doc, one, ref, synthAll } from './helpers';

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

const envs: EnvName[] = ['dev', 'prod'];
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Block;

/** The inline policy statements of the canary's execution role. */
function roleStatements(env: EnvName): Block[] {
  const d = doc(files, env, 'app-alarms');
  const policy = Object.entries(d.data?.aws_iam_policy_document ?? {}).find(([id]) =>
    id.startsWith('canary_role_permissions'),
  );
  expect(policy, 'the canary role policy document').toBeDefined();
  return policy![1].statement as Block[];
}

describe.each(envs)('%s: Synthetics canary (app-alarms)', (env) => {
  const c = defaultConfig()[env];

  it('runs the bundled browser journey on the Playwright runtime against the public URL, on the schedule', () => {
    const canary = one(doc(files, env, 'app-alarms'), 'aws_synthetics_canary');
    expect(canary.name).toBe(`taskboard-${env}`);
    expect(canary.runtime_version).toBe(CANARY_RUNTIME);
    expect(CANARY_RUNTIME).toMatch(/^syn-nodejs-playwright-\d+\.\d+$/);
    expect(canary.handler).toBe('canary.handler');
    expect(first(canary.schedule).expression).toBe(env === 'prod' ? 'rate(5 minutes)' : 'rate(15 minutes)');
    const run = first(canary.run_config);
    expect(run.timeout_in_seconds).toBe(60);
    const vars = run.environment_variables as Block;
    expect(Object.keys(vars).sort()).toEqual(['CANARY_SECRET_ID', 'CANARY_URL']);
    expect(vars.CANARY_URL).toBe(ref('data.terraform_remote_state.edge.outputs.public_url'));
    // The secret's ARN, never its value.
    expect(vars.CANARY_SECRET_ID).toMatch(/^\$\{aws_secretsmanager_secret\.canary_user_secret_\w+\.arn\}$/);
    expect(canary.start_canary).toBe(true);
    expect(canary.success_retention_period).toBe(c.canary.artifactDays);
  });

  it('writes artifacts to its private, KMS-encrypted, expiring bucket under canary/', () => {
    const d = doc(files, env, 'app-alarms');
    const canary = one(d, 'aws_synthetics_canary');
    expect(canary.artifact_s3_location).toMatch(
      /^s3:\/\/\$\{aws_s3_bucket\.canary_artifacts_bucket_\w+\.bucket\}\/canary\/$/,
    );
    expect(first(first(canary.artifact_config).s3_encryption).encryption_mode).toBe('SSE_KMS');
    const lifecycle = one(d, 'aws_s3_bucket_lifecycle_configuration');
    expect(first(first(lifecycle.rule).expiration).days).toBe(c.canary.artifactDays);
    expect(one(d, 'aws_s3_bucket_public_access_block').restrict_public_buckets).toBe(true);
    const logging = one(d, 'aws_s3_bucket_logging');
    expect(logging.target_bucket).toBe(ref('data.terraform_remote_state.edge.outputs.edge_logs_bucket'));
    expect(logging.target_prefix).toBe('s3/canary/');
  });

  it('keeps the canary user in a generated, KMS-encrypted secret with the configured username', () => {
    const d = doc(files, env, 'app-alarms');
    const secret = one(d, 'aws_secretsmanager_secret');
    expect(secret.name).toBe(`taskboard-${env}-canary-user`);
    expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\.canary_key_\w+\.arn\}$/);
    expect(String(one(d, 'aws_secretsmanager_secret_version').secret_string)).toContain(c.canary.username);
    expect(data(d, 'aws_secretsmanager_random_password')).toHaveLength(1);
  });

  it('gives the canary role only what a run needs', () => {
    const role = one(doc(files, env, 'app-alarms'), 'aws_iam_role');
    expect(String(role.name)).toBe(`taskboard-${env}-canary`);
    const byId = Object.fromEntries(roleStatements(env).map((s) => [s.sid, s]));
    expect(Object.keys(byId).sort()).toEqual(
      [
        'EncryptArtifactsReadSecret',
        'ListBuckets',
        'LocateArtifactBucket',
        'PublishCanaryMetrics',
        'ReadCanaryUser',
        'WriteArtifacts',
        'WriteOwnLogs',
      ].sort(),
    );
    expect(byId.WriteArtifacts!.actions).toEqual(['s3:PutObject']);
    expect(byId.WriteArtifacts!.resources).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.canary_artifacts_bucket_\w+\.arn\}\/canary\/\*$/),
    ]);
    expect(byId.PublishCanaryMetrics!.condition).toEqual([
      { test: 'StringEquals', variable: 'cloudwatch:namespace', values: ['CloudWatchSynthetics'] },
    ]);
    expect(byId.ReadCanaryUser!.actions).toEqual(['secretsmanager:GetSecretValue']);
    expect(byId.ReadCanaryUser!.resources).toEqual([
      expect.stringMatching(/^\$\{aws_secretsmanager_secret\.canary_user_secret_\w+\.arn\}$/),
    ]);
    expect(byId.WriteOwnLogs!.resources).toEqual([
      `arn:aws:logs:${c.region}:${ref('data.aws_caller_identity.current.account_id')}:log-group:/aws/lambda/cwsyn-taskboard-${env}-*`,
    ]);
    for (const s of roleStatements(env)) {
      for (const a of s.actions as string[]) expect(a, `${String(s.sid)} ${a}`).not.toMatch(/\*$/);
    }
  });

  it('pages when SuccessPercent stays below 100, or the canary stops running, naming its runbook', () => {
    const alarm = one(doc(files, env, 'app-alarms'), 'aws_cloudwatch_metric_alarm', 'canary-journey-failing');
    expect(alarm).toMatchObject({
      namespace: 'CloudWatchSynthetics',
      metric_name: 'SuccessPercent',
      dimensions: { CanaryName: `taskboard-${env}` },
      statistic: 'Average',
      comparison_operator: 'LessThanThreshold',
      threshold: 100,
      period: c.canary.everyMinutes * 60,
      evaluation_periods: c.canary.failedRunsToAlarm,
      treat_missing_data: 'breaching',
      alarm_actions: [ref('data.terraform_remote_state.alerting.outputs.critical_topic_arn')],
    });
    expect(String(alarm.alarm_description)).toContain(`${RUNBOOK_PREFIX}aws-synthetics-canary.md`);
  });
});

describe('canary script bundle (make canary-bundle)', () => {
  it('is current: rebuilding the journey gives the zip the synthesized canary points at (else run make canary-bundle)', async () => {
    const { zip, manifest } = await buildCanaryZip();
    const script = loadCanaryScript();
    expect(script.sha256, 'stale canary bundle: run make canary-bundle, then make snapshot-infra').toBe(
      manifest.sha256,
    );
    for (const env of envs) {
      const canary = one(doc(files, env, 'app-alarms'), 'aws_synthetics_canary');
      expect(canary.zip_file).toBe(`../../../delivery/dist/canary/${manifest.file}`);
      expect(canary.tags).toEqual({ 'script-sha256': manifest.sha256.slice(0, 16) });
    }
    expect(readFileSync(new URL(`../../delivery/dist/canary/${manifest.file}`, import.meta.url))).toEqual(
      zip,
    );
  }, 120_000);

  it('holds the handler and the whole browser journey, and is byte-for-byte reproducible', async () => {
    const a = await buildCanaryZip();
    const script = readFileSync(new URL(`../../delivery/dist/canary/${a.manifest.file}`, import.meta.url));
    // One entry at the zip's root (the Playwright runtime's layout): canary.js, deflated.
    const nameLength = script.readUInt16LE(26);
    expect(script.subarray(30, 30 + nameLength).toString()).toBe('canary.js');
    const source = inflateRawSync(
      script.subarray(30 + nameLength, 30 + nameLength + script.readUInt32LE(18)),
    ).toString();
    // Loads as CommonJS with only the runtime's modules missing, and exports the handler.
    const external: string[] = [];
    const mod = { exports: {} as Record<string, unknown> };
    const load = (id: string) => {
      if (!id.startsWith('node:')) external.push(id);
      return id.startsWith('node:') ? createRequire(import.meta.url)(id) : {};
    };
    new Function('module', 'exports', 'require', source)(mod, mod.exports, load);
    expect(typeof mod.exports.handler).toBe('function');
    expect(external.sort()).toEqual(['@aws-sdk/client-secrets-manager', '@aws/synthetics-playwright']);
    for (const step of BROWSER_STEPS) expect(source).toContain(`"${step}"`);
    expect(deterministicZip('canary.js', Buffer.from('x'))).toEqual(
      deterministicZip('canary.js', Buffer.from('x')),
    );
    expect(deterministicZip('canary.js', Buffer.from('x'))).not.toEqual(
      deterministicZip('canary.js', Buffer.from('y')),
    );
    expect(BROWSER_STEPS).toEqual(['spa-shell', 'login', 'list-tasks']);
  }, 120_000);
});

describe('canary configuration', () => {
  it('TASKBOARD_<ENV>_CANARY=false removes the canary, its bucket, role, secret and alarm', () => {
    const d = doc(synthAll({ TASKBOARD_DEV_CANARY: 'false' }), 'dev', 'app-alarms');
    for (const type of [
      'aws_synthetics_canary',
      'aws_s3_bucket',
      'aws_iam_role',
      'aws_secretsmanager_secret',
    ])
      expect(all(d, type), type).toEqual([]);
    expect(Object.keys(d.resource?.aws_cloudwatch_metric_alarm ?? {})).not.toContain(
      'canary-journey-failing',
    );
  });

  it('refuses an invalid switch or schedule, naming the variable or field', () => {
    expect(() => loadConfig({ TASKBOARD_PROD_CANARY: 'yes' })).toThrow(
      'TASKBOARD_PROD_CANARY must be "true" or "false", got "yes"',
    );
    const bad = defaultConfig();
    bad.dev.canary.everyMinutes = 0;
    bad.prod.canary.username = 'canary';
    expect(validateConfig(bad)).toEqual(
      expect.arrayContaining([
        'dev.canary.everyMinutes must be an integer from 1 to 60, got 0',
        'prod.canary.username is not an e-mail address: "canary"',
      ]),
    );
  });
});
