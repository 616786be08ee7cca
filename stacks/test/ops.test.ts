import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dryRunLines,
  needsFor,
  type Probe,
  parseArgs,
  preflight,
  stackOrder,
  UsageError,
} from '../tools/ops';

const probe = (over: Partial<Probe> = {}): Probe => ({
  vars: {},
  home: '/home/op',
  fileExists: () => false,
  commandExists: () => true,
  terraformVersion: () => 'Terraform v1.11.4\non linux_amd64\n',
  ...over,
});

describe('ops preflight (make plan/apply/destroy/day1)', () => {
  it('names the missing AWS credentials and where they can come from', () => {
    expect(preflight(probe())).toEqual([expect.stringMatching(/^no AWS credentials: set AWS_PROFILE/)]);
  });

  it.each([
    { AWS_PROFILE: 'taskboard-dev' },
    { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'x' },
    { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' },
  ])('accepts credentials from %o', (vars) => {
    expect(preflight(probe({ vars }))).toEqual([]);
  });

  it('accepts ~/.aws/credentials or ~/.aws/config', () => {
    expect(preflight(probe({ fileExists: (p) => p === '/home/op/.aws/config' }))).toEqual([]);
  });

  it('needs terraform on PATH, at least 1.10 for S3 use_lockfile', () => {
    const vars = { AWS_PROFILE: 'x' };
    expect(preflight(probe({ vars, terraformVersion: () => null }))).toEqual([
      expect.stringMatching(/^terraform is not on PATH/),
    ]);
    expect(preflight(probe({ vars, terraformVersion: () => 'Terraform v1.9.8' }))).toEqual([
      'terraform 1.9 is too old: S3 use_lockfile needs >= 1.10',
    ]);
  });
});

describe('ops preflight: the account is pinned', () => {
  it('refuses to plan or apply an environment whose TASKBOARD_<ENV>_ACCOUNT_ID is unset', () => {
    const vars = { AWS_PROFILE: 'x' };
    expect(preflight(probe({ vars }), 'prod')).toEqual([
      expect.stringMatching(
        /^TASKBOARD_PROD_ACCOUNT_ID is not set: it pins the provider's allowed_account_ids/,
      ),
    ]);
    expect(
      preflight(probe({ vars: { ...vars, TASKBOARD_PROD_ACCOUNT_ID: '222222222222' } }), 'prod'),
    ).toEqual([]);
    // dev's id does not satisfy prod.
    expect(
      preflight(probe({ vars: { ...vars, TASKBOARD_DEV_ACCOUNT_ID: '111111111111' } }), 'prod'),
    ).toHaveLength(1);
  });
});

describe('ops stack order', () => {
  it('applies in dependency order and destroys in reverse', () => {
    const all = [
      'bootstrap',
      'network',
      'data',
      'cluster',
      'registry',
      'edge',
      'alerting',
      'audit',
      'platform',
      'app',
      'app-alarms',
      'resilience',
    ];
    expect(stackOrder('day1', undefined)).toEqual([
      'bootstrap',
      'network',
      'data',
      'cluster',
      'registry',
      'edge',
      'alerting',
      'audit',
    ]);
    expect(stackOrder('day1', 'app')).toEqual([
      'bootstrap',
      'network',
      'data',
      'cluster',
      'registry',
      'edge',
      'alerting',
      'audit',
    ]);
    expect(stackOrder('day2', undefined)).toEqual(['platform', 'app', 'app-alarms']);
    expect(stackOrder('day3', undefined)).toEqual([]);
    expect(stackOrder('plan', 'all')).toEqual(all);
    expect(stackOrder('destroy', 'all')).toEqual([...all].reverse());
    expect(stackOrder('apply', 'platform')).toEqual(['platform']);
    expect(stackOrder('apply', 'data')).toEqual(['data']);
    expect(stackOrder('apply', 'app')).toEqual(['app']);
  });

  it('rejects unknown stacks, environments and commands with a usage message', () => {
    expect(() => stackOrder('plan', 'monitoring')).toThrow(UsageError);
    expect(() => parseArgs(['plan', 'staging'])).toThrow('ENV must be one of dev, prod, got "staging"');
    expect(() => parseArgs(['day2', ''])).toThrow('ENV must be one of dev, prod, got ""');
    expect(() => parseArgs(['day4', 'dev'])).toThrow(
      'command must be one of plan, apply, destroy, day1, day2, day3',
    );
    expect(parseArgs(['day1', 'prod', '--dry-run'])).toEqual({
      command: 'day1',
      env: 'prod',
      stack: undefined,
      dryRun: true,
      autoApprove: false,
    });
    // CI applies without cdktf's prompt only when asked (make apply AUTO_APPROVE=1).
    expect(parseArgs(['apply', 'prod', 'network', '--auto-approve'])).toMatchObject({
      stack: 'network',
      autoApprove: true,
    });
  });
});

describe('day 2 (platform, then app) and day 3 (monitoring and logging checks)', () => {
  const vars = {
    AWS_PROFILE: 'x',
    TASKBOARD_DEV_ACCOUNT_ID: '111111111111',
    TASKBOARD_DEV_IMAGE_TAG: 'a1b2c3d',
  };

  it('day2 needs the aws CLI (exec auth to the cluster) and the image tag, never "latest"', () => {
    const needs = needsFor('day2', stackOrder('day2', undefined));
    expect(needs).toEqual({ terraform: true, awsCli: true, kubectl: false, imageTag: true });
    expect(preflight(probe({ vars }), 'dev', needs)).toEqual([]);
    const { TASKBOARD_DEV_IMAGE_TAG: _, ...noTag } = vars;
    expect(preflight(probe({ vars: noTag }), 'dev', needs)).toEqual([
      expect.stringMatching(
        /^TASKBOARD_DEV_IMAGE_TAG is not set: the app stack's required variable image_tag/,
      ),
    ]);
    expect(preflight(probe({ vars: { ...vars, TASKBOARD_DEV_IMAGE_TAG: 'latest' } }), 'dev', needs)).toEqual([
      expect.stringMatching(/^TASKBOARD_DEV_IMAGE_TAG must name one build .* never "latest"/),
    ]);
    expect(preflight(probe({ vars: { ...vars, TASKBOARD_DEV_IMAGE_TAG: 'v1/2' } }), 'dev', needs)).toEqual([
      expect.stringMatching(/^TASKBOARD_DEV_IMAGE_TAG is not a valid image tag/),
    ]);
    expect(preflight(probe({ vars, commandExists: (c) => c !== 'aws' }), 'dev', needs)).toEqual([
      expect.stringMatching(/^aws CLI is not on PATH/),
    ]);
  });

  it('only stacks on the cluster need the aws CLI, only the app stack needs the tag (destroy too)', () => {
    expect(needsFor('plan', ['network'])).toEqual({
      terraform: true,
      awsCli: false,
      kubectl: false,
      imageTag: false,
    });
    expect(needsFor('apply', ['app']).imageTag).toBe(true);
    expect(needsFor('destroy', ['app', 'platform'])).toEqual({
      terraform: true,
      awsCli: true,
      kubectl: false,
      imageTag: true,
    });
    expect(needsFor('destroy', ['platform']).imageTag).toBe(false);
  });

  it('day3 reads only: kubectl and aws, no terraform and no image tag', () => {
    const needs = needsFor('day3', []);
    const { TASKBOARD_DEV_IMAGE_TAG: _, ...noTag } = vars;
    expect(preflight(probe({ vars: noTag, terraformVersion: () => null }), 'dev', needs)).toEqual([]);
    expect(preflight(probe({ vars: noTag, commandExists: (c) => c !== 'kubectl' }), 'dev', needs)).toEqual([
      expect.stringMatching(/^kubectl is not on PATH/),
    ]);
  });

  it('dry runs print the order (day2) and every check with what it checks (day3)', () => {
    expect(dryRunLines('day2', 'prod')).toEqual([
      'day2: prod stacks in order: prod-platform -> prod-app -> prod-app-alarms',
      'day2: dry run; Terraform JSON is in cdktf.out/stacks/<stack>/cdk.tf.json, nothing applied',
    ]);
    const day3 = dryRunLines('day3', 'dev');
    expect(day3[0]).toMatch(/^day3: dev: 7 checks, in order \(read-only/);
    expect(day3.slice(1, -1).map((l) => l.replace(/: checks .*/, ''))).toEqual([
      'day3 [1/7] kubeconfig',
      'day3 [2/7] app rollout',
      'day3 [3/7] dashboards and rules shipped',
      'day3 [4/7] Prometheus targets',
      'day3 [5/7] alert rules loaded',
      'day3 [6/7] log delivery',
      'day3 [7/7] Grafana login',
    ]);
    for (const line of day3.slice(1, -1)) expect(line).toMatch(/: checks \S.{20,}/);
  });
});

// The compiled CLI, as `make day2|day3` runs it (skipped when `make synth` has not compiled it).
const CLI = join(process.cwd(), 'dist', 'infra', 'stacks', 'tools', 'ops.js');
const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: '/nonexistent', HOME: '/nonexistent', ...env },
  });

describe.skipIf(!existsSync(CLI))('make day2 / day3 without tools or credentials', () => {
  if (!existsSync(CLI)) console.log(`ops: SKIP the CLI checks: ${CLI} is missing (run \`make synth\`)`);

  it('day2 refuses with one readable line per missing thing and exit code 2', () => {
    const run = cli(['day2', 'dev'], {});
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('day2: dev stacks in order: dev-platform -> dev-app');
    expect(run.stderr).toContain('day2: cannot run against AWS:');
    for (const what of [
      'TASKBOARD_DEV_ACCOUNT_ID is not set',
      'TASKBOARD_DEV_IMAGE_TAG is not set',
      'aws CLI is not on PATH',
      'terraform is not on PATH',
      'no AWS credentials',
    ]) {
      expect(run.stderr).toContain(what);
    }
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('day3 refuses without kubectl, and its dry run needs nothing', () => {
    const run = cli(['day3', 'prod'], { AWS_PROFILE: 'x', TASKBOARD_PROD_ACCOUNT_ID: '222222222222' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('kubectl is not on PATH');
    expect(run.stderr).not.toContain('terraform');
    const dry = cli(['day3', 'prod', '--dry-run'], {});
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('day3 [6/7] log delivery: checks Fluent Bit delivers to CloudWatch');
  });

  it('a bad ENV is a usage error, not a trace', () => {
    const run = cli(['day2', 'staging'], {});
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('ops: ENV must be one of dev, prod, got "staging"');
  });
});
