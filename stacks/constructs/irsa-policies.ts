// Least-privilege IAM statements for the cluster's IRSA roles. Actions on "*" are listed
// explicitly (never "service:*"); mutating actions are scoped by resource ARN or by the tags
// the controllers put on what they create.
import type { Statement } from './iam';

const LB_TAG = 'elbv2.k8s.aws/cluster';

/**
 * AWS Load Balancer Controller, statement for statement what the upstream policy
 * (docs/install/iam_policy.json) grants, with our sids. The action set is checked against
 * stacks/constructs/upstream/lb-controller-iam-actions.json (provenance inside) by
 * stacks/test/lb-controller-policy.test.ts: re-check it whenever the platform stack moves the chart.
 */
export function loadBalancerControllerStatements(): Statement[] {
  const taggedRequest = { test: 'Null', variable: `aws:RequestTag/${LB_TAG}`, values: ['false'] };
  const untaggedRequest = { test: 'Null', variable: `aws:RequestTag/${LB_TAG}`, values: ['true'] };
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
        'ec2:GetCoipPoolUsage',
        'ec2:DescribeCoipPools',
        'ec2:GetSecurityGroupsForVpc',
        'ec2:DescribeIpamPools',
        'ec2:DescribeRouteTables',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores',
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeCapacityReservation',
      ],
      resources: ['*'],
    },
    {
      sid: 'CertificatesWafShieldCognito',
      effect: 'Allow',
      actions: [
        'cognito-idp:DescribeUserPoolClient',
        'acm:ListCertificates',
        'acm:DescribeCertificate',
        'iam:ListServerCertificates',
        'iam:GetServerCertificate',
        'waf-regional:GetWebACL',
        'waf-regional:GetWebACLForResource',
        'waf-regional:AssociateWebACL',
        'waf-regional:DisassociateWebACL',
        'wafv2:GetWebACL',
        'wafv2:GetWebACLForResource',
        'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL',
        'shield:GetSubscriptionState',
        'shield:DescribeProtection',
        'shield:CreateProtection',
        'shield:DeleteProtection',
      ],
      resources: ['*'],
    },
    {
      // Not tag-scoped on purpose: the controller opens the node/cluster security group (which
      // never carries the elbv2 tag) to its load balancers' groups; scoping this is AccessDenied.
      sid: 'EditTargetSecurityGroupIngress',
      effect: 'Allow',
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
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
        taggedRequest,
      ],
    },
    {
      sid: 'RetagOwnSecurityGroups',
      effect: 'Allow',
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: ['arn:aws:ec2:*:*:security-group/*'],
      condition: [untaggedRequest, ownedResource],
    },
    {
      sid: 'ManageOwnSecurityGroups',
      effect: 'Allow',
      actions: [
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:RevokeSecurityGroupIngress',
        'ec2:DeleteSecurityGroup',
      ],
      resources: ['*'],
      condition: [ownedResource],
    },
    {
      sid: 'CreateTaggedLoadBalancers',
      effect: 'Allow',
      actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      resources: ['*'],
      condition: [taggedRequest],
    },
    {
      sid: 'ManageListenersAndRules',
      effect: 'Allow',
      actions: [
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule',
      ],
      resources: ['*'],
    },
    {
      sid: 'RetagOwnLoadBalancers',
      effect: 'Allow',
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: lbArns,
      condition: [untaggedRequest, ownedResource],
    },
    {
      sid: 'TagListenersAndRules',
      effect: 'Allow',
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [
        'arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*',
        'arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*',
        'arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*',
        'arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*',
      ],
    },
    {
      sid: 'ManageOwnLoadBalancers',
      effect: 'Allow',
      actions: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListenerAttributes',
        'elasticloadbalancing:ModifyCapacityReservation',
        'elasticloadbalancing:ModifyIpPools',
      ],
      resources: ['*'],
      condition: [ownedResource],
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
        taggedRequest,
      ],
    },
    {
      sid: 'RegisterTargets',
      effect: 'Allow',
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: ['arn:aws:elasticloadbalancing:*:*:targetgroup/*/*'],
    },
    {
      sid: 'ManageListenerSettings',
      effect: 'Allow',
      actions: [
        'elasticloadbalancing:SetWebAcl',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities',
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

/**
 * Fluent Bit: write streams of our log groups (created, with retention, by Terraform). No
 * logs:CreateLogGroup: a group Fluent Bit created would have no retention and no KMS key.
 */
export function fluentBitStatements(...logGroupArns: string[]): Statement[] {
  return [
    {
      sid: 'WriteWorkloadLogs',
      effect: 'Allow',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: logGroupArns.flatMap((arn) => [arn, `${arn}:*`]),
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

/** The X-Ray write actions the ADOT collector's awsxray exporter (and remote sampling) call. */
export const XRAY_WRITER_ACTIONS = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:GetSamplingStatisticSummaries',
] as const;

/**
 * ADOT collector: send segments and telemetry to X-Ray, read sampling rules; nothing else. These
 * actions support no resource-level permissions, hence "*" (AWS managed AWSXrayWriteOnlyAccess).
 */
export function xrayWriterStatements(): Statement[] {
  return [{ sid: 'WriteTraces', effect: 'Allow', actions: [...XRAY_WRITER_ACTIONS], resources: ['*'] }];
}
