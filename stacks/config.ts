// Typed environment configuration for every stack. The committed defaults below are the reviewed
// "tfvars" of the project; the few values that differ per operator (account, state bucket, who
// may reach the EKS API) come from TASKBOARD_* environment variables. Everything is validated
// once, here, and every error names the variable or field that is wrong.

export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type EnvName = (typeof ENVIRONMENTS)[number];

/** Stacks in apply order; `day1`, `plan` and `destroy` (reversed) walk this list. */
export const STACK_ORDER = ['bootstrap', 'network', 'data', 'cluster', 'registry'] as const;
export type StackName = (typeof STACK_ORDER)[number];

export type DatabaseEngine = 'rds' | 'aurora-serverless-v2';

export interface NetworkConfig {
  /** A /16 of its own per environment: overlapping ranges rule out peering or a transit gateway later. */
  vpcCidr: string;
  /** Exactly three AZ names: subnets are laid out per AZ and must synthesize deterministically. */
  availabilityZones: string[];
  /** One NAT gateway for the VPC (cheap) or one per AZ (an AZ outage keeps egress in the others). */
  natGateways: 'single' | 'per-az';
  /** Interface endpoints for ECR, STS and CloudWatch Logs keep node traffic off the NAT gateways. */
  interfaceEndpoints: boolean;
}

export interface DatabaseConfig {
  engine: DatabaseEngine;
  /** PostgreSQL major only ("17"): AWS chooses and upgrades the minor. */
  engineVersion: string;
  instanceClass: string;
  allocatedStorageGb: number;
  maxAllocatedStorageGb: number;
  multiAz: boolean;
  backupRetentionDays: number;
  deletionProtection: boolean;
  /** Aurora Serverless v2 capacity in ACUs (only used by the aurora-serverless-v2 engine). */
  auroraMinAcu: number;
  auroraMaxAcu: number;
  /** Statements slower than this are logged (parameter log_min_duration_statement). */
  slowQueryMs: number;
}

export interface CacheConfig {
  engineVersion: string;
  nodeType: string;
  /** 1 = primary only; 2+ adds replicas and enables automatic failover and Multi-AZ. */
  nodes: number;
  snapshotRetentionDays: number;
}

export interface NodeGroupConfig {
  instanceTypes: string[];
  minSize: number;
  desiredSize: number;
  maxSize: number;
}

export interface ClusterConfig {
  kubernetesVersion: string;
  /** CIDRs allowed to reach the public API endpoint; empty = private endpoint only. */
  publicAccessCidrs: string[];
  adminRoleName: string;
  ciRoleName: string;
  rootVolumeGb: number;
  onDemand: NodeGroupConfig;
  spot: NodeGroupConfig | null;
  /** Managed add-on versions, pinned (check with `aws eks describe-addon-versions`). */
  addons: Record<EksAddonName, string>;
}

export const EKS_ADDONS = [
  'vpc-cni',
  'coredns',
  'kube-proxy',
  'aws-ebs-csi-driver',
  'eks-pod-identity-agent',
] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

export interface RegistryConfig {
  repositories: string[];
  keepLastImages: number;
}

/** Where the GitHub Actions workflows run (.github/workflows; the OIDC roles in bootstrap trust it). */
export interface GithubConfig {
  /** `owner/name` of the repository whose workflows may assume the roles (TASKBOARD_GITHUB_REPOSITORY). */
  repository: string;
  /** GitHub environment whose jobs may assume the deploy role (required reviewers live there). */
  deployEnvironment: string;
  /** One GitHub OIDC provider per account: `existing` when another environment's bootstrap made it. */
  oidcProvider: 'create' | 'existing';
}

export interface EnvConfig {
  name: EnvName;
  project: string;
  region: string;
  /** When set, the provider refuses to run against any other account (allowed_account_ids). */
  accountId: string | null;
  stateBucket: string;
  /** Bootstrap keeps local state until its bucket exists; flip after the first apply. */
  bootstrapStateInS3: boolean;
  logRetentionDays: number;
  network: NetworkConfig;
  database: DatabaseConfig;
  cache: CacheConfig;
  cluster: ClusterConfig;
  registry: RegistryConfig;
  github: GithubConfig;
}

export type InfraConfig = Record<EnvName, EnvConfig>;

/** Kubernetes minor both environments run; its end of standard support is in SUPPORT_CALENDAR. */
const KUBERNETES_VERSION = '1.35';

/**
 * Managed add-on builds for EKS 1.35 (where each came from is in docs/infrastructure.md;
 * `make check-versions ENV=…` asks AWS whether each is still offered for the cluster version).
 */
const ADDON_VERSIONS_1_35: Record<EksAddonName, string> = {
  'vpc-cni': 'v1.21.1-eksbuild.3',
  coredns: 'v1.13.2-eksbuild.4',
  'kube-proxy': 'v1.35.3-eksbuild.2',
  'aws-ebs-csi-driver': 'v1.55.0-eksbuild.2',
  'eks-pod-identity-agent': 'v1.3.10-eksbuild.2',
};

/**
 * PostgreSQL major only: RDS/Aurora pick the newest creatable minor and upgrade minors
 * themselves (auto_minor_version_upgrade), so a pinned minor can neither go stale nor make
 * every later plan try to downgrade. The provider reports the running one as engine_version_actual.
 */
const POSTGRES_MAJOR = '17';

const REGION = 'eu-west-1';
/** The upstream repository; forks set TASKBOARD_GITHUB_REPOSITORY to their own `owner/name`. */
const GITHUB_REPOSITORY = 'taskboard-sre/taskboard-sre';
const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/** Reviewed defaults; dev is sized for cost, prod for availability. */
export function defaultConfig(): InfraConfig {
  return {
    dev: {
      name: 'dev',
      project: 'taskboard',
      region: REGION,
      accountId: null,
      stateBucket: 'taskboard-sre-dev-tfstate',
      bootstrapStateInS3: false,
      logRetentionDays: 30,
      network: {
        vpcCidr: '10.10.0.0/16',
        availabilityZones: AZS,
        natGateways: 'single',
        interfaceEndpoints: false,
      },
      database: {
        engine: 'rds',
        engineVersion: POSTGRES_MAJOR,
        instanceClass: 'db.t4g.micro',
        allocatedStorageGb: 20,
        maxAllocatedStorageGb: 50,
        multiAz: false,
        backupRetentionDays: 7,
        deletionProtection: false,
        auroraMinAcu: 0.5,
        auroraMaxAcu: 2,
        slowQueryMs: 500,
      },
      cache: { engineVersion: '7.1', nodeType: 'cache.t4g.micro', nodes: 1, snapshotRetentionDays: 1 },
      cluster: {
        kubernetesVersion: KUBERNETES_VERSION,
        publicAccessCidrs: [],
        adminRoleName: 'taskboard-admin',
        ciRoleName: 'taskboard-ci',
        rootVolumeGb: 30,
        onDemand: { instanceTypes: ['t3.large'], minSize: 1, desiredSize: 2, maxSize: 3 },
        spot: {
          instanceTypes: ['t3.large', 't3a.large', 'm5.large'],
          minSize: 0,
          desiredSize: 0,
          maxSize: 3,
        },
        addons: ADDON_VERSIONS_1_35,
      },
      registry: { repositories: ['api', 'frontend'], keepLastImages: 20 },
      github: { repository: GITHUB_REPOSITORY, deployEnvironment: 'dev', oidcProvider: 'create' },
    },
    prod: {
      name: 'prod',
      project: 'taskboard',
      region: REGION,
      accountId: null,
      stateBucket: 'taskboard-sre-prod-tfstate',
      bootstrapStateInS3: false,
      logRetentionDays: 90,
      network: {
        vpcCidr: '10.20.0.0/16',
        availabilityZones: AZS,
        natGateways: 'per-az',
        interfaceEndpoints: true,
      },
      database: {
        engine: 'rds',
        engineVersion: POSTGRES_MAJOR,
        instanceClass: 'db.m7g.large',
        allocatedStorageGb: 100,
        maxAllocatedStorageGb: 500,
        multiAz: true,
        backupRetentionDays: 30,
        deletionProtection: true,
        auroraMinAcu: 0.5,
        auroraMaxAcu: 2,
        slowQueryMs: 500,
      },
      cache: { engineVersion: '7.1', nodeType: 'cache.m7g.large', nodes: 2, snapshotRetentionDays: 7 },
      cluster: {
        kubernetesVersion: KUBERNETES_VERSION,
        publicAccessCidrs: [],
        adminRoleName: 'taskboard-admin',
        ciRoleName: 'taskboard-ci',
        rootVolumeGb: 50,
        onDemand: { instanceTypes: ['m7i.large'], minSize: 3, desiredSize: 3, maxSize: 6 },
        spot: null,
        addons: ADDON_VERSIONS_1_35,
      },
      registry: { repositories: ['api', 'frontend'], keepLastImages: 50 },
      github: { repository: GITHUB_REPOSITORY, deployEnvironment: 'production', oidcProvider: 'create' },
    },
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid infrastructure configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Name of the environment variable that overrides `field` for `env`, e.g. TASKBOARD_PROD_ACCOUNT_ID. */
export function envVar(env: EnvName, field: string): string {
  return `TASKBOARD_${env.toUpperCase()}_${field}`;
}

/**
 * Defaults + TASKBOARD_<ENV>_* overrides, validated. Overrides:
 * ACCOUNT_ID, STATE_BUCKET, BOOTSTRAP_STATE_IN_S3 (true|false), EKS_PUBLIC_CIDRS (comma list),
 * DB_ENGINE (rds|aurora-serverless-v2), GITHUB_OIDC_PROVIDER (create|existing); and for both
 * environments TASKBOARD_GITHUB_REPOSITORY (owner/name).
 */
export function loadConfig(vars: Record<string, string | undefined> = process.env): InfraConfig {
  const config = defaultConfig();
  const problems: string[] = [];
  const repository = vars.TASKBOARD_GITHUB_REPOSITORY?.trim();
  for (const env of ENVIRONMENTS) {
    const c = config[env];
    if (repository) c.github.repository = repository;
    const read = (field: string): string | undefined => {
      const value = vars[envVar(env, field)];
      return value === undefined || value.trim() === '' ? undefined : value.trim();
    };
    c.accountId = read('ACCOUNT_ID') ?? c.accountId;
    c.stateBucket = read('STATE_BUCKET') ?? c.stateBucket;
    const inS3 = read('BOOTSTRAP_STATE_IN_S3');
    if (inS3 !== undefined) {
      if (inS3 !== 'true' && inS3 !== 'false') {
        problems.push(`${envVar(env, 'BOOTSTRAP_STATE_IN_S3')} must be "true" or "false", got "${inS3}"`);
      }
      c.bootstrapStateInS3 = inS3 === 'true';
    }
    const cidrs = read('EKS_PUBLIC_CIDRS');
    if (cidrs !== undefined) c.cluster.publicAccessCidrs = cidrs.split(',').map((s) => s.trim());
    const engine = read('DB_ENGINE');
    if (engine !== undefined) {
      if (engine !== 'rds' && engine !== 'aurora-serverless-v2') {
        problems.push(`${envVar(env, 'DB_ENGINE')} must be "rds" or "aurora-serverless-v2", got "${engine}"`);
      } else {
        c.database.engine = engine;
      }
    }
    const oidc = read('GITHUB_OIDC_PROVIDER');
    if (oidc !== undefined) {
      if (oidc !== 'create' && oidc !== 'existing') {
        problems.push(`${envVar(env, 'GITHUB_OIDC_PROVIDER')} must be "create" or "existing", got "${oidc}"`);
      } else {
        c.github.oidcProvider = oidc;
      }
    }
  }
  problems.push(...validateConfig(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function isCidr(value: string): boolean {
  const m = CIDR.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  return octets.every((o) => o <= 255) && Number(m[5]) <= 32;
}

function cidrRange(cidr: string): [number, number] {
  const [ip, len] = cidr.split('/');
  const start = (ip ?? '').split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(len));
  const base = start - (start % size);
  return [base, base + size - 1];
}

/** True when two IPv4 CIDRs share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [s1, e1] = cidrRange(a);
  const [s2, e2] = cidrRange(b);
  return s1 <= e2 && s2 <= e1;
}

/** Every rule the stacks rely on; returns one message per problem, each naming its field. */
export function validateConfig(config: InfraConfig): string[] {
  const problems: string[] = [];
  for (const env of ENVIRONMENTS) {
    const c = config[env];
    const p = (field: string, message: string) => problems.push(`${env}.${field} ${message}`);
    if (c.name !== env) p('name', `must be "${env}"`);
    if (!/^[a-z]{2}-[a-z]+-\d$/.test(c.region)) p('region', `is not an AWS region: "${c.region}"`);
    if (c.accountId !== null && !/^\d{12}$/.test(c.accountId)) {
      problems.push(`${envVar(env, 'ACCOUNT_ID')} must be 12 digits, got "${c.accountId}"`);
    }
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(c.stateBucket) || c.stateBucket.includes('..')) {
      problems.push(`${envVar(env, 'STATE_BUCKET')} is not a valid S3 bucket name: "${c.stateBucket}"`);
    }
    if (!CLOUDWATCH_RETENTION_DAYS.includes(c.logRetentionDays)) {
      p('logRetentionDays', `must be one of CloudWatch's values (${CLOUDWATCH_RETENTION_DAYS.join(', ')})`);
    }
    const n = c.network;
    if (!isCidr(n.vpcCidr) || !n.vpcCidr.endsWith('/16'))
      p('network.vpcCidr', `must be a /16, got "${n.vpcCidr}"`);
    if (n.availabilityZones.length !== 3) p('network.availabilityZones', 'must list exactly 3 AZs');
    for (const az of n.availabilityZones) {
      if (!az.startsWith(c.region)) p('network.availabilityZones', `"${az}" is not in region ${c.region}`);
    }
    const d = c.database;
    if (!/^\d+$/.test(d.engineVersion)) {
      p(
        'database.engineVersion',
        `must be a PostgreSQL major only (e.g. "17"), got "${d.engineVersion}": AWS upgrades minors itself, and a pinned minor stops being creatable`,
      );
    }
    if (d.backupRetentionDays < 7 || d.backupRetentionDays > 35) {
      p('database.backupRetentionDays', 'must be between 7 and 35');
    }
    if (!(d.auroraMinAcu >= 0.5 && d.auroraMaxAcu >= d.auroraMinAcu && d.auroraMaxAcu <= 256)) {
      p('database.auroraMinAcu/auroraMaxAcu', 'must satisfy 0.5 <= min <= max <= 256');
    }
    if (d.maxAllocatedStorageGb < d.allocatedStorageGb) {
      p('database.maxAllocatedStorageGb', 'must be >= allocatedStorageGb');
    }
    if (c.cache.nodes < 1 || c.cache.nodes > 6) p('cache.nodes', 'must be between 1 and 6');
    const k = c.cluster;
    const [major, minor] = k.kubernetesVersion.split('.').map(Number);
    if (major !== 1 || minor === undefined || minor < 31) p('cluster.kubernetesVersion', 'must be >= 1.31');
    for (const cidr of k.publicAccessCidrs) {
      if (!isCidr(cidr)) {
        problems.push(`${envVar(env, 'EKS_PUBLIC_CIDRS')}: "${cidr}" is not an IPv4 CIDR`);
      } else if (cidr.endsWith('/0')) {
        problems.push(`${envVar(env, 'EKS_PUBLIC_CIDRS')}: "${cidr}" would open the API to the internet`);
      }
    }
    for (const [group, g] of [['onDemand', k.onDemand] as const, ['spot', k.spot] as const]) {
      if (g === null) continue;
      if (!(g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize && g.maxSize >= 1)) {
        p(`cluster.${group}`, 'must satisfy minSize <= desiredSize <= maxSize and maxSize >= 1');
      }
      if (g.instanceTypes.length === 0) p(`cluster.${group}.instanceTypes`, 'must not be empty');
    }
    if (k.onDemand.minSize < 1) p('cluster.onDemand.minSize', 'must be >= 1 (system pods need a base)');
    if (c.registry.keepLastImages < 1) p('registry.keepLastImages', 'must be >= 1');
    // GitHub's rules for owner and repository names; anything else could widen the OIDC `sub`.
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/.test(c.github.repository)) {
      problems.push(
        `TASKBOARD_GITHUB_REPOSITORY must be "owner/name" as GitHub spells it, got "${c.github.repository}"`,
      );
    }
    if (!/^[\w.-]+$/.test(c.github.deployEnvironment)) {
      p('github.deployEnvironment', `must be a GitHub environment name, got "${c.github.deployEnvironment}"`);
    }
  }
  const [dev, prod] = [config.dev.network.vpcCidr, config.prod.network.vpcCidr];
  if (isCidr(dev) && isCidr(prod) && cidrsOverlap(dev, prod)) {
    problems.push(
      `dev.network.vpcCidr "${dev}" and prod.network.vpcCidr "${prod}" overlap: each environment needs its own range (peering, transit gateway)`,
    );
  }
  return problems;
}

export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
