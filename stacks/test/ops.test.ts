import { describe, expect, it } from 'vitest';
import { type Probe, parseArgs, preflight, stackOrder, UsageError } from '../tools/ops';

const probe = (over: Partial<Probe> = {}): Probe => ({
  vars: {},
  home: '/home/op',
  fileExists: () => false,
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
    expect(stackOrder('day1', undefined)).toEqual(['bootstrap', 'network', 'data', 'cluster', 'registry']);
    expect(stackOrder('plan', 'all')).toEqual(['bootstrap', 'network', 'data', 'cluster', 'registry']);
    expect(stackOrder('destroy', 'all')).toEqual(['registry', 'cluster', 'data', 'network', 'bootstrap']);
    expect(stackOrder('apply', 'data')).toEqual(['data']);
  });

  it('rejects unknown stacks, environments and commands with a usage message', () => {
    expect(() => stackOrder('plan', 'platform')).toThrow(UsageError);
    expect(() => parseArgs(['plan', 'staging'])).toThrow('ENV must be one of dev, prod, got "staging"');
    expect(() => parseArgs(['deploy', 'dev'])).toThrow('command must be one of plan, apply, destroy, day1');
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
