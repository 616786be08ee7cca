import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Construct } from 'constructs';
import type { EnvConfig } from './config';
import { StackKey } from './constructs/kms-key';
import { TaskboardStack } from './constructs/taskboard-stack';

/** ECR lifecycle: drop untagged layers after a day, then keep only the newest `keep` images. */
export function lifecyclePolicy(keep: number): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: 'Expire untagged images after 1 day',
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 1,
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the last ${keep} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep },
        action: { type: 'expire' },
      },
    ],
  });
}

/** One ECR repository per deployable image: immutable tags, scanned on push, KMS-encrypted. */
export class RegistryStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'registry');
    const key = new StackKey(this, 'key', {
      alias: `${this.prefix}-registry`,
      description: `Encrypts ${env.name} container images`,
      accountId: this.accountId,
    });
    for (const image of env.registry.repositories) {
      const repo = new EcrRepository(this, `repo-${image}`, {
        name: `${env.project}/${env.name}/${image}`,
        // A tag always names the same image: rollbacks and audits can trust it.
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.key.arn }],
      });
      new EcrLifecyclePolicy(this, `repo-${image}-lifecycle`, {
        repository: repo.name,
        policy: lifecyclePolicy(env.registry.keepLastImages),
      });
      this.output(`${image}_repository_url`, repo.repositoryUrl, `ECR repository for the ${image} image`);
    }
  }
}
