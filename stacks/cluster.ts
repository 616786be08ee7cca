import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Fn, type ITerraformDependable, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { EksAddonName, EnvConfig, NodeGroupConfig } from './config';
import { EKS_ADDONS } from './config';
import { Role, servicePrincipalTrust } from './constructs/iam';
import {
  clusterAutoscalerStatements,
  externalSecretsStatements,
  fluentBitStatements,
  loadBalancerControllerStatements,
} from './constructs/irsa-policies';
import { IrsaRole } from './constructs/irsa-role';
import { logsServiceStatement, StackKey } from './constructs/kms-key';
import { EncryptedLogGroup } from './constructs/log-group';
import { workloadLogGroups } from './constructs/log-groups';
import { TaskboardStack } from './constructs/taskboard-stack';
import { clusterName } from './network';
import { platformSecretArnPattern } from './platform/names';

const MANAGED = 'arn:aws:iam::aws:policy';
const CLUSTER_ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

/** Service accounts the platform stack must create with the matching role-arn annotation. */
export const SERVICE_ACCOUNTS = {
  loadBalancerController: { namespace: 'kube-system', name: 'aws-load-balancer-controller' },
  clusterAutoscaler: { namespace: 'kube-system', name: 'cluster-autoscaler' },
  fluentBit: { namespace: 'logging', name: 'fluent-bit' },
  externalSecrets: { namespace: 'external-secrets', name: 'external-secrets' },
  ebsCsi: { namespace: 'kube-system', name: 'ebs-csi-controller-sa' },
  vpcCni: { namespace: 'kube-system', name: 'aws-node' },
} as const;

/** All five EKS control-plane log types: scheduler and controller-manager logs explain stuck pods and scaling. */
export const CONTROL_PLANE_LOG_TYPES = [
  'api',
  'audit',
  'authenticator',
  'controllerManager',
  'scheduler',
] as const;

/**
 * Add-on settings that are ours rather than AWS defaults. The VPC CNI enforces Kubernetes
 * NetworkPolicies only with enableNetworkPolicy on; without it the chart's policies are inert.
 * None for kube-proxy: its add-on schema has no metricsBindAddress, so its metrics stay on
 * 127.0.0.1 and unscraped (docs/infrastructure.md, "kube-proxy metrics").
 */
export const ADDON_CONFIGURATION: Partial<Record<EksAddonName, Record<string, string>>> = {
  'vpc-cni': { enableNetworkPolicy: 'true' },
};

/** Add-ons whose pods run as DaemonSets and must exist before nodes join (networking, identity). */
const BEFORE_NODES: EksAddonName[] = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'];

/** EKS control plane, node groups, OIDC/IRSA roles and managed add-ons. */
export class ClusterStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'cluster');
    const k = env.cluster;
    const name = clusterName(env);
    const network = this.remoteState('network');
    const data = this.remoteState('data');
    const privateSubnets = network.getList('private_subnet_ids');
    const prod = env.name === 'prod';

    const key = new StackKey(this, 'key', {
      alias: `${this.prefix}-cluster`,
      description: `Envelope-encrypts ${name} Kubernetes secrets and its log groups`,
      accountId: this.accountId,
      serviceStatements: [logsServiceStatement(env.region, this.accountId)],
    });
    // EKS writes control-plane logs here; created first so retention and KMS apply from day one.
    const controlPlaneLogs = new EncryptedLogGroup(this, 'control-plane-logs', {
      name: `/aws/eks/${name}/cluster`,
      retentionDays: env.logRetentionDays,
      kmsKeyArn: key.key.arn,
    });
    // Fluent Bit's destinations: created here, before the platform stack installs Fluent Bit.
    const logNames = workloadLogGroups(env);
    const logGroup = (id: string, groupName: string) =>
      new EncryptedLogGroup(this, id, {
        name: groupName,
        retentionDays: env.logRetentionDays,
        kmsKeyArn: key.key.arn,
      });
    const workloadLogs = logGroup('workload-logs', logNames.workloads);
    const appLogs = logGroup('app-logs', logNames.app);
    const fluentBitLogs = logGroup('fluent-bit-logs', logNames.fluentBit);

    const clusterRole = new Role(this, 'cluster-role', {
      name: `${name}-cluster`,
      trust: [servicePrincipalTrust('eks.amazonaws.com')],
      managedPolicyArns: [`${MANAGED}/AmazonEKSClusterPolicy`],
    });
    const cluster = new EksCluster(this, 'cluster', {
      name,
      version: k.kubernetesVersion,
      roleArn: clusterRole.role.arn,
      vpcConfig: {
        subnetIds: privateSubnets,
        endpointPrivateAccess: true,
        endpointPublicAccess: k.publicAccessCidrs.length > 0,
        publicAccessCidrs: k.publicAccessCidrs.length > 0 ? k.publicAccessCidrs : undefined,
      },
      encryptionConfig: { provider: { keyArn: key.key.arn }, resources: ['secrets'] },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // The managed add-ons below replace the self-managed defaults EKS would otherwise install.
      bootstrapSelfManagedAddons: false,
      // STANDARD support: a version past standard support is upgraded, not billed 6x as EXTENDED.
      upgradePolicy: { supportType: 'STANDARD' },
      deletionProtection: prod,
      dependsOn: [controlPlaneLogs.group],
    });

    // Humans and CI authenticate through access entries (API mode), not the aws-auth ConfigMap.
    // CI needs cluster admin because it applies the platform stack (CRDs, cluster-scoped add-ons).
    for (const [id, roleName] of [
      ['admin', k.adminRoleName],
      ['ci', k.ciRoleName],
    ] as const) {
      const principalArn = `arn:aws:iam::${this.accountId}:role/${roleName}`;
      const entry = new EksAccessEntry(this, `access-${id}`, {
        clusterName: cluster.name,
        principalArn,
        type: 'STANDARD',
      });
      new EksAccessPolicyAssociation(this, `access-${id}-policy`, {
        clusterName: cluster.name,
        principalArn,
        policyArn: CLUSTER_ADMIN,
        accessScope: { type: 'cluster' },
        dependsOn: [entry],
      });
    }

    const oidc = new IamOpenidConnectProvider(this, 'oidc', {
      url: cluster.identity.get(0).oidc.get(0).issuer,
      clientIdList: ['sts.amazonaws.com'],
    });
    const issuerHost = new TerraformLocal(this, 'oidc_issuer_host', Fn.replace(oidc.url, 'https://', ''));
    const irsa = (id: string, sa: { namespace: string; name: string }, rest: object) =>
      new IrsaRole(this, id, {
        name: `${name}-${id}`,
        oidcProviderArn: oidc.arn,
        oidcIssuerHost: issuerHost.asString,
        namespace: sa.namespace,
        serviceAccount: sa.name,
        ...rest,
      });
    const roles = {
      lbController: irsa('lb-controller', SERVICE_ACCOUNTS.loadBalancerController, {
        statements: loadBalancerControllerStatements(),
      }),
      autoscaler: irsa('cluster-autoscaler', SERVICE_ACCOUNTS.clusterAutoscaler, {
        statements: clusterAutoscalerStatements(name),
      }),
      fluentBit: irsa('fluent-bit', SERVICE_ACCOUNTS.fluentBit, {
        statements: fluentBitStatements(workloadLogs.group.arn, appLogs.group.arn, fluentBitLogs.group.arn),
      }),
      externalSecrets: irsa('external-secrets', SERVICE_ACCOUNTS.externalSecrets, {
        statements: externalSecretsStatements(
          [
            // The master secret is for the migration Job only; the API reads the app role's.
            data.getString('db_master_secret_arn'),
            data.getString('db_app_secret_arn'),
            data.getString('redis_auth_secret_arn'),
            data.getString('jwt_secret_arn'),
            // Secrets the platform stack creates later (Grafana admin, Alertmanager receivers),
            // by name prefix since their ARNs do not exist yet when this stack is applied.
            platformSecretArnPattern(env, this.accountId),
          ],
          data.getString('data_kms_key_arn'),
          env.region,
        ),
      }),
      ebsCsi: irsa('ebs-csi', SERVICE_ACCOUNTS.ebsCsi, {
        managedPolicyArns: [`${MANAGED}/service-role/AmazonEBSCSIDriverPolicy`],
      }),
      // The CNI's permissions live on its own service account, not on every node's role.
      vpcCni: irsa('vpc-cni', SERVICE_ACCOUNTS.vpcCni, {
        managedPolicyArns: [`${MANAGED}/AmazonEKS_CNI_Policy`],
      }),
    };

    const addon = (
      addonName: EksAddonName,
      dependsOn: ITerraformDependable[],
      serviceAccountRoleArn?: string,
    ) =>
      new EksAddon(this, `addon-${addonName}`, {
        clusterName: cluster.name,
        addonName,
        addonVersion: k.addons[addonName],
        configurationValues: ADDON_CONFIGURATION[addonName]
          ? JSON.stringify(ADDON_CONFIGURATION[addonName])
          : undefined,
        serviceAccountRoleArn,
        resolveConflictsOnCreate: 'OVERWRITE',
        // Never silently overwrite settings someone changed in the cluster during an incident.
        resolveConflictsOnUpdate: 'PRESERVE',
        dependsOn,
      });
    const earlyAddons = BEFORE_NODES.map((a) => addon(a, [], a === 'vpc-cni' ? roles.vpcCni.arn : undefined));

    const nodeRole = new Role(this, 'node-role', {
      name: `${name}-node`,
      trust: [servicePrincipalTrust('ec2.amazonaws.com')],
      managedPolicyArns: [
        `${MANAGED}/AmazonEKSWorkerNodePolicy`,
        `${MANAGED}/AmazonEC2ContainerRegistryPullOnly`,
      ],
    });
    const template = new LaunchTemplate(this, 'node-template', {
      name: `${name}-node`,
      description: 'EKS nodes: IMDSv2 only, encrypted gp3 root volume',
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        // One hop: pods (one hop further) cannot reach the node's credentials; they use IRSA.
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: k.rootVolumeGb,
            volumeType: 'gp3',
            encrypted: 'true',
            deleteOnTermination: 'true',
          },
        },
      ],
      // With a custom template EKS adds no group itself: the cluster group keeps node<->control
      // plane traffic working, the nodes group grants access to the data tier.
      vpcSecurityGroupIds: [
        cluster.vpcConfig.clusterSecurityGroupId,
        network.getString('node_security_group_id'),
      ],
      tagSpecifications: [{ resourceType: 'instance', tags: { Name: `${name}-node` } }],
    });
    const nodeGroup = (id: string, g: NodeGroupConfig, capacityType: 'ON_DEMAND' | 'SPOT') =>
      new EksNodeGroup(this, `nodes-${id}`, {
        clusterName: cluster.name,
        nodeGroupName: `${name}-${id}`,
        nodeRoleArn: nodeRole.role.arn,
        subnetIds: privateSubnets,
        amiType: 'AL2023_x86_64_STANDARD',
        capacityType,
        instanceTypes: g.instanceTypes,
        scalingConfig: { minSize: g.minSize, desiredSize: g.desiredSize, maxSize: g.maxSize },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
        labels: { 'taskboard/capacity': capacityType.toLowerCase() },
        // Spot nodes are preferred-against, so steady workloads land on the on-demand base.
        taint:
          capacityType === 'SPOT'
            ? [{ key: 'taskboard/spot', value: 'true', effect: 'PREFER_NO_SCHEDULE' }]
            : undefined,
        // The cluster autoscaler owns desired_size once the group exists.
        lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
        dependsOn: earlyAddons,
      });
    const groups = [nodeGroup('on-demand', k.onDemand, 'ON_DEMAND')];
    if (k.spot !== null) groups.push(nodeGroup('spot', k.spot, 'SPOT'));
    for (const a of EKS_ADDONS.filter((a) => !BEFORE_NODES.includes(a))) {
      addon(a, groups, a === 'aws-ebs-csi-driver' ? roles.ebsCsi.arn : undefined);
    }

    // Pods cannot reach IMDS (hop limit 1), so cluster-autoscaler and the LB controller are
    // given the region explicitly by the platform stack, from this output.
    this.output(
      'aws_region',
      env.region,
      'Region of the cluster (cluster-autoscaler awsRegion, LB controller --aws-region)',
    );
    this.output('cluster_name', cluster.name, 'EKS cluster name (platform stacks look it up by this)');
    this.output('cluster_endpoint', cluster.endpoint, 'Kubernetes API endpoint');
    this.output(
      'cluster_certificate_authority',
      cluster.certificateAuthority.get(0).data,
      'Cluster CA (base64)',
    );
    this.output(
      'cluster_security_group_id',
      cluster.vpcConfig.clusterSecurityGroupId,
      'EKS-managed cluster SG',
    );
    this.output('oidc_provider_arn', oidc.arn, 'IAM OIDC provider of the cluster (IRSA)');
    this.output('node_role_arn', nodeRole.role.arn, 'IAM role of the managed node groups');
    this.output('cluster_kms_key_arn', key.key.arn, 'KMS key for Kubernetes secrets and cluster logs');
    this.output('workload_log_group', workloadLogs.group.name, 'CloudWatch log group Fluent Bit writes to');
    this.output('app_log_group', appLogs.group.name, "CloudWatch log group of the API's JSON lines");
    this.output(
      'fluent_bit_log_group',
      fluentBitLogs.group.name,
      "CloudWatch log group of Fluent Bit's own log",
    );
    this.output('lb_controller_role_arn', roles.lbController.arn, 'IRSA role: aws-load-balancer-controller');
    this.output('cluster_autoscaler_role_arn', roles.autoscaler.arn, 'IRSA role: cluster-autoscaler');
    this.output('fluent_bit_role_arn', roles.fluentBit.arn, 'IRSA role: fluent-bit');
    this.output('external_secrets_role_arn', roles.externalSecrets.arn, 'IRSA role: external-secrets');
    this.output('ebs_csi_role_arn', roles.ebsCsi.arn, 'IRSA role: EBS CSI controller');
  }
}
