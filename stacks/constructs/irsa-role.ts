import { Construct } from 'constructs';
import { Role, type Statement } from './iam';

export interface IrsaRoleProps {
  name: string;
  oidcProviderArn: string;
  /** Issuer without `https://`, the prefix of the `:sub` and `:aud` condition keys. */
  oidcIssuerHost: string;
  namespace: string;
  serviceAccount: string;
  statements?: Statement[];
  managedPolicyArns?: string[];
}

/**
 * IAM Role for a Kubernetes service account: only that exact service account, presenting a
 * token minted for STS, can assume it.
 */
export class IrsaRole extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: IrsaRoleProps) {
    super(scope, id);
    const role = new Role(this, 'role', {
      name: props.name,
      trust: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [props.oidcProviderArn] }],
          condition: [
            {
              test: 'StringEquals',
              variable: `${props.oidcIssuerHost}:sub`,
              values: [`system:serviceaccount:${props.namespace}:${props.serviceAccount}`],
            },
            { test: 'StringEquals', variable: `${props.oidcIssuerHost}:aud`, values: ['sts.amazonaws.com'] },
          ],
        },
      ],
      statements: props.statements,
      managedPolicyArns: props.managedPolicyArns,
    });
    this.arn = role.role.arn;
  }
}
