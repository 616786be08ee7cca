import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';

export type Statement = DataAwsIamPolicyDocumentStatement;

/**
 * Policies are `aws_iam_policy_document` data sources rather than JSON strings: the statements
 * stay structured in the synthesized JSON, so reviewers (and the policy suite) can read them.
 */
export function policyDocument(
  scope: Construct,
  id: string,
  statements: Statement[],
): DataAwsIamPolicyDocument {
  return new DataAwsIamPolicyDocument(scope, id, { statement: statements });
}

export function servicePrincipalTrust(service: string): Statement {
  return {
    effect: 'Allow',
    actions: ['sts:AssumeRole'],
    principals: [{ type: 'Service', identifiers: [service] }],
  };
}

export interface RoleProps {
  name: string;
  trust: Statement[];
  /** Inline least-privilege statements, if any. */
  statements?: Statement[];
  /** AWS-managed policies, only where AWS maintains the exact permission set (EKS, ECR, EBS CSI). */
  managedPolicyArns?: string[];
}

/** An IAM role with its trust policy, an optional inline policy and managed attachments. */
export class Role extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id);
    const trust = policyDocument(this, 'trust', props.trust);
    this.role = new IamRole(this, 'role', { name: props.name, assumeRolePolicy: trust.json });
    if (props.statements && props.statements.length > 0) {
      const doc = policyDocument(this, 'permissions', props.statements);
      new IamRolePolicy(this, 'inline', { name: props.name, role: this.role.id, policy: doc.json });
    }
    for (const [i, arn] of (props.managedPolicyArns ?? []).entries()) {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn });
    }
  }
}
