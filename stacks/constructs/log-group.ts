import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct } from 'constructs';

export interface EncryptedLogGroupProps {
  name: string;
  retentionDays: number;
  kmsKeyArn: string;
}

/**
 * A log group created before the service that writes to it: AWS would otherwise create it on
 * first write with no retention and no encryption, outside Terraform.
 */
export class EncryptedLogGroup extends Construct {
  readonly group: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    this.group = new CloudwatchLogGroup(this, 'group', {
      name: props.name,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
  }
}
