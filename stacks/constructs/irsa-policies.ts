// Least-privilege IAM statements for the cluster's IRSA roles. Actions on "*" are listed
// explicitly (never "service:*"); mutating actions are scoped by resource ARN or by the tags
// the controllers put on what they create.
import type { Statement } from './iam';

const LB_TAG = 'elbv2.k8s.aws/cluster';

/** AWS Load Balancer Controller, after the upstream iam_policy.json (v2.x), grouped. */
export function loadBalancerControllerStatements(): Statement[] {
  const untaggedRequest = { test: 'Null', variable: `aws:RequestTag/${LB_TAG}`, values: ['false'] };
  const ownedResource = { test: 'Null', variable: `aws:ResourceTag/${LB_TAG}`, values: ['false'] };
  const lbArns = [
    'arn:aws:elasticloadbalancing:*:*:targetgroup/*/*',
    'arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*',
    'arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*',
  ];
  return [
    {
      sid: 'CreateElbServiceLinkedRole',
      effect: 'Allow',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: ['*'],
      condition: [
        {
          test: 'StringEquals',
          variable: 'iam:AWSServiceName',
          values: ['elasticloadbalancing.amazonaws.com'],
        },
      ],
    },
    {
      sid: 'Discover',
      effect: 'Allow',
      actions: [
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeTags',
        'ec2:DescribeRouteTables',
        'ec2:GetSecurityGroupsForVpc',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores',
        'acm:ListCertificates',
        'acm:DescribeCertificate',
        'wafv2:GetWebACL',
        'wafv2:GetWebACLForResource',
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        'shield:GetSubscriptionState',
      ],
      resources: ['*'],
    },
    {
      sid: 'CreateSecurityGroups',
      effect: 'Allow',
      actions: ['ec2:CreateSecurityGroup'],
      resources: ['*'],
    },
    {
      sid: 'TagSecurityGroupsOnCreate',
      effect: 'Allow',
      actions: ['ec2:CreateTags'],
      resources: ['arn:aws:ec2:*:*:security-group/*'],
      condition: [
        { test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateSecurityGroup'] },
        untaggedRequest,
      ],
    },
    {
      sid: 'ManageOwnSecurityGroups',
      effect: 'Allow',
      actions: [
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:RevokeSecurityGroupIngress',
        'ec2:DeleteSecurityGroup',
        'ec2:CreateTags',
        'ec2:DeleteTags',
      ],
      resources: ['*'],
      condition: [ownedResource],
    },
    {
      sid: 'CreateTaggedLoadBalancers',
      effect: 'Allow',
      actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      resources: ['*'],
      condition: [untaggedRequest],
    },
    {
      sid: 'TagLoadBalancersOnCreate',
      effect: 'Allow',
      actions: ['elasticloadbalancing:AddTags'],
      resources: lbArns,
      condition: [
        {
          test: 'StringEquals',
          variable: 'elasticloadbalancing:CreateAction',
          values: ['CreateTargetGroup', 'CreateLoadBalancer'],
        },
      ],
    },
    {
      sid: 'ManageOwnLoadBalancers',
      effect: 'Allow',
      actions: [
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListenerAttributes',
      ],
      resources: ['*'],
      condition: [ownedResource],
    },
    {
      sid: 'ManageListenersAndTargets',
      effect: 'Allow',
      actions: [
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities',
        'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates',
        'elasticloadbalancing:SetWebAcl',
        'elasticloadbalancing:RegisterTargets',
        'elasticloadbalancing:DeregisterTargets',
      ],
      resources: ['*'],
    },
  ];
}

/** Cluster Autoscaler: read everywhere, resize only the node groups tagged for this cluster. */
export function clusterAutoscalerStatements(cluster: string): Statement[] {
  return [
    {
      sid: 'Discover',
      effect: 'Allow',
      actions: [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeLaunchConfigurations',
        'autoscaling:DescribeScalingActivities',
        'autoscaling:DescribeTags',
        'ec2:DescribeImages',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplateVersions',
        'ec2:GetInstanceTypesFromInstanceRequirements',
        'eks:DescribeNodegroup',
      ],
      resources: ['*'],
    },
    {
      sid: 'ResizeOwnNodeGroups',
      effect: 'Allow',
      actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      resources: ['*'],
      condition: [
        {
          test: 'StringEquals',
          variable: `aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`,
          values: ['owned'],
        },
      ],
    },
  ];
}

/** Fluent Bit: write streams of the one workloads log group (created, with retention, by Terraform). */
export function fluentBitStatements(logGroupArn: string): Statement[] {
  return [
    {
      sid: 'WriteWorkloadLogs',
      effect: 'Allow',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroupArn, `${logGroupArn}:*`],
    },
  ];
}

/** external-secrets: read our secrets (by ARN) and decrypt them only through Secrets Manager. */
export function externalSecretsStatements(
  secretArns: string[],
  kmsKeyArn: string,
  region: string,
): Statement[] {
  return [
    {
      sid: 'ReadAppSecrets',
      effect: 'Allow',
      actions: [
        'secretsmanager:GetSecretValue',
        'secretsmanager:DescribeSecret',
        'secretsmanager:ListSecretVersionIds',
      ],
      resources: secretArns,
    },
    {
      sid: 'DecryptViaSecretsManager',
      effect: 'Allow',
      actions: ['kms:Decrypt'],
      resources: [kmsKeyArn],
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: [`secretsmanager.${region}.amazonaws.com`],
        },
      ],
    },
  ];
}
