import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type EnvName } from '../config';
import type { Block } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, data, doc, one, ref, synthAll } from './helpers';

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

const envs: EnvName[] = ['dev', 'prod'];
const block = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Block;

describe.each(envs)('%s: every stack', (env) => {
  it('has its own S3 state key with native locking, except bootstrap (local until migrated)', () => {
    for (const stack of ['network', 'data', 'cluster', 'registry', 'resilience']) {
      const s3 = (doc(files, env, stack).terraform as Block).backend as Block;
      expect(s3.s3).toEqual({
        bucket: `taskboard-sre-${env}-tfstate`,
        key: `${env}/${stack}.tfstate`,
        region: 'eu-west-1',
        encrypt: true,
        kms_key_id: `alias/taskboard-${env}-tfstate`,
        use_lockfile: true,
      });
    }
    const boot = (doc(files, env, 'bootstrap').terraform as Block).backend as Block;
    expect(boot).toEqual({ local: { path: `../../../.data/terraform/${env}-bootstrap.tfstate` } });
  });

  it("refuses any account but the environment's own (allowed_account_ids per environment)", () => {
    const ids = { dev: '111111111111', prod: '222222222222' };
    const pinned = synthAll({ TASKBOARD_DEV_ACCOUNT_ID: ids.dev, TASKBOARD_PROD_ACCOUNT_ID: ids.prod });
    for (const stack of ['bootstrap', 'network', 'data', 'cluster', 'registry', 'resilience']) {
      const provider = block(doc(pinned, env, stack).provider?.aws);
      expect(provider.allowed_account_ids).toEqual([ids[env]]);
    }
  });

  it('tags everything through the provider default tags', () => {
    const provider = block(doc(files, env, 'network').provider?.aws);
    expect(block(provider.default_tags).tags).toEqual({
      project: 'taskboard',
      environment: env,
      stack: 'network',
      'managed-by': 'cdktf',
    });
  });
});

describe.each(envs)('%s: bootstrap', (env) => {
  it('creates a versioned, KMS-encrypted, private, TLS-only state bucket that expires old versions', () => {
    const d = doc(files, env, 'bootstrap');
    const bucket = one(d, 'aws_s3_bucket', 'state');
    expect(bucket.bucket).toBe(`taskboard-sre-${env}-tfstate`);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(block(one(d, 'aws_s3_bucket_versioning', 'state-').versioning_configuration).status).toBe(
      'Enabled',
    );
    const sse = block(one(d, 'aws_s3_bucket_server_side_encryption_configuration', 'state-').rule);
    expect(block(sse.apply_server_side_encryption_by_default)).toMatchObject({ sse_algorithm: 'aws:kms' });
    expect(sse.bucket_key_enabled).toBe(true);
    expect(one(d, 'aws_kms_key').enable_key_rotation).toBe(true);
    const lifecycle = block(one(d, 'aws_s3_bucket_lifecycle_configuration', 'state-').rule);
    expect(lifecycle.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    const tls = data(d, 'aws_iam_policy_document').find((p) =>
      JSON.stringify(p).includes('aws:SecureTransport'),
    );
    expect(block(tls?.statement).effect).toBe('Deny');
    expect(Object.keys(d.output as Block)).toEqual([
      'github_deploy_role_arn',
      'github_plan_role_arn',
      'state_bucket',
      'state_kms_key_arn',
    ]);
  });

  it('encrypts state with the state key: operators and CI may use it, and non-KMS writes are denied', () => {
    const id = env === 'prod' ? '222222222222' : '111111111111';
    const pinned = synthAll({ [`TASKBOARD_${env.toUpperCase()}_ACCOUNT_ID`]: id });
    for (const stack of ['network', 'data', 'cluster', 'registry', 'resilience']) {
      const backend = ((doc(pinned, env, stack).terraform as Block).backend as Block).s3 as Block;
      expect(backend.kms_key_id).toBe(`arn:aws:kms:eu-west-1:${id}:alias/taskboard-${env}-tfstate`);
    }
    const d = doc(files, env, 'bootstrap');
    expect(all(d, 'aws_kms_alias').map((a) => a.name)).toEqual([`alias/taskboard-${env}-tfstate`]);
    const keyPolicy = data(d, 'aws_iam_policy_document').find((p) =>
      JSON.stringify(p).includes('OperatorsUseStateKey'),
    );
    const grant = ((keyPolicy?.statement ?? []) as Block[]).find((s) => s.sid === 'OperatorsUseStateKey');
    const account = ref('data.aws_caller_identity.current.account_id');
    expect(block(grant?.condition).values).toEqual([
      `arn:aws:iam::${account}:role/taskboard-admin`,
      `arn:aws:iam::${account}:role/taskboard-ci`,
      `arn:aws:iam::${account}:role/taskboard-${env}-github-plan`,
    ]);
    const bucketPolicy = data(d, 'aws_iam_policy_document').find((p) =>
      JSON.stringify(p).includes('DenyNonKmsWrites'),
    );
    expect(
      ((bucketPolicy?.statement ?? []) as Block[]).find((s) => s.sid === 'DenyNonKmsWrites'),
    ).toMatchObject({
      effect: 'Deny',
      actions: ['s3:PutObject'],
      condition: [
        { test: 'StringNotEqualsIfExists', variable: 's3:x-amz-server-side-encryption', values: ['aws:kms'] },
      ],
    });
  });

  it('logs state bucket requests to a private, TLS-only, expiring access-log bucket', () => {
    const d = doc(files, env, 'bootstrap');
    expect(
      all(d, 'aws_s3_bucket')
        .map((b) => String(b.bucket))
        .sort(),
    ).toEqual([`taskboard-sre-${env}-tfstate`, `taskboard-sre-${env}-tfstate-access-logs`]);
    expect(one(d, 'aws_s3_bucket_logging')).toMatchObject({ target_prefix: 'state/' });
    expect(String(one(d, 'aws_s3_bucket_logging').bucket)).toContain('aws_s3_bucket.state.');
    expect(String(one(d, 'aws_s3_bucket_logging').target_bucket)).toContain('aws_s3_bucket.access-logs.');
  });

  it('moves its own state to S3 once TASKBOARD_<ENV>_BOOTSTRAP_STATE_IN_S3=true', () => {
    const migrated = synthAll({ [`TASKBOARD_${env.toUpperCase()}_BOOTSTRAP_STATE_IN_S3`]: 'true' });
    const backend = (doc(migrated, env, 'bootstrap').terraform as Block).backend as Block;
    expect(block(backend.s3)).toMatchObject({
      key: `${env}/bootstrap.tfstate`,
      use_lockfile: true,
      kms_key_id: `alias/taskboard-${env}-tfstate`,
    });
  });
});

describe.each(envs)('%s: network', (env) => {
  const prod = env === 'prod';
  const b = prod ? '10.20' : '10.10';
  it('lays out public, private and isolated subnets in 3 AZs with the EKS/LB tags', () => {
    const subnets = all(doc(files, env, 'network'), 'aws_subnet');
    expect(subnets).toHaveLength(9);
    const tier = (t: string) => subnets.filter((s) => (s.tags as Block).tier === t);
    expect(tier('public').map((s) => s.cidr_block)).toEqual([`${b}.0.0/24`, `${b}.1.0/24`, `${b}.2.0/24`]);
    expect(tier('private').map((s) => s.cidr_block)).toEqual([
      `${b}.32.0/19`,
      `${b}.64.0/19`,
      `${b}.96.0/19`,
    ]);
    expect(tier('isolated').map((s) => s.cidr_block)).toEqual([`${b}.8.0/24`, `${b}.9.0/24`, `${b}.10.0/24`]);
    expect(new Set(subnets.map((s) => s.availability_zone))).toEqual(
      new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']),
    );
    for (const s of tier('public')) expect(s.tags).toMatchObject({ 'kubernetes.io/role/elb': '1' });
    for (const s of tier('private')) expect(s.tags).toMatchObject({ 'kubernetes.io/role/internal-elb': '1' });
    for (const s of [...tier('public'), ...tier('private')]) {
      expect(s.tags).toMatchObject({ [`kubernetes.io/cluster/taskboard-${env}`]: 'shared' });
    }
    expect(one(doc(files, env, 'network'), 'aws_vpc').cidr_block).toBe(`${b}.0.0/16`);
  });

  it(`has ${prod ? 'one NAT gateway per AZ' : 'a single NAT gateway'}, and each private route uses one`, () => {
    const d = doc(files, env, 'network');
    const nats = Object.keys(d.resource?.aws_nat_gateway ?? {});
    expect(nats).toHaveLength(prod ? 3 : 1);
    const privateRoutes = Object.entries(d.resource?.aws_route ?? {}).filter(([n]) =>
      n.startsWith('private'),
    );
    expect(privateRoutes).toHaveLength(3);
    const used = new Set(privateRoutes.map(([, r]) => r.nat_gateway_id));
    expect(used.size).toBe(prod ? 3 : 1);
  });

  it('keeps node traffic off the NAT: S3 gateway endpoint always, interface endpoints in prod', () => {
    const endpoints = all(doc(files, env, 'network'), 'aws_vpc_endpoint');
    const services = endpoints.map((e) => String(e.service_name).replace('com.amazonaws.eu-west-1.', ''));
    expect(services.sort()).toEqual(prod ? ['ecr.api', 'ecr.dkr', 'logs', 's3', 'sts'] : ['s3']);
    const s3 = endpoints.find((e) => String(e.service_name).endsWith('.s3'));
    expect(s3?.vpc_endpoint_type).toBe('Gateway');
    expect(s3?.route_table_ids).toHaveLength(4);
  });

  it('records flow logs to an encrypted log group with retention, and locks the default SG', () => {
    const d = doc(files, env, 'network');
    expect(one(d, 'aws_flow_log')).toMatchObject({
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
    });
    expect(one(d, 'aws_cloudwatch_log_group').retention_in_days).toBe(prod ? 90 : 30);
    expect(one(d, 'aws_default_security_group')).toMatchObject({ ingress: [], egress: [] });
  });

  it('exports stably named outputs for the other stacks', () => {
    expect(Object.keys(doc(files, env, 'network').output as Block).sort()).toEqual([
      'availability_zones',
      'isolated_subnet_cidrs',
      'isolated_subnet_ids',
      'node_security_group_id',
      'private_subnet_ids',
      'public_subnet_ids',
      'vpc_cidr',
      'vpc_id',
    ]);
    // The isolated subnets' CIDRs come from the subnet resources, in AZ order.
    expect((doc(files, env, 'network').output as Record<string, Block>).isolated_subnet_cidrs!.value).toEqual(
      ['a', 'b', 'c'].map((az) => `\${aws_subnet.isolated-eu-west-1${az}.cidr_block}`),
    );
  });
});

describe.each(envs)('%s: data', (env) => {
  const prod = env === 'prod';
  it('runs PostgreSQL encrypted, private, with managed password, backups and PI', () => {
    const d = doc(files, env, 'data');
    const db = one(d, 'aws_db_instance');
    expect(db).toMatchObject({
      engine: 'postgres',
      storage_encrypted: true,
      manage_master_user_password: true,
      publicly_accessible: false,
      multi_az: prod,
      backup_retention_period: prod ? 30 : 7,
      deletion_protection: prod,
      skip_final_snapshot: !prod,
      delete_automated_backups: !prod,
      performance_insights_enabled: true,
      enabled_cloudwatch_logs_exports: ['postgresql'],
      engine_version: '17',
      auto_minor_version_upgrade: true,
    });
    expect(db.final_snapshot_identifier).toBe(prod ? 'taskboard-prod-postgres-final' : undefined);
    expect(db.password).toBeUndefined();
    expect(String(one(d, 'aws_db_subnet_group').subnet_ids)).toContain('outputs.isolated_subnet_ids');
    const params = one(d, 'aws_db_parameter_group');
    expect(params.family).toBe('postgres17');
    expect(params.parameter).toContainEqual({ name: 'log_min_duration_statement', value: '500' });
    expect(params.parameter).toContainEqual({ name: 'rds.force_ssl', value: '1' });
  });

  it(`runs Redis with ${prod ? 'a replica, failover and Multi-AZ' : 'one node'}, encrypted, AUTH from Secrets Manager`, () => {
    const redis = one(doc(files, env, 'data'), 'aws_elasticache_replication_group');
    expect(redis).toMatchObject({
      num_cache_clusters: prod ? 2 : 1,
      automatic_failover_enabled: prod,
      multi_az_enabled: prod,
      at_rest_encryption_enabled: 'true',
      transit_encryption_enabled: true,
    });
    expect(redis.final_snapshot_identifier).toBe(prod ? 'taskboard-prod-redis-final' : undefined);
    // Revocation markers outlive "active" entries; eviction must take the shortest TTL first.
    const params = one(doc(files, env, 'data'), 'aws_elasticache_parameter_group');
    expect(params.parameter).toEqual([{ name: 'maxmemory-policy', value: 'volatile-ttl' }]);
    expect(String(redis.parameter_group_name)).toContain('aws_elasticache_parameter_group.redis-params');
    expect(String(redis.auth_token)).toMatch(
      /^\$\{aws_secretsmanager_secret_version\.redis-auth_version_\w+\.secret_string\}$/,
    );
  });

  it('keeps the JWT key and Redis token in KMS-encrypted secrets that keep their first value', () => {
    const d = doc(files, env, 'data');
    const names = all(d, 'aws_secretsmanager_secret').map((s) => s.name);
    expect(names.sort()).toEqual([
      `taskboard/${env}/db-app-credentials`,
      `taskboard/${env}/jwt-signing-key`,
      `taskboard/${env}/redis-auth-token`,
    ]);
    for (const v of all(d, 'aws_secretsmanager_secret_version')) {
      expect(v.lifecycle).toEqual({ ignore_changes: ['secret_string'] });
    }
  });

  it('gives the API its own database login (taskboard_app) in a KMS-encrypted secret, with stable outputs', () => {
    const d = doc(files, env, 'data');
    const secret = Object.entries(d.resource?.aws_secretsmanager_secret ?? {}).find(([, s]) =>
      String(s.name).endsWith('/db-app-credentials'),
    );
    expect(secret?.[1].kms_key_id).toBeDefined();
    const version = Object.entries(d.resource?.aws_secretsmanager_secret_version ?? {}).find(([n]) =>
      n.startsWith('db-app_version'),
    )?.[1];
    expect(String(version?.secret_string)).toMatch(
      /^\$\{jsonencode\(\{"username" = "taskboard_app", "password" = data\.aws_secretsmanager_random_password\.db-app_random_\w+\.random_password\}\)\}$/,
    );
    const out = d.output as Record<string, Block>;
    expect(String(out.db_app_secret_arn?.value)).toContain(`aws_secretsmanager_secret.${secret?.[0]}.arn`);
    expect(out.db_app_user?.value).toBe('taskboard_app');
  });

  it('admits only the nodes security group, on 5432 and 6379', () => {
    const rules = all(doc(files, env, 'data'), 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => [r.from_port, r.to_port]).sort()).toEqual([
      [5432, 5432],
      [6379, 6379],
    ]);
    for (const r of rules) {
      expect(r.referenced_security_group_id).toBe(
        ref('data.terraform_remote_state.network.outputs.node_security_group_id'),
      );
      expect(r.cidr_ipv4).toBeUndefined();
    }
  });

  it('switches to Aurora Serverless v2 (0.5-2 ACU) when TASKBOARD_<ENV>_DB_ENGINE asks for it', () => {
    const aurora = synthAll({ [`TASKBOARD_${env.toUpperCase()}_DB_ENGINE`]: 'aurora-serverless-v2' });
    const d = doc(aurora, env, 'data');
    expect(d.resource?.aws_db_instance).toBeUndefined();
    const cluster = one(d, 'aws_rds_cluster');
    expect(cluster).toMatchObject({
      engine: 'aurora-postgresql',
      engine_mode: 'provisioned',
      storage_encrypted: true,
      manage_master_user_password: true,
      serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 2 },
      deletion_protection: prod,
      backup_retention_period: prod ? 30 : 7,
      delete_automated_backups: !prod,
      engine_version: '17',
    });
    expect(one(d, 'aws_rds_cluster_parameter_group').family).toBe('aurora-postgresql17');
    const instances = all(d, 'aws_rds_cluster_instance');
    expect(instances).toHaveLength(prod ? 2 : 1);
    for (const i of instances)
      expect(i).toMatchObject({ instance_class: 'db.serverless', publicly_accessible: false });
    // The output names do not change with the engine, so the cluster stack is unaffected.
    expect(Object.keys(d.output as Block)).toEqual(Object.keys(doc(files, env, 'data').output as Block));
  });
});

describe.each(envs)('%s: cluster', (env) => {
  const prod = env === 'prod';
  const cfg = defaultConfig()[env].cluster;
  it('pins EKS 1.35 with KMS secrets encryption, all control-plane logs and API-mode access', () => {
    const d = doc(files, env, 'cluster');
    const cluster = one(d, 'aws_eks_cluster');
    expect(cluster.version).toBe('1.35');
    expect(cluster.upgrade_policy).toEqual({ support_type: 'STANDARD' });
    expect(cluster.enabled_cluster_log_types).toEqual([
      'api',
      'audit',
      'authenticator',
      'controllerManager',
      'scheduler',
    ]);
    expect(block(cluster.encryption_config).resources).toEqual(['secrets']);
    expect(cluster.access_config).toEqual({
      authentication_mode: 'API',
      bootstrap_cluster_creator_admin_permissions: false,
    });
    expect(block(cluster.vpc_config)).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: false,
    });
    expect(cluster.deletion_protection).toBe(prod);
    const logs = all(d, 'aws_cloudwatch_log_group').map((g) => [g.name, g.retention_in_days]);
    expect(logs).toContainEqual([`/aws/eks/taskboard-${env}/cluster`, prod ? 90 : 30]);
  });

  it('opens the public endpoint only to TASKBOARD_<ENV>_EKS_PUBLIC_CIDRS', () => {
    const open = synthAll({
      [`TASKBOARD_${env.toUpperCase()}_EKS_PUBLIC_CIDRS`]: '198.51.100.0/24, 203.0.113.7/32',
    });
    expect(block(one(doc(open, env, 'cluster'), 'aws_eks_cluster').vpc_config)).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ['198.51.100.0/24', '203.0.113.7/32'],
    });
  });

  it('grants cluster admin to the admin and CI roles through access entries', () => {
    const d = doc(files, env, 'cluster');
    const principals = all(d, 'aws_eks_access_entry').map((e) => String(e.principal_arn).split('/')[1]);
    expect(principals.sort()).toEqual(['taskboard-admin', 'taskboard-ci']);
    for (const a of all(d, 'aws_eks_access_policy_association')) {
      expect(a.access_scope).toEqual({ type: 'cluster' });
    }
  });

  it(`runs private managed node groups (${prod ? 'on-demand only' : 'on-demand base + spot'}) from an IMDSv2 template`, () => {
    const d = doc(files, env, 'cluster');
    const groups = all(d, 'aws_eks_node_group');
    expect(groups.map((g) => g.capacity_type)).toEqual(prod ? ['ON_DEMAND'] : ['ON_DEMAND', 'SPOT']);
    const onDemand = groups[0]!;
    expect(onDemand.scaling_config).toEqual({
      min_size: cfg.onDemand.minSize,
      desired_size: cfg.onDemand.desiredSize,
      max_size: cfg.onDemand.maxSize,
    });
    for (const g of groups) {
      expect(g.subnet_ids).toBe(ref('data.terraform_remote_state.network.outputs.private_subnet_ids'));
      expect(g.lifecycle).toEqual({ ignore_changes: ['scaling_config[0].desired_size'] });
    }
    const lt = one(d, 'aws_launch_template');
    expect(lt.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(block(lt.block_device_mappings).ebs).toMatchObject({
      volume_type: 'gp3',
      encrypted: 'true',
      volume_size: cfg.rootVolumeGb,
    });
  });

  it('creates the OIDC provider and one IRSA role per controller, bound to its service account', () => {
    const d = doc(files, env, 'cluster');
    expect(one(d, 'aws_iam_openid_connect_provider').client_id_list).toEqual(['sts.amazonaws.com']);
    const trusts = data(d, 'aws_iam_policy_document')
      .map((p) => block(p.statement))
      .filter((s) => (s.actions as string[]).includes('sts:AssumeRoleWithWebIdentity'));
    const subjects = trusts.map(
      (s) => (s.condition as Block[]).find((c) => String(c.variable).endsWith(':sub'))?.values,
    );
    expect(subjects.flat().sort()).toEqual([
      'system:serviceaccount:external-secrets:external-secrets',
      'system:serviceaccount:kube-system:aws-load-balancer-controller',
      'system:serviceaccount:kube-system:aws-node',
      'system:serviceaccount:kube-system:cluster-autoscaler',
      'system:serviceaccount:kube-system:ebs-csi-controller-sa',
      'system:serviceaccount:logging:fluent-bit',
    ]);
  });

  it('lets external-secrets read exactly our four secrets and the platform ones, decrypting only via Secrets Manager', () => {
    const d = doc(files, env, 'cluster');
    const eso = data(d, 'aws_iam_policy_document').find((p) => JSON.stringify(p).includes('ReadAppSecrets'));
    const [read, decrypt] = (eso?.statement ?? []) as Block[];
    expect(read?.resources).toEqual([
      ref('data.terraform_remote_state.data.outputs.db_master_secret_arn'),
      ref('data.terraform_remote_state.data.outputs.db_app_secret_arn'),
      ref('data.terraform_remote_state.data.outputs.redis_auth_secret_arn'),
      ref('data.terraform_remote_state.data.outputs.jwt_secret_arn'),
      `arn:aws:secretsmanager:eu-west-1:${ref('data.aws_caller_identity.current.account_id')}:secret:taskboard/${env}/platform/*`,
    ]);
    expect(decrypt?.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: ['secretsmanager.eu-west-1.amazonaws.com'],
      },
    ]);
  });

  it('installs the five managed add-ons at pinned versions, networking before nodes, the rest after', () => {
    const d = doc(files, env, 'cluster');
    const addons = Object.fromEntries(all(d, 'aws_eks_addon').map((a) => [a.addon_name, a]));
    expect(Object.keys(addons).sort()).toEqual(Object.keys(cfg.addons).sort());
    for (const [name, version] of Object.entries(cfg.addons)) {
      expect(addons[name]?.addon_version).toBe(version);
      expect(version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
    expect(String(addons['aws-ebs-csi-driver']?.service_account_role_arn)).toContain('ebs-csi_role');
    expect(addons.coredns?.depends_on).toEqual(
      expect.arrayContaining(['aws_eks_node_group.nodes-on-demand']),
    );
    for (const g of all(d, 'aws_eks_node_group')) {
      expect(g.depends_on).toEqual(expect.arrayContaining(['aws_eks_addon.addon-vpc-cni']));
    }
    // NetworkPolicies are enforced only with the CNI's network policy agent on.
    expect(JSON.parse(String(addons['vpc-cni']?.configuration_values))).toEqual({
      enableNetworkPolicy: 'true',
    });
    for (const name of ['coredns', 'kube-proxy', 'aws-ebs-csi-driver', 'eks-pod-identity-agent']) {
      expect(addons[name]?.configuration_values).toBeUndefined();
    }
  });

  it('exports the region for controllers that cannot reach IMDS (cluster-autoscaler, LB controller)', () => {
    expect((doc(files, env, 'cluster').output as Record<string, Block>).aws_region?.value).toBe('eu-west-1');
  });
});

describe.each(envs)('%s: registry', (env) => {
  it('creates immutable, scanned, KMS-encrypted repositories for api and frontend', () => {
    const d = doc(files, env, 'registry');
    const repos = all(d, 'aws_ecr_repository');
    expect(repos.map((r) => r.name)).toEqual([`taskboard/${env}/api`, `taskboard/${env}/frontend`]);
    for (const r of repos) {
      expect(r).toMatchObject({
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
      });
      expect(block(r.encryption_configuration).encryption_type).toBe('KMS');
    }
    const keep = defaultConfig()[env].registry.keepLastImages;
    for (const p of all(d, 'aws_ecr_lifecycle_policy')) {
      const rules = JSON.parse(String(p.policy)).rules;
      expect(rules[1].selection).toEqual({
        tagStatus: 'any',
        countType: 'imageCountMoreThan',
        countNumber: keep,
      });
    }
  });
});
