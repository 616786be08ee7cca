import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';
import type { EnvConfig } from '../config';
import { Role, type Statement } from './iam';

/** GitHub's OIDC issuer, and the audience configure-aws-credentials asks STS for. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
/** Sids the policy suite looks for (stacks/policy/rules.ts). */
export const DEPLOY_SERVICES_SID = 'TerraformDeployServices';
export const DEPLOY_GLOBAL_SERVICES_SID = 'TerraformDeployGlobalServices';
/** Where global services (CloudFront, Route 53, Budgets, Cost Explorer) take their API calls. */
export const GLOBAL_SERVICES_REGION = 'us-east-1';
export const PROTECT_CI_SID = 'ProtectCiIdentity';

/**
 * Services whose resources the stacks CI applies (all but bootstrap) create in the environment's
 * region; stacks/test/deploy-role-coverage.test.ts maps every synthesized resource type onto them.
 */
export const DEPLOY_SERVICES = [
  'ec2',
  'eks',
  'rds',
  'elasticache',
  'logs',
  'kms',
  'secretsmanager',
  'ecr',
  's3',
  'elasticloadbalancing',
  'autoscaling',
  'cloudwatch',
  'sns',
  // The app-alarms stack's Synthetics canary: CreateCanary makes its Lambda function and layer
  // with the caller's rights.
  'synthetics',
  'lambda',
  // alerting (EventBridge rules, X-Ray groups), audit (CloudTrail, Config, Scheduler, Chatbot),
  // resilience (FIS templates), edge (the ALB's regional ACM certificate).
  'events',
  'xray',
  'cloudtrail',
  'config',
  'scheduler',
  'chatbot',
  'fis',
  'acm',
];

/**
 * What the stacks call in us-east-1: the global services (their endpoint is there) and the
 * edge/alerting resources that CloudFront requires there (certificate, CLOUDFRONT-scope web ACL,
 * standard-logging delivery, the EventBridge forwarder of us-east-1 events).
 */
export const DEPLOY_GLOBAL_SERVICES = [
  'cloudfront',
  'route53',
  'budgets',
  'ce',
  'wafv2',
  'acm',
  'logs',
  'events',
];

export interface GithubOidcProps {
  env: EnvConfig;
  accountId: string;
  prefix: string;
  stateBucketArn: string;
  stateKeyArn: string;
}

/** `sub` claims: pull requests (plan) and the deploying GitHub environment (deploy). */
export function githubSubjects(env: EnvConfig): { plan: string; deploy: string } {
  const repo = `repo:${env.github.repository}`;
  return { plan: `${repo}:pull_request`, deploy: `${repo}:environment:${env.github.deployEnvironment}` };
}

/**
 * GitHub Actions reach AWS only through OIDC (no stored keys): the account's GitHub OIDC
 * provider, a read-only `plan` role for pull requests and the `deploy` role for the protected
 * GitHub environment. Both trust exactly one repository and one `sub`, audience sts.amazonaws.com.
 */
export class GithubOidc extends Construct {
  readonly planRole: Role;
  readonly deployRole: Role;

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    const { env, accountId, prefix } = props;
    const url = `https://${GITHUB_OIDC_HOST}`;
    const providerArn =
      env.github.oidcProvider === 'create'
        ? new IamOpenidConnectProvider(this, 'provider', { url, clientIdList: [GITHUB_OIDC_AUDIENCE] }).arn
        : new DataAwsIamOpenidConnectProvider(this, 'provider', { url }).arn;
    const subjects = githubSubjects(env);
    const trust = (sub: string): Statement[] => [
      {
        effect: 'Allow',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [{ type: 'Federated', identifiers: [providerArn] }],
        condition: [
          { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:aud`, values: [GITHUB_OIDC_AUDIENCE] },
          { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:sub`, values: [sub] },
        ],
      },
    ];
    const stateObjects = `${props.stateBucketArn}/${env.name}/*`;
    const stateKey: Statement = {
      sid: 'StateKey',
      effect: 'Allow',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [props.stateKeyArn],
    };
    const planName = `${prefix}-github-plan`;

    this.planRole = new Role(this, 'plan', {
      name: planName,
      trust: trust(subjects.plan),
      statements: [
        { sid: 'StateList', effect: 'Allow', actions: ['s3:ListBucket'], resources: [props.stateBucketArn] },
        { sid: 'StateRead', effect: 'Allow', actions: ['s3:GetObject'], resources: [stateObjects] },
        // use_lockfile: a plan takes the state lock, an object beside the state.
        {
          sid: 'StateLock',
          effect: 'Allow',
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: [`${props.stateBucketArn}/${env.name}/*.tflock`],
        },
        stateKey,
      ],
      // Refreshing every resource needs Describe/Get/List across the services; AWS keeps this
      // read-only set current. It grants no secret values (secretsmanager:GetSecretValue).
      managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });

    const iamScoped = [
      `arn:aws:iam::${accountId}:role/${prefix}-*`,
      `arn:aws:iam::${accountId}:policy/${prefix}-*`,
      `arn:aws:iam::${accountId}:oidc-provider/oidc.eks.${env.region}.amazonaws.com/*`,
    ];
    this.deployRole = new Role(this, 'deploy', {
      name: env.cluster.ciRoleName,
      trust: trust(subjects.deploy),
      statements: [
        { sid: 'StateList', effect: 'Allow', actions: ['s3:ListBucket'], resources: [props.stateBucketArn] },
        {
          sid: 'StateWrite',
          effect: 'Allow',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [stateObjects],
        },
        stateKey,
        {
          // Documented wildcard (DOCUMENTED_WILDCARDS): Terraform creates, changes and deletes
          // every resource type of these services; bounded to the environment's region.
          sid: DEPLOY_SERVICES_SID,
          effect: 'Allow',
          actions: DEPLOY_SERVICES.map((s) => `${s}:*`),
          resources: ['*'],
          condition: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: [env.region] }],
        },
        {
          // Documented wildcard too, bounded to us-east-1 (global endpoints and CloudFront's region).
          sid: DEPLOY_GLOBAL_SERVICES_SID,
          effect: 'Allow',
          actions: DEPLOY_GLOBAL_SERVICES.map((s) => `${s}:*`),
          resources: ['*'],
          condition: [
            { test: 'StringEquals', variable: 'aws:RequestedRegion', values: [GLOBAL_SERVICES_REGION] },
          ],
        },
        {
          sid: 'IamForStackRoles',
          effect: 'Allow',
          actions: [
            'iam:CreateRole',
            'iam:DeleteRole',
            'iam:GetRole',
            'iam:UpdateRole',
            'iam:UpdateAssumeRolePolicy',
            'iam:TagRole',
            'iam:UntagRole',
            'iam:PassRole',
            'iam:PutRolePolicy',
            'iam:GetRolePolicy',
            'iam:DeleteRolePolicy',
            'iam:ListRolePolicies',
            'iam:AttachRolePolicy',
            'iam:DetachRolePolicy',
            'iam:ListAttachedRolePolicies',
            'iam:ListInstanceProfilesForRole',
            'iam:CreateOpenIDConnectProvider',
            'iam:GetOpenIDConnectProvider',
            'iam:DeleteOpenIDConnectProvider',
            'iam:TagOpenIDConnectProvider',
            'iam:UpdateOpenIDConnectProviderThumbprint',
          ],
          resources: iamScoped,
        },
        {
          sid: 'ServiceLinkedRoles',
          effect: 'Allow',
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [`arn:aws:iam::${accountId}:role/aws-service-role/*`],
        },
        { sid: 'Identity', effect: 'Allow', actions: ['sts:GetCallerIdentity'], resources: ['*'] },
        {
          // CI can never widen its own rights: the GitHub roles and provider live in bootstrap,
          // which an administrator applies (docs/delivery.md).
          sid: PROTECT_CI_SID,
          effect: 'Deny',
          actions: ['iam:*'],
          resources: [
            `arn:aws:iam::${accountId}:role/${planName}`,
            `arn:aws:iam::${accountId}:role/${env.cluster.ciRoleName}`,
            `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`,
          ],
        },
      ],
    });
  }
}
