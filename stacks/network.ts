import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { EnvConfig } from './config';
import { Role } from './constructs/iam';
import { logsServiceStatement, StackKey } from './constructs/kms-key';
import { EncryptedLogGroup } from './constructs/log-group';
import { TaskboardStack } from './constructs/taskboard-stack';

/** `cidrsubnet(base, newBits, netnum)` for IPv4, computed here so the JSON shows literal CIDRs. */
export function cidrSubnet(base: string, newBits: number, netnum: number): string {
  const [ip, lengthText] = base.split('/');
  const length = Number(lengthText);
  const newLength = length + newBits;
  if (newLength > 32 || netnum < 0 || netnum >= 2 ** newBits) {
    throw new Error(`cidrSubnet(${base}, ${newBits}, ${netnum}): out of range`);
  }
  const baseInt = (ip ?? '').split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const value = baseInt + netnum * 2 ** (32 - newLength);
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
  return `${octets.join('.')}/${newLength}`;
}

export interface SubnetLayout {
  public: string[];
  private: string[];
  isolated: string[];
}

/**
 * Per AZ: a small public /24 (load balancers, NAT), a large private /19 (nodes and pods: the VPC
 * CNI gives every pod a VPC address) and a small isolated /24 (databases, no route out).
 */
export function subnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const range = [...Array(azCount).keys()];
  return {
    public: range.map((i) => cidrSubnet(vpcCidr, 8, i)),
    isolated: range.map((i) => cidrSubnet(vpcCidr, 8, 8 + i)),
    private: range.map((i) => cidrSubnet(vpcCidr, 3, 1 + i)),
  };
}

export function clusterName(env: EnvConfig): string {
  return `${env.project}-${env.name}`;
}

const INTERFACE_ENDPOINT_SERVICES = ['ecr.api', 'ecr.dkr', 'sts', 'logs'];

/** VPC over three AZs with public, private (nodes) and isolated (data) subnets. */
export class NetworkStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'network');
    const net = env.network;
    const azs = net.availabilityZones;
    const layout = subnetLayout(net.vpcCidr, azs.length);
    const cluster = clusterName(env);
    const name = (suffix: string) => ({ Name: `${this.prefix}-${suffix}` });

    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: net.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: name('vpc'),
    });
    // Adopting the default security group with no rules removes AWS's allow-all defaults, so
    // nothing can use it by accident.
    new DefaultSecurityGroup(this, 'default-sg', {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: name('default'),
    });

    const igw = new InternetGateway(this, 'igw', { vpcId: vpc.id, tags: name('igw') });
    const publicRt = new RouteTable(this, 'public-rt', { vpcId: vpc.id, tags: name('public') });
    new Route(this, 'public-default', {
      routeTableId: publicRt.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    const subnet = (tier: keyof SubnetLayout, i: number, tags: Record<string, string>) =>
      new Subnet(this, `${tier}-${azs[i]}`, {
        vpcId: vpc.id,
        availabilityZone: azs[i],
        cidrBlock: layout[tier][i],
        // Nothing gets a public IP implicitly; load balancers and NAT gateways bring their own.
        mapPublicIpOnLaunch: false,
        tags: { ...name(`${tier}-${azs[i]}`), tier, ...tags },
      });
    const shared = { [`kubernetes.io/cluster/${cluster}`]: 'shared' };
    const publicSubnets = azs.map((_, i) =>
      subnet('public', i, { ...shared, 'kubernetes.io/role/elb': '1' }),
    );
    const privateSubnets = azs.map((_, i) =>
      subnet('private', i, { ...shared, 'kubernetes.io/role/internal-elb': '1' }),
    );
    const isolatedSubnets = azs.map((_, i) => subnet('isolated', i, {}));
    publicSubnets.forEach((s, i) => {
      new RouteTableAssociation(this, `public-rta-${azs[i]}`, { subnetId: s.id, routeTableId: publicRt.id });
    });

    const natCount = net.natGateways === 'per-az' ? azs.length : 1;
    const nats = [...Array(natCount).keys()].map((i) => {
      const eip = new Eip(this, `nat-eip-${azs[i]}`, { domain: 'vpc', tags: name(`nat-${azs[i]}`) });
      return new NatGateway(this, `nat-${azs[i]}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i]!.id,
        tags: name(`nat-${azs[i]}`),
        dependsOn: [igw],
      });
    });
    const privateRts = privateSubnets.map((s, i) => {
      const rt = new RouteTable(this, `private-rt-${azs[i]}`, {
        vpcId: vpc.id,
        tags: name(`private-${azs[i]}`),
      });
      new Route(this, `private-default-${azs[i]}`, {
        routeTableId: rt.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nats[natCount === 1 ? 0 : i]!.id,
      });
      new RouteTableAssociation(this, `private-rta-${azs[i]}`, { subnetId: s.id, routeTableId: rt.id });
      return rt;
    });
    // Isolated subnets have no default route at all: the databases can neither reach nor be
    // reached from the internet.
    const isolatedRt = new RouteTable(this, 'isolated-rt', { vpcId: vpc.id, tags: name('isolated') });
    isolatedSubnets.forEach((s, i) => {
      new RouteTableAssociation(this, `isolated-rta-${azs[i]}`, {
        subnetId: s.id,
        routeTableId: isolatedRt.id,
      });
    });

    // S3 gateway endpoint: free, and image layers from ECR are served from S3.
    new VpcEndpoint(this, 'endpoint-s3', {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${env.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [...privateRts.map((rt) => rt.id), isolatedRt.id],
      tags: name('s3'),
    });
    if (net.interfaceEndpoints) {
      const endpointSg = new SecurityGroup(this, 'endpoints-sg', {
        name: `${this.prefix}-vpc-endpoints`,
        description: 'HTTPS from inside the VPC to the interface endpoints',
        vpcId: vpc.id,
        tags: name('vpc-endpoints'),
      });
      new VpcSecurityGroupIngressRule(this, 'endpoints-https', {
        securityGroupId: endpointSg.id,
        description: 'HTTPS from the VPC',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: net.vpcCidr,
      });
      for (const service of INTERFACE_ENDPOINT_SERVICES) {
        new VpcEndpoint(this, `endpoint-${service.replace('.', '-')}`, {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${env.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: privateSubnets.map((s) => s.id),
          securityGroupIds: [endpointSg.id],
          tags: name(service),
        });
      }
    }

    // Membership group for the cluster's nodes: the data stack admits only this group, which
    // lets data be applied before the cluster exists (apply order stays acyclic).
    const nodesSg = new SecurityGroup(this, 'nodes-sg', {
      name: `${this.prefix}-nodes`,
      description: 'Attached to EKS nodes; databases and caches admit only this group',
      vpcId: vpc.id,
      tags: name('nodes'),
    });
    new VpcSecurityGroupEgressRule(this, 'nodes-egress', {
      securityGroupId: nodesSg.id,
      description: 'Nodes reach AWS APIs, registries and the data tier',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });

    this.flowLogs(vpc);

    this.output('vpc_id', vpc.id, 'VPC id');
    this.output('vpc_cidr', vpc.cidrBlock, 'VPC IPv4 CIDR');
    this.output('availability_zones', azs, 'AZs of the subnets, in subnet order');
    this.output(
      'public_subnet_ids',
      publicSubnets.map((s) => s.id),
      'Public subnets (load balancers, NAT)',
    );
    this.output(
      'private_subnet_ids',
      privateSubnets.map((s) => s.id),
      'Private subnets (EKS nodes and pods)',
    );
    this.output(
      'isolated_subnet_ids',
      isolatedSubnets.map((s) => s.id),
      'Isolated subnets (RDS, ElastiCache)',
    );
    this.output(
      'isolated_subnet_cidrs',
      isolatedSubnets.map((s) => s.cidrBlock),
      'CIDRs of the isolated subnets (the app NetworkPolicy lets the API reach PostgreSQL and Redis there)',
    );
    this.output('node_security_group_id', nodesSg.id, 'Security group every EKS node carries');
  }

  /** VPC Flow Logs (all traffic, 1-minute aggregation) to an encrypted log group with retention. */
  private flowLogs(vpc: Vpc): void {
    const key = new StackKey(this, 'key', {
      alias: `${this.prefix}-network`,
      description: `Encrypts ${this.env.name} VPC flow logs`,
      accountId: this.accountId,
      serviceStatements: [logsServiceStatement(this.env.region, this.accountId)],
    });
    const logs = new EncryptedLogGroup(this, 'flow-logs', {
      name: `/aws/vpc/${this.prefix}/flow-logs`,
      retentionDays: this.env.logRetentionDays,
      kmsKeyArn: key.key.arn,
    });
    const role = new Role(this, 'flow-logs-role', {
      name: `${this.prefix}-vpc-flow-logs`,
      trust: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
          // Confused-deputy guard: only flow logs of this account may use the role.
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.accountId] }],
        },
      ],
      statements: [
        {
          sid: 'WriteFlowLogs',
          effect: 'Allow',
          actions: [
            'logs:CreateLogStream',
            'logs:PutLogEvents',
            'logs:DescribeLogGroups',
            'logs:DescribeLogStreams',
          ],
          resources: [logs.group.arn, `${logs.group.arn}:*`],
        },
      ],
    });
    new FlowLog(this, 'flow-log', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logs.group.arn,
      iamRoleArn: role.role.arn,
      maxAggregationInterval: 60,
    });
  }
}
