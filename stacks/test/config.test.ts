import { describe, expect, it } from 'vitest';
import { ConfigError, cidrsOverlap, defaultConfig, loadConfig, validateConfig } from '../config';
import { cidrSubnet, subnetLayout } from '../network';

const problems = (vars: Record<string, string>): string[] => {
  try {
    loadConfig(vars);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
};

describe('config', () => {
  it('accepts the committed defaults with no environment variables', () => {
    expect(validateConfig(defaultConfig())).toEqual([]);
    expect(loadConfig({}).prod.database.multiAz).toBe(true);
  });

  it('applies TASKBOARD_<ENV>_* overrides to that environment only', () => {
    const c = loadConfig({
      TASKBOARD_PROD_ACCOUNT_ID: '123456789012',
      TASKBOARD_DEV_STATE_BUCKET: 'my-dev-state',
    });
    expect(c.prod.accountId).toBe('123456789012');
    expect(c.dev.accountId).toBeNull();
    expect(c.dev.stateBucket).toBe('my-dev-state');
    expect(c.prod.stateBucket).toBe('taskboard-sre-prod-tfstate');
  });

  it.each([
    [{ TASKBOARD_DEV_ACCOUNT_ID: '12345' }, 'TASKBOARD_DEV_ACCOUNT_ID must be 12 digits'],
    [
      { TASKBOARD_PROD_STATE_BUCKET: 'Bad_Bucket' },
      'TASKBOARD_PROD_STATE_BUCKET is not a valid S3 bucket name',
    ],
    [
      { TASKBOARD_PROD_EKS_PUBLIC_CIDRS: '0.0.0.0/0' },
      'TASKBOARD_PROD_EKS_PUBLIC_CIDRS: "0.0.0.0/0" would open',
    ],
    [
      { TASKBOARD_DEV_EKS_PUBLIC_CIDRS: '10.0.0.300/32' },
      'TASKBOARD_DEV_EKS_PUBLIC_CIDRS: "10.0.0.300/32" is not',
    ],
    [{ TASKBOARD_DEV_DB_ENGINE: 'mysql' }, 'TASKBOARD_DEV_DB_ENGINE must be "rds" or "aurora-serverless-v2"'],
    [
      { TASKBOARD_DEV_BOOTSTRAP_STATE_IN_S3: 'yes' },
      'TASKBOARD_DEV_BOOTSTRAP_STATE_IN_S3 must be "true" or "false"',
    ],
    // A wildcard or a second path segment would widen the OIDC `sub` the roles trust.
    [{ TASKBOARD_GITHUB_REPOSITORY: 'acme/*' }, 'TASKBOARD_GITHUB_REPOSITORY must be "owner/name"'],
    [{ TASKBOARD_GITHUB_REPOSITORY: 'acme' }, 'TASKBOARD_GITHUB_REPOSITORY must be "owner/name"'],
    [{ TASKBOARD_GITHUB_REPOSITORY: 'acme/app:ref' }, 'TASKBOARD_GITHUB_REPOSITORY must be "owner/name"'],
    [
      { TASKBOARD_DEV_GITHUB_OIDC_PROVIDER: 'share' },
      'TASKBOARD_DEV_GITHUB_OIDC_PROVIDER must be "create" or "existing"',
    ],
  ])('rejects %o, naming the variable', (vars, message) => {
    expect(problems(vars).join('\n')).toContain(message);
  });

  it('takes the GitHub repository for both environments, and the OIDC provider mode per environment', () => {
    const c = loadConfig({
      TASKBOARD_GITHUB_REPOSITORY: 'acme/tasks',
      TASKBOARD_DEV_GITHUB_OIDC_PROVIDER: 'existing',
    });
    expect([c.dev.github.repository, c.prod.github.repository]).toEqual(['acme/tasks', 'acme/tasks']);
    expect([c.dev.github.oidcProvider, c.prod.github.oidcProvider]).toEqual(['existing', 'create']);
    expect(c.prod.github.deployEnvironment).toBe('production');
  });

  it('reports every problem at once, each naming its field', () => {
    const c = defaultConfig();
    c.dev.cluster.kubernetesVersion = '1.29';
    c.prod.database.backupRetentionDays = 3;
    c.prod.network.availabilityZones = ['eu-west-1a'];
    c.dev.logRetentionDays = 10;
    expect(validateConfig(c)).toEqual([
      "dev.logRetentionDays must be one of CloudWatch's values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
      'dev.cluster.kubernetesVersion must be >= 1.31',
      'prod.network.availabilityZones must list exactly 3 AZs',
      'prod.database.backupRetentionDays must be between 7 and 35',
    ]);
  });
});

describe('config: review fixes', () => {
  it('gives each environment its own VPC range and rejects overlapping ones', () => {
    const c = defaultConfig();
    expect([c.dev.network.vpcCidr, c.prod.network.vpcCidr]).toEqual(['10.10.0.0/16', '10.20.0.0/16']);
    expect(cidrsOverlap(c.dev.network.vpcCidr, c.prod.network.vpcCidr)).toBe(false);
    c.prod.network.vpcCidr = '10.10.0.0/16';
    expect(validateConfig(c)).toEqual([
      'dev.network.vpcCidr "10.10.0.0/16" and prod.network.vpcCidr "10.10.0.0/16" overlap: each environment needs its own range (peering, transit gateway)',
    ]);
  });

  it('pins PostgreSQL by major only and says why a minor is refused', () => {
    const c = defaultConfig();
    expect([c.dev.database.engineVersion, c.prod.database.engineVersion]).toEqual(['17', '17']);
    c.prod.database.engineVersion = '16.6';
    expect(validateConfig(c)).toEqual([
      expect.stringMatching(
        /^prod\.database\.engineVersion must be a PostgreSQL major only \(e\.g\. "17"\), got "16\.6"/,
      ),
    ]);
  });

  it('validates the platform sizing, naming each field', () => {
    const c = defaultConfig();
    c.prod.platform.prometheusRetention = '30 days';
    c.prod.platform.prometheusStorageGb = 5;
    c.dev.platform.fluentBitBufferLimit = 'unlimited';
    c.dev.platform.appNamespace = 'Taskboard_App';
    expect(validateConfig(c)).toEqual([
      'dev.platform.fluentBitBufferLimit must be a size like "512M" or "5G", got "unlimited"',
      'dev.platform.appNamespace is not a Kubernetes namespace name: "Taskboard_App"',
      'prod.platform.prometheusRetention must be a Prometheus duration like "15d", got "30 days"',
      'prod.platform.prometheusStorageGb must be an integer >= 10',
    ]);
  });

  it('detects CIDR overlap exactly', () => {
    expect(cidrsOverlap('10.0.0.0/16', '10.0.255.0/24')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/16', '10.1.0.0/16')).toBe(false);
    expect(cidrsOverlap('10.0.0.0/8', '10.200.0.0/16')).toBe(true);
    expect(cidrsOverlap('172.16.0.0/12', '172.32.0.0/16')).toBe(false);
  });
});

describe('subnet layout', () => {
  it('computes cidrsubnet like Terraform', () => {
    expect(cidrSubnet('10.0.0.0/16', 8, 0)).toBe('10.0.0.0/24');
    expect(cidrSubnet('10.0.0.0/16', 8, 10)).toBe('10.0.10.0/24');
    expect(cidrSubnet('10.0.0.0/16', 3, 3)).toBe('10.0.96.0/19');
    expect(cidrSubnet('172.16.0.0/12', 4, 15)).toBe('172.31.0.0/16');
    expect(() => cidrSubnet('10.0.0.0/16', 3, 8)).toThrow(/out of range/);
  });

  it('never overlaps and stays inside the VPC', () => {
    const layout = subnetLayout('10.0.0.0/16', 3);
    const ranges = [...layout.public, ...layout.private, ...layout.isolated].map((cidr) => {
      const [ip, len] = cidr.split('/');
      const start = ip!.split('.').reduce((a, o) => a * 256 + Number(o), 0);
      return [start, start + 2 ** (32 - Number(len)) - 1] as const;
    });
    const vpcEnd = 10 * 2 ** 24 + 2 ** 16 - 1;
    for (const [i, [s, e]] of ranges.entries()) {
      expect(s >= 10 * 2 ** 24 && e <= vpcEnd).toBe(true);
      for (const [s2, e2] of ranges.slice(i + 1)) expect(e < s2 || e2 < s).toBe(true);
    }
  });
});

describe('app config (TASKBOARD_<ENV>_IMAGE_TAG)', () => {
  it('accepts a build tag', () => {
    const c = loadConfig({
      TASKBOARD_DEV_IMAGE_TAG: ' 20260102 ',
      TASKBOARD_PROD_IMAGE_TAG: 'v1.4.2_rc-1',
    });
    expect(c.dev.app.imageTag).toBe('20260102');
    expect(c.prod.app.imageTag).toBe('v1.4.2_rc-1');
    expect(loadConfig({}).dev.app.imageTag).toBeNull();
  });

  it.each([
    [{ TASKBOARD_DEV_IMAGE_TAG: 'latest' }, 'TASKBOARD_DEV_IMAGE_TAG must name one build'],
    [{ TASKBOARD_PROD_IMAGE_TAG: 'Latest' }, 'never "latest"'],
    [{ TASKBOARD_PROD_IMAGE_TAG: 'v1/2' }, 'TASKBOARD_PROD_IMAGE_TAG is not a valid image tag'],
    [{ TASKBOARD_PROD_IMAGE_TAG: '.hidden' }, 'TASKBOARD_PROD_IMAGE_TAG is not a valid image tag'],
    [{ TASKBOARD_PROD_IMAGE_TAG: 'x'.repeat(129) }, 'TASKBOARD_PROD_IMAGE_TAG is not a valid image tag'],
    // The Ingress host and certificate come from the edge stack only: the old variables fail loudly.
    [
      { TASKBOARD_DEV_APP_HOSTNAME: 'tasks.example.org' },
      "TASKBOARD_DEV_APP_HOSTNAME is no longer read: the Ingress host is the edge stack's alb_host_header",
    ],
    [
      { TASKBOARD_PROD_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' },
      "TASKBOARD_PROD_CERTIFICATE_ARN is no longer read: the ALB certificate is the edge stack's alb_certificate_arn",
    ],
  ])('refuses %o naming the variable', (vars, message) => {
    expect(problems(vars as Record<string, string>).join('\n')).toContain(message);
  });

  it('bounds the release timeout and history', () => {
    const c = defaultConfig();
    c.dev.app.releaseTimeoutSeconds = 60;
    c.prod.app.releaseMaxHistory = 0;
    expect(validateConfig(c)).toEqual([
      'dev.app.releaseTimeoutSeconds must be between 300 and 3600 (a rollout needs minutes; atomic waits this long)',
      'prod.app.releaseMaxHistory must be between 2 and 50 (a rollback needs the previous revision)',
    ]);
  });

  it('bounds the tracing settings: collector replicas, baseline share and head-sampling ratio', () => {
    const c = defaultConfig();
    c.dev.platform.otelCollectorReplicas = 0;
    c.dev.platform.traceBaselinePercent = 0;
    c.prod.app.tracingSampleRatio = 1.5;
    expect(validateConfig(c)).toEqual([
      'dev.platform.otelCollectorReplicas must be an integer >= 1',
      'dev.platform.traceBaselinePercent must be a percentage in (0, 100], got 0',
      'prod.app.tracingSampleRatio must be in (0, 1] (0 would record nothing), got 1.5',
    ]);
  });
});
