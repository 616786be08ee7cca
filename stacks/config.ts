// Typed environment configuration for every stack. The committed defaults below are the reviewed
// "tfvars" of the project; the few values that differ per operator (account, state bucket, who
// may reach the EKS API) come from TASKBOARD_* environment variables. Everything is validated
// once, here, and every error names the variable or field that is wrong.

export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type EnvName = (typeof ENVIRONMENTS)[number];

/** Stacks in apply order; `plan` and `destroy` (reversed) walk this list, the days walk their part. */
export const STACK_ORDER = [
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
  // Needs the ALB the app chart's Ingress creates: stays after the app stack.
  'app-alarms',
  'resilience',
] as const;
export type StackName = (typeof STACK_ORDER)[number];

/** Day 1 builds the AWS foundation; day 2 puts software on the cluster (add-ons, then the app). */
export const DAY1_STACKS: readonly StackName[] = [
  'bootstrap',
  'network',
  'data',
  'cluster',
  'registry',
  'edge',
  'alerting',
  'audit',
];
/** `app-alarms` finds the ALB the app's Ingress creates, so it comes after the app. */
export const DAY2_STACKS: readonly StackName[] = ['platform', 'app', 'app-alarms'];

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

/** Sizing of the cluster add-ons the platform stack installs (stacks/platform.ts). */
export interface PlatformConfig {
  /** Prometheus TSDB retention, e.g. "15d" (Prometheus duration: number + h, d or w). */
  prometheusRetention: string;
  /** gp3 PersistentVolume per Prometheus replica; must hold `prometheusRetention` of samples. */
  prometheusStorageGb: number;
  prometheusReplicas: number;
  alertmanagerReplicas: number;
  /** Fluent Bit's on-disk buffer per output while CloudWatch is unreachable (storage.total_limit_size). */
  fluentBitBufferLimit: string;
  /** Namespace of the taskboard app: its logs go to the app log group, everything else to workloads. */
  appNamespace: string;
  /** ADOT collector replicas; more than one spreads traces by id (loadbalancing exporter). */
  otelCollectorReplicas: number;
  /** Percent of the traces that are neither errors nor slow the collector still sends to X-Ray. */
  traceBaselinePercent: number;
}

export interface AppConfig {
  /**
   * Image tag of both app images (api, frontend), from TASKBOARD_<ENV>_IMAGE_TAG. Not part of the
   * synthesized JSON: the app stack declares the Terraform variable `image_tag` (validated there
   * too) and `make day2`/`apply` pass it; null = not given (synth still works, applying refuses).
   */
  imageTag: string | null;
  /**
   * Chaos Mesh may inject faults into the app's namespace (annotation chaos-mesh.org/inject,
   * honoured when the platform runs Chaos Mesh with enableFilterNamespace). Drills run in dev.
   */
  chaosInjection: boolean;
  /** helm_release timeout: the whole rollout, readiness gates included, must fit (atomic rolls back after it). */
  releaseTimeoutSeconds: number;
  /** Release revisions Helm keeps (the provider's default keeps every one forever). */
  releaseMaxHistory: number;
  /**
   * Share of new traces the API records (api.tracing.sampleRatio, head sampling). The collector's
   * tail sampling then keeps the errors and slow traces among them.
   */
  tracingSampleRatio: number;
}

export interface WafConfig {
  enabled: boolean;
  /** Requests one client IP may make in any 5 minutes before the rate-based rule blocks it. */
  rateLimitPer5Min: number;
}

export interface EdgeConfig {
  /**
   * Public host name of the SPA: an ACM certificate (us-east-1) and a Route 53 alias are made
   * for it. null: the distribution's own *.cloudfront.net name, and no certificate.
   */
  domain: string | null;
  /** Public Route 53 hosted zone holding `domain` and `albOriginDomain` (required with a domain). */
  hostedZoneName: string | null;
  /**
   * Host name CloudFront sends /api/* to. It must resolve to the app chart's ALB (the LB
   * controller creates the ALB, so its DNS name is unknown here). Without a domain it must also be
   * the chart's `ingress.host`, because then CloudFront sends it as the Host header.
   */
  albOriginDomain: string;
  /** The chart's `ingress.groupName`: the alerting stack finds the ALB by the controller's tag. */
  ingressGroupName: string;
  /** Seconds CloudFront may keep the HTML shell (index.html asks for revalidation anyway). */
  htmlMaxTtlSeconds: number;
  priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  accessLogDays: number;
  waf: WafConfig;
}

export interface AlertingConfig {
  /** Addresses subscribed to both SNS topics (each confirms once by e-mail). */
  emails: string[];
  /**
   * PostgreSQL connections that raise the alarm: ~80 % of the instance class's max_connections
   * (RDS default LEAST(DBInstanceClassMemory/9531392, 5000): db.t4g.micro ~112, db.m7g.large ~900).
   */
  databaseConnections: number;
}

/** The CloudWatch Synthetics canary walking the public URL in a browser (app-alarms stack). */
export interface CanaryConfig {
  /** Off: no canary, bucket, role, secret or alarm (TASKBOARD_<ENV>_CANARY=false). */
  enabled: boolean;
  /** Minutes between runs: `rate(N minutes)`; also the alarm's period. */
  everyMinutes: number;
  /** Consecutive failed (or missing) runs before the alarm fires. */
  failedRunsToAlarm: number;
  /** The canary user's e-mail (registered once through the API: docs/delivery.md). */
  username: string;
  /** Days run artifacts (screenshots, HAR, logs) stay in the canary's bucket. */
  artifactDays: number;
}

export interface AuditConfig {
  /** Monthly AWS cost budget in USD (seed 000's estimate); 50/80/100 % actual, 100 % forecast notify. */
  budgetMonthlyUsd: number;
  /** Days CloudTrail log files are kept in S3 (the CloudWatch copy follows logRetentionDays). */
  trailLogDays: number;
  compliance: ComplianceConfig;
  /** Dev night and weekend scale-down by EventBridge Scheduler; null = always on (prod). */
  scaleDown: ScaleDownConfig | null;
  /** AWS Chatbot posts both alert topics to this Slack channel; null = no Chatbot (e-mail only). */
  slack: SlackConfig | null;
}

/** AWS Config (recorder, delivery channel, managed rules) in the audit stack. */
export interface ComplianceConfig {
  /**
   * One recorder per account and region is all AWS allows: false in an environment that shares
   * its account with one that records (TASKBOARD_<ENV>_AWS_CONFIG).
   */
  enabled: boolean;
  /** `all` supported types (audit evidence), or `rule-scope`: only what the rules evaluate (billed per item). */
  recording: 'all' | 'rule-scope';
  /** IAM is global: record it in one region only (with `all`). */
  recordGlobalTypes: boolean;
  /** Days configuration snapshots and history stay in the Config bucket. */
  snapshotDays: number;
}

export interface ScaleDownConfig {
  /** IANA time zone of both crons (EventBridge Scheduler handles daylight saving). */
  timeZone: string;
  /** Node groups to zero and the database stopped, e.g. cron(0 20 ? * MON-FRI *). */
  stopCron: string;
  /** Node groups back to their configured sizes and the database started. */
  startCron: string;
}

export interface SlackConfig {
  /** Slack workspace (team) id, T…: authorised once in the AWS Chatbot console (TASKBOARD_<ENV>_SLACK_WORKSPACE_ID). */
  workspaceId: string;
  /** Slack channel id, C… or G… (TASKBOARD_<ENV>_SLACK_CHANNEL_ID). */
  channelId: string;
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
  platform: PlatformConfig;
  app: AppConfig;
  edge: EdgeConfig;
  alerting: AlertingConfig;
  audit: AuditConfig;
  canary: CanaryConfig;
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

/** Namespace the app stack installs helm/taskboard into (also used by `make chart-template`). */
const APP_NAMESPACE = 'taskboard';

const REGION = 'eu-west-1';
/** The upstream repository; forks set TASKBOARD_GITHUB_REPOSITORY to their own `owner/name`. */
const GITHUB_REPOSITORY = 'taskboard-sre/taskboard-sre';
const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/**
 * The app release's settings. Timeout: a rollout replaces pods one at a time (maxSurge 1,
 * maxUnavailable 0); each new pod may take the startup probe's 60 s, then the ALB's health checks
 * behind the readiness gate (~30 s), then the old one's 30 s deregistration pause: ~2 min per step,
 * 3 API + 2 SPA pods in prod on two Deployments in parallel -> ~6 min; 15 min leaves room for a
 * node scale-up (cluster-autoscaler, ~3 min) before `atomic` gives up and rolls back.
 */
function appDefaults(chaosInjection: boolean, tracingSampleRatio: number): AppConfig {
  return {
    imageTag: null,
    chaosInjection,
    releaseTimeoutSeconds: 900,
    releaseMaxHistory: 10,
    tracingSampleRatio,
  };
}

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
      platform: {
        prometheusRetention: '7d',
        prometheusStorageGb: 20,
        prometheusReplicas: 1,
        alertmanagerReplicas: 1,
        fluentBitBufferLimit: '1G',
        appNamespace: APP_NAMESPACE,
        otelCollectorReplicas: 1,
        traceBaselinePercent: 100,
      },
      // dev records every trace: little traffic, and a drill wants the trace of each request.
      app: appDefaults(true, 1),
      // No domain in dev: the *.cloudfront.net name, and the ALB origin is the chart's host.
      edge: {
        domain: null,
        hostedZoneName: null,
        albOriginDomain: 'taskboard.dev.example.com',
        ingressGroupName: 'taskboard-dev',
        htmlMaxTtlSeconds: 60,
        priceClass: 'PriceClass_100',
        accessLogDays: 30,
        waf: { enabled: false, rateLimitPer5Min: 2000 },
      },
      alerting: { emails: [], databaseConnections: 90 },
      audit: {
        budgetMonthlyUsd: 250,
        trailLogDays: 365,
        // Dev records only what the rules evaluate: its nightly scale-down churns items.
        compliance: { enabled: true, recording: 'rule-scope', recordGlobalTypes: false, snapshotDays: 365 },
        // Off 20:00-07:00 on weekdays and the whole weekend (Friday's stop lasts until Monday).
        scaleDown: {
          timeZone: 'Europe/Dublin',
          stopCron: 'cron(0 20 ? * MON-FRI *)',
          startCron: 'cron(0 7 ? * MON-FRI *)',
        },
        slack: null,
      },
      // Dev: every 15 minutes, a third of prod's runs (and cost); TASKBOARD_DEV_CANARY=false turns it off.
      canary: {
        enabled: true,
        everyMinutes: 15,
        failedRunsToAlarm: 2,
        username: 'canary@dev.taskboard.example.com',
        artifactDays: 7,
      },
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
      // Two Prometheus and three Alertmanager replicas: a node drain never blinds or mutes us.
      platform: {
        prometheusRetention: '30d',
        prometheusStorageGb: 100,
        prometheusReplicas: 2,
        alertmanagerReplicas: 3,
        fluentBitBufferLimit: '5G',
        appNamespace: APP_NAMESPACE,
        otelCollectorReplicas: 2,
        traceBaselinePercent: 10,
      },
      app: appDefaults(false, 0.1),
      edge: {
        domain: 'taskboard.example.com',
        hostedZoneName: 'example.com',
        albOriginDomain: 'origin.taskboard.example.com',
        ingressGroupName: 'taskboard-prod',
        htmlMaxTtlSeconds: 60,
        priceClass: 'PriceClass_100',
        accessLogDays: 365,
        waf: { enabled: true, rateLimitPer5Min: 2000 },
      },
      alerting: { emails: [], databaseConnections: 720 },
      audit: {
        budgetMonthlyUsd: 250,
        trailLogDays: 2557,
        compliance: { enabled: true, recording: 'all', recordGlobalTypes: true, snapshotDays: 2557 },
        scaleDown: null,
        slack: null,
      },
      // Every 5 minutes; two failed runs in a row (10 minutes) page.
      canary: {
        enabled: true,
        everyMinutes: 5,
        failedRunsToAlarm: 2,
        username: 'canary@taskboard.example.com',
        artifactDays: 30,
      },
      github: { repository: GITHUB_REPOSITORY, deployEnvironment: 'production', oidcProvider: 'create' },
    },
  };
}

/**
 * Variables that used to set the app's Ingress by hand. The app stack now reads the host, the
 * certificate and the ALB's security group from the edge stack's outputs: one way, so a stale
 * value set in a shell fails loudly instead of being ignored.
 */
const REMOVED_VARIABLES: [string, string][] = [
  [
    'APP_HOSTNAME',
    "the Ingress host is the edge stack's alb_host_header (set EDGE_DOMAIN or ALB_ORIGIN_DOMAIN)",
  ],
  [
    'CERTIFICATE_ARN',
    "the ALB certificate is the edge stack's alb_certificate_arn (set EDGE_DOMAIN and EDGE_HOSTED_ZONE)",
  ],
];

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
 * DB_ENGINE (rds|aurora-serverless-v2), IMAGE_TAG,
 * EDGE_DOMAIN and EDGE_HOSTED_ZONE ("none" clears both),
 * ALB_ORIGIN_DOMAIN, WAF (true|false), ALERT_EMAILS (comma list), CANARY (true|false).
 * DB_ENGINE (rds|aurora-serverless-v2), GITHUB_OIDC_PROVIDER (create|existing),
 * AWS_CONFIG (true|false), SCALE_DOWN (false turns it off), SLACK_WORKSPACE_ID + SLACK_CHANNEL_ID
 * (together); and for both
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
    c.app.imageTag = read('IMAGE_TAG') ?? c.app.imageTag;
    for (const [field, instead] of REMOVED_VARIABLES) {
      if (read(field) !== undefined) problems.push(`${envVar(env, field)} is no longer read: ${instead}`);
    }
    const domain = read('EDGE_DOMAIN');
    if (domain !== undefined) c.edge.domain = domain === 'none' ? null : domain;
    const zone = read('EDGE_HOSTED_ZONE');
    if (zone !== undefined) c.edge.hostedZoneName = zone === 'none' ? null : zone;
    c.edge.albOriginDomain = read('ALB_ORIGIN_DOMAIN') ?? c.edge.albOriginDomain;
    const waf = read('WAF');
    if (waf !== undefined) {
      if (waf !== 'true' && waf !== 'false') {
        problems.push(`${envVar(env, 'WAF')} must be "true" or "false", got "${waf}"`);
      }
      c.edge.waf.enabled = waf === 'true';
    }
    const canary = read('CANARY');
    if (canary !== undefined) {
      if (canary !== 'true' && canary !== 'false') {
        problems.push(`${envVar(env, 'CANARY')} must be "true" or "false", got "${canary}"`);
      }
      c.canary.enabled = canary === 'true';
    }
    const emails = read('ALERT_EMAILS');
    if (emails !== undefined) c.alerting.emails = emails.split(',').map((s) => s.trim());
    const awsConfig = read('AWS_CONFIG');
    if (awsConfig !== undefined) {
      if (awsConfig !== 'true' && awsConfig !== 'false') {
        problems.push(`${envVar(env, 'AWS_CONFIG')} must be "true" or "false", got "${awsConfig}"`);
      }
      c.audit.compliance.enabled = awsConfig === 'true';
    }
    if (read('SCALE_DOWN') === 'false') c.audit.scaleDown = null;
    const [workspaceId, channelId] = [read('SLACK_WORKSPACE_ID'), read('SLACK_CHANNEL_ID')];
    if (workspaceId !== undefined || channelId !== undefined) {
      if (workspaceId === undefined || channelId === undefined) {
        problems.push(
          `${envVar(env, 'SLACK_WORKSPACE_ID')} and ${envVar(env, 'SLACK_CHANNEL_ID')} must be set together`,
        );
      } else {
        c.audit.slack = { workspaceId, channelId };
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
    problems.push(...validatePlatform(env, c.platform));
    const a = c.app;
    if (a.imageTag !== null) {
      const problem = imageTagProblem(a.imageTag);
      if (problem) problems.push(`${envVar(env, 'IMAGE_TAG')} ${problem}`);
    }
    if (!(a.releaseTimeoutSeconds >= 300 && a.releaseTimeoutSeconds <= 3600)) {
      p(
        'app.releaseTimeoutSeconds',
        'must be between 300 and 3600 (a rollout needs minutes; atomic waits this long)',
      );
    }
    if (!(a.releaseMaxHistory >= 2 && a.releaseMaxHistory <= 50)) {
      p('app.releaseMaxHistory', 'must be between 2 and 50 (a rollback needs the previous revision)');
    }
    if (!(a.tracingSampleRatio > 0 && a.tracingSampleRatio <= 1)) {
      p('app.tracingSampleRatio', `must be in (0, 1] (0 would record nothing), got ${a.tracingSampleRatio}`);
    }
    problems.push(...validateEdge(env, c.edge));
    if (!(c.alerting.databaseConnections >= 1)) p('alerting.databaseConnections', 'must be >= 1');
    if (!(c.audit.budgetMonthlyUsd > 0)) p('audit.budgetMonthlyUsd', 'must be > 0');
    if (!(c.audit.trailLogDays >= 90))
      p('audit.trailLogDays', 'must be >= 90 (incident forensics look back months)');
    problems.push(...validateAudit(env, c.audit));
    problems.push(...validateCanary(env, c.canary));
    for (const email of c.alerting.emails) {
      if (!EMAIL.test(email))
        problems.push(`${envVar(env, 'ALERT_EMAILS')}: "${email}" is not an e-mail address`);
    }
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

const SCHEDULER_CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

function validateAudit(env: EnvName, a: AuditConfig): string[] {
  const problems: string[] = [];
  const p = (field: string, message: string) => problems.push(`${env}.audit.${field} ${message}`);
  if (!(a.compliance.snapshotDays >= 90)) p('compliance.snapshotDays', 'must be >= 90');
  if (a.compliance.recording !== 'all' && a.compliance.recordGlobalTypes) {
    p('compliance.recordGlobalTypes', 'needs recording "all" (rule-scope lists its types itself)');
  }
  const s = a.scaleDown;
  if (s !== null) {
    if (env === 'prod') p('scaleDown', 'must be null: production never sleeps');
    if (!Intl.supportedValuesOf('timeZone').includes(s.timeZone)) {
      p('scaleDown.timeZone', `is not an IANA time zone: "${s.timeZone}"`);
    }
    for (const [field, cron] of [
      ['stopCron', s.stopCron],
      ['startCron', s.startCron],
    ] as const) {
      if (!SCHEDULER_CRON.test(cron))
        p(`scaleDown.${field}`, `must be cron(min hour dom month dow year), got "${cron}"`);
    }
  }
  if (a.slack !== null) {
    if (!/^T[A-Z0-9]{6,}$/.test(a.slack.workspaceId)) {
      problems.push(
        `${envVar(env, 'SLACK_WORKSPACE_ID')} must be a Slack team id (T…), got "${a.slack.workspaceId}"`,
      );
    }
    if (!/^[CG][A-Z0-9]{6,}$/.test(a.slack.channelId)) {
      problems.push(
        `${envVar(env, 'SLACK_CHANNEL_ID')} must be a Slack channel id (C… or G…), got "${a.slack.channelId}"`,
      );
    }
  }
  return problems;
}

function validateCanary(env: EnvName, k: CanaryConfig): string[] {
  const problems: string[] = [];
  const p = (field: string, message: string) => problems.push(`${env}.canary.${field} ${message}`);
  // CloudWatch Synthetics accepts rate(1 minute) up to rate(1 hour).
  if (!Number.isInteger(k.everyMinutes) || k.everyMinutes < 1 || k.everyMinutes > 60)
    p('everyMinutes', `must be an integer from 1 to 60, got ${k.everyMinutes}`);
  if (!Number.isInteger(k.failedRunsToAlarm) || k.failedRunsToAlarm < 1)
    p('failedRunsToAlarm', 'must be an integer >= 1');
  if (!EMAIL.test(k.username)) p('username', `is not an e-mail address: "${k.username}"`);
  if (!Number.isInteger(k.artifactDays) || k.artifactDays < 1) p('artifactDays', 'must be an integer >= 1');
  return problems;
}

function validatePlatform(env: EnvName, pl: PlatformConfig): string[] {
  const problems: string[] = [];
  const p = (field: string, message: string) => problems.push(`${env}.platform.${field} ${message}`);
  if (!/^[1-9]\d*[hdw]$/.test(pl.prometheusRetention)) {
    p('prometheusRetention', `must be a Prometheus duration like "15d", got "${pl.prometheusRetention}"`);
  }
  if (!Number.isInteger(pl.prometheusStorageGb) || pl.prometheusStorageGb < 10) {
    p('prometheusStorageGb', 'must be an integer >= 10');
  }
  if (pl.prometheusReplicas < 1 || pl.alertmanagerReplicas < 1) {
    p('prometheusReplicas/alertmanagerReplicas', 'must be >= 1');
  }
  if (!/^[1-9]\d*[MG]$/.test(pl.fluentBitBufferLimit)) {
    p('fluentBitBufferLimit', `must be a size like "512M" or "5G", got "${pl.fluentBitBufferLimit}"`);
  }
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(pl.appNamespace)) {
    p('appNamespace', `is not a Kubernetes namespace name: "${pl.appNamespace}"`);
  }
  if (!(Number.isInteger(pl.otelCollectorReplicas) && pl.otelCollectorReplicas >= 1)) {
    p('otelCollectorReplicas', 'must be an integer >= 1');
  }
  if (!(pl.traceBaselinePercent > 0 && pl.traceBaselinePercent <= 100)) {
    p('traceBaselinePercent', `must be a percentage in (0, 100], got ${pl.traceBaselinePercent}`);
  }
  return problems;
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,63}$/i;

/** True when `name` is `zone` or a name inside it. */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

function validateEdge(env: EnvName, e: EdgeConfig): string[] {
  const problems: string[] = [];
  const p = (field: string, message: string) => problems.push(`${env}.edge.${field} ${message}`);
  if (e.domain !== null && !HOST_NAME.test(e.domain)) {
    problems.push(`${envVar(env, 'EDGE_DOMAIN')} is not a lower-case DNS name: "${e.domain}"`);
  }
  if (e.hostedZoneName !== null && !HOST_NAME.test(e.hostedZoneName)) {
    problems.push(`${envVar(env, 'EDGE_HOSTED_ZONE')} is not a lower-case DNS name: "${e.hostedZoneName}"`);
  }
  if (!HOST_NAME.test(e.albOriginDomain)) {
    problems.push(`${envVar(env, 'ALB_ORIGIN_DOMAIN')} is not a lower-case DNS name: "${e.albOriginDomain}"`);
  }
  if (e.domain !== null) {
    if (e.hostedZoneName === null) {
      problems.push(
        `${envVar(env, 'EDGE_HOSTED_ZONE')} is required with a domain: the certificates are validated and the alias created in that zone`,
      );
    } else {
      for (const [field, name] of [
        ['EDGE_DOMAIN', e.domain],
        ['ALB_ORIGIN_DOMAIN', e.albOriginDomain],
      ] as const) {
        if (!inZone(name, e.hostedZoneName)) {
          problems.push(
            `${envVar(env, field)} "${name}" is not inside the hosted zone "${e.hostedZoneName}"`,
          );
        }
      }
    }
    if (e.albOriginDomain === e.domain) {
      problems.push(
        `${envVar(env, 'ALB_ORIGIN_DOMAIN')} must differ from the public domain: that name points at CloudFront, not at the ALB`,
      );
    }
  }
  if (!(e.htmlMaxTtlSeconds >= 0 && e.htmlMaxTtlSeconds <= 3600)) {
    p('htmlMaxTtlSeconds', 'must be between 0 and 3600 (the HTML shell must pick up a deploy quickly)');
  }
  if (e.accessLogDays < 1) p('accessLogDays', 'must be >= 1');
  // AWS WAF's rate-based rules accept limits from 10 to 2,000,000,000 requests per window.
  if (!(Number.isInteger(e.waf.rateLimitPer5Min) && e.waf.rateLimitPer5Min >= 10)) {
    p('waf.rateLimitPer5Min', 'must be an integer >= 10');
  }
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(e.ingressGroupName)) {
    p('ingressGroupName', `is not a valid ALB IngressGroup name: "${e.ingressGroupName}"`);
  }
  return problems;
}

/**
 * An OCI tag (letters, digits, `_`, `.`, `-`; up to 128; not starting with `.` or `-`). The app
 * stack's Terraform variable validates with the same pattern (RE2 accepts it unchanged).
 */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** Why an image tag is refused, or null. `latest` names no fixed image: a rollback could not find it. */
export function imageTagProblem(tag: string): string | null {
  if (tag.toLowerCase() === 'latest') {
    return 'must name one build (e.g. the git SHA CI tagged), never "latest": a rollback needs a fixed image';
  }
  if (!new RegExp(IMAGE_TAG_PATTERN).test(tag)) {
    return `is not a valid image tag (${IMAGE_TAG_PATTERN}): "${tag}"`;
  }
  return null;
}

export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
