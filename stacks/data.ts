import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { DataTerraformRemoteStateS3 } from 'cdktf';
import { Construct } from 'constructs';
import type { EnvConfig } from './config';
import { GeneratedSecret } from './constructs/generated-secret';
import { logsServiceStatement, StackKey } from './constructs/kms-key';
import { EncryptedLogGroup } from './constructs/log-group';
import { TaskboardStack } from './constructs/taskboard-stack';

export const DB_NAME = 'taskboard';
export const DB_USER = 'taskboard';
/**
 * The API's own login role: DML on the app tables only, created and granted by the migration
 * step (api/src/database/app-role.ts), which alone uses the master credentials.
 */
export const DB_APP_USER = 'taskboard_app';
export const DB_PORT = 5432;
export const REDIS_PORT = 6379;

/** Engine parameters shared by the RDS and Aurora variants. */
function postgresParameters(env: EnvConfig) {
  return [
    // Slow statements land in the postgresql log export (CloudWatch), with their duration.
    { name: 'log_min_duration_statement', value: String(env.database.slowQueryMs) },
    { name: 'log_lock_waits', value: '1' },
    // Refuse unencrypted client connections: in-transit encryption enforced by the server.
    { name: 'rds.force_ssl', value: '1' },
  ];
}

interface DatabaseEndpoint {
  endpoint: string;
  port: number;
  masterSecretArn: string;
}

/**
 * The database's identifier: the RDS instance (engine rds) or the Aurora cluster. Other stacks
 * (resilience: FIS targets, CloudWatch alarm dimensions) derive ARNs from it.
 */
export function databaseIdentifier(env: EnvConfig): string {
  return `${env.project}-${env.name}-${env.database.engine === 'rds' ? 'postgres' : 'aurora'}`;
}

/** PostgreSQL, Redis and application secrets in the isolated subnets, reachable only from nodes. */
export class DataStack extends TaskboardStack {
  private readonly kmsKeyArn: string;

  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'data');
    const network = this.remoteState('network');
    const vpcId = network.getString('vpc_id');
    const nodesSg = network.getString('node_security_group_id');
    const key = new StackKey(this, 'key', {
      alias: `${this.prefix}-data`,
      description: `Encrypts ${env.name} RDS, ElastiCache, their logs and the application secrets`,
      accountId: this.accountId,
      serviceStatements: [logsServiceStatement(env.region, this.accountId)],
    });
    this.kmsKeyArn = key.key.arn;

    const dbSg = this.clientOnlyGroup('db', vpcId, nodesSg, DB_PORT, 'PostgreSQL');
    const cacheSg = this.clientOnlyGroup('cache', vpcId, nodesSg, REDIS_PORT, 'Redis');
    const db =
      env.database.engine === 'rds'
        ? this.rdsInstance(network, dbSg.id)
        : this.auroraServerless(network, dbSg.id);

    const recoveryWindowDays = env.name === 'prod' ? 30 : 7;
    const redisAuth = new GeneratedSecret(this, 'redis-auth', {
      name: `${env.project}/${env.name}/redis-auth-token`,
      description: 'AUTH token of the ElastiCache replication group',
      kmsKeyArn: this.kmsKeyArn,
      length: 64,
      recoveryWindowDays,
    });
    const jwt = new GeneratedSecret(this, 'jwt', {
      name: `${env.project}/${env.name}/jwt-signing-key`,
      description: 'HMAC key the API signs access tokens with',
      kmsKeyArn: this.kmsKeyArn,
      length: 64,
      recoveryWindowDays,
    });
    const appDb = new GeneratedSecret(this, 'db-app', {
      name: `${env.project}/${env.name}/db-app-credentials`,
      description: `Login of the API's least-privilege PostgreSQL role ${DB_APP_USER} (APP_DB_USER/APP_DB_PASSWORD)`,
      kmsKeyArn: this.kmsKeyArn,
      length: 48,
      recoveryWindowDays,
      username: DB_APP_USER,
    });
    const redis = this.redis(network, cacheSg.id, redisAuth.version.secretString);

    this.output('db_endpoint', db.endpoint, 'PostgreSQL writer endpoint (host name)');
    this.output('db_port', db.port, 'PostgreSQL port');
    this.output('db_name', DB_NAME, 'Application database name');
    this.output(
      'db_master_secret_arn',
      db.masterSecretArn,
      'Secrets Manager secret with the master credentials',
    );
    this.output(
      'db_app_secret_arn',
      appDb.secret.arn,
      'Secret {username,password} of the app role (DML only); the migration step creates the role from it',
    );
    this.output('db_app_user', DB_APP_USER, 'Name of the app role the API logs in as');
    this.output('redis_primary_endpoint', redis.primaryEndpointAddress, 'Redis primary endpoint (TLS)');
    this.output('redis_port', REDIS_PORT, 'Redis port');
    this.output('redis_auth_secret_arn', redisAuth.secret.arn, 'Secret holding the Redis AUTH token');
    this.output('jwt_secret_arn', jwt.secret.arn, 'Secret holding the JWT signing key');
    this.output('data_kms_key_arn', this.kmsKeyArn, 'KMS key of the data tier (secrets decrypt with it)');
    this.output('db_security_group_id', dbSg.id, 'Security group of the database');
    this.output('cache_security_group_id', cacheSg.id, 'Security group of the cache');
  }

  /** A security group admitting one TCP port from the nodes' group only, with no egress at all. */
  private clientOnlyGroup(id: string, vpcId: string, nodesSg: string, port: number, what: string) {
    const sg = new SecurityGroup(this, `${id}-sg`, {
      name: `${this.prefix}-${id}`,
      description: `${what}: only EKS nodes may connect`,
      vpcId,
      tags: { Name: `${this.prefix}-${id}` },
    });
    new VpcSecurityGroupIngressRule(this, `${id}-from-nodes`, {
      securityGroupId: sg.id,
      description: `${what} from EKS nodes and pods`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: nodesSg,
    });
    return sg;
  }

  private postgresLogGroup(kind: 'instance' | 'cluster', identifier: string): EncryptedLogGroup {
    return new EncryptedLogGroup(this, 'postgres-logs', {
      name: `/aws/rds/${kind}/${identifier}/postgresql`,
      retentionDays: this.env.logRetentionDays,
      kmsKeyArn: this.kmsKeyArn,
    });
  }

  private rdsInstance(network: DataTerraformRemoteStateS3, sgId: string): DatabaseEndpoint {
    const d = this.env.database;
    const prod = this.env.name === 'prod';
    const identifier = databaseIdentifier(this.env);
    const subnets = new DbSubnetGroup(this, 'db-subnets', {
      name: `${this.prefix}-db`,
      subnetIds: network.getList('isolated_subnet_ids'),
    });
    const params = new DbParameterGroup(this, 'db-params', {
      name: `${this.prefix}-postgres${d.engineVersion}`,
      family: `postgres${d.engineVersion}`,
      parameter: postgresParameters(this.env),
    });
    const logs = this.postgresLogGroup('instance', identifier);
    const db = new DbInstance(this, 'postgres', {
      identifier,
      engine: 'postgres',
      engineVersion: d.engineVersion,
      instanceClass: d.instanceClass,
      allocatedStorage: d.allocatedStorageGb,
      maxAllocatedStorage: d.maxAllocatedStorageGb,
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: this.kmsKeyArn,
      dbName: DB_NAME,
      username: DB_USER,
      // RDS generates and rotates the password in Secrets Manager; it never enters Terraform state.
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: this.kmsKeyArn,
      // Allows short-lived IAM tokens (grant rds_iam to a role) besides passwords; the API keeps its password.
      iamDatabaseAuthenticationEnabled: true,
      port: DB_PORT,
      multiAz: d.multiAz,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [sgId],
      publiclyAccessible: false,
      parameterGroupName: params.name,
      backupRetentionPeriod: d.backupRetentionDays,
      backupWindow: '02:00-03:00',
      maintenanceWindow: 'sun:03:30-sun:04:30',
      copyTagsToSnapshot: true,
      deletionProtection: d.deletionProtection,
      skipFinalSnapshot: !prod,
      finalSnapshotIdentifier: prod ? `${identifier}-final` : undefined,
      // In prod the automated backups outlive the instance: point-in-time restore after a deletion.
      deleteAutomatedBackups: !prod,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: this.kmsKeyArn,
      performanceInsightsRetentionPeriod: 7,
      enabledCloudwatchLogsExports: ['postgresql'],
      autoMinorVersionUpgrade: true,
      dependsOn: [logs.group],
    });
    return {
      endpoint: db.address,
      port: DB_PORT,
      masterSecretArn: db.masterUserSecret.get(0).secretArn,
    };
  }

  /** The Aurora Serverless v2 variant (config database.engine), scaling between min and max ACUs. */
  private auroraServerless(network: DataTerraformRemoteStateS3, sgId: string): DatabaseEndpoint {
    const d = this.env.database;
    const prod = this.env.name === 'prod';
    const identifier = databaseIdentifier(this.env);
    const major = d.engineVersion;
    const subnets = new DbSubnetGroup(this, 'db-subnets', {
      name: `${this.prefix}-db`,
      subnetIds: network.getList('isolated_subnet_ids'),
    });
    const params = new RdsClusterParameterGroup(this, 'db-params', {
      name: `${this.prefix}-aurora-postgresql${major}`,
      family: `aurora-postgresql${major}`,
      parameter: postgresParameters(this.env),
    });
    const logs = this.postgresLogGroup('cluster', identifier);
    const cluster = new RdsCluster(this, 'aurora', {
      clusterIdentifier: identifier,
      engine: 'aurora-postgresql',
      engineMode: 'provisioned',
      engineVersion: d.engineVersion,
      databaseName: DB_NAME,
      masterUsername: DB_USER,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: this.kmsKeyArn,
      // As the RDS instance: IAM tokens allowed besides passwords.
      iamDatabaseAuthenticationEnabled: true,
      port: DB_PORT,
      storageEncrypted: true,
      kmsKeyId: this.kmsKeyArn,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [sgId],
      dbClusterParameterGroupName: params.name,
      backupRetentionPeriod: d.backupRetentionDays,
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
      copyTagsToSnapshot: true,
      deletionProtection: d.deletionProtection,
      skipFinalSnapshot: !prod,
      finalSnapshotIdentifier: prod ? `${identifier}-final` : undefined,
      deleteAutomatedBackups: !prod,
      enabledCloudwatchLogsExports: ['postgresql'],
      serverlessv2ScalingConfiguration: { minCapacity: d.auroraMinAcu, maxCapacity: d.auroraMaxAcu },
      dependsOn: [logs.group],
    });
    // A writer plus, with multiAz, a reader in another AZ to fail over to.
    const instances = d.multiAz ? 2 : 1;
    for (let i = 0; i < instances; i++) {
      new RdsClusterInstance(this, `aurora-${i + 1}`, {
        identifier: `${identifier}-${i + 1}`,
        clusterIdentifier: cluster.id,
        instanceClass: 'db.serverless',
        engine: cluster.engine,
        engineVersion: cluster.engineVersion,
        publiclyAccessible: false,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: this.kmsKeyArn,
        performanceInsightsRetentionPeriod: 7,
        autoMinorVersionUpgrade: true,
      });
    }
    return {
      endpoint: cluster.endpoint,
      port: DB_PORT,
      masterSecretArn: cluster.masterUserSecret.get(0).secretArn,
    };
  }

  private redis(network: DataTerraformRemoteStateS3, sgId: string, authToken: string) {
    const c = this.env.cache;
    const ha = c.nodes > 1;
    const subnets = new ElasticacheSubnetGroup(this, 'cache-subnets', {
      name: `${this.prefix}-cache`,
      subnetIds: network.getList('isolated_subnet_ids'),
    });
    const slowLog = new EncryptedLogGroup(this, 'redis-slow-log', {
      name: `/aws/elasticache/${this.prefix}-redis/slow-log`,
      retentionDays: this.env.logRetentionDays,
      kmsKeyArn: this.kmsKeyArn,
    });
    // volatile-ttl evicts the shortest-lived keys first under memory pressure: cached pages and
    // "session active" entries (60 s) go before the revocation markers (token lifetime + 60 s)
    // that keep logout immediate; the default volatile-lru could evict a marker first.
    const params = new ElasticacheParameterGroup(this, 'redis-params', {
      name: `${this.prefix}-redis${c.engineVersion.split('.')[0]}`,
      family: `redis${c.engineVersion.split('.')[0]}`,
      description: 'taskboard API cache: evict shortest TTL first',
      parameter: [{ name: 'maxmemory-policy', value: 'volatile-ttl' }],
    });
    return new ElasticacheReplicationGroup(this, 'redis', {
      replicationGroupId: `${this.prefix}-redis`,
      description: `${this.env.name} cache for the taskboard API`,
      engine: 'redis',
      engineVersion: c.engineVersion,
      nodeType: c.nodeType,
      numCacheClusters: c.nodes,
      // Failover and Multi-AZ need a replica; with one node there is nothing to fail over to.
      automaticFailoverEnabled: ha,
      multiAzEnabled: ha,
      port: REDIS_PORT,
      parameterGroupName: params.name,
      subnetGroupName: subnets.name,
      securityGroupIds: [sgId],
      atRestEncryptionEnabled: 'true',
      kmsKeyId: this.kmsKeyArn,
      transitEncryptionEnabled: true,
      authToken,
      authTokenUpdateStrategy: 'ROTATE',
      snapshotRetentionLimit: c.snapshotRetentionDays,
      // Deleting the prod cache keeps a last snapshot to restore from.
      finalSnapshotIdentifier: this.env.name === 'prod' ? `${this.prefix}-redis-final` : undefined,
      snapshotWindow: '01:00-02:00',
      maintenanceWindow: 'sun:04:30-sun:05:30',
      autoMinorVersionUpgrade: 'true',
      logDeliveryConfiguration: [
        {
          destination: slowLog.group.name,
          destinationType: 'cloudwatch-logs',
          logFormat: 'json',
          logType: 'slow-log',
        },
      ],
    });
  }
}
