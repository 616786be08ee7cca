import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Block } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { data, doc, synthAll } from './helpers';

const upstream = JSON.parse(
  readFileSync(new URL('../constructs/upstream/lb-controller-iam-actions.json', import.meta.url), 'utf8'),
) as { actions: string[]; upstream: { repository: string; path: string; wanted_tag: string } };

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

/** The statements of the lb-controller role's permission document, as synthesized. */
function lbStatements(env: 'dev' | 'prod'): Block[] {
  const d = doc(files, env, 'cluster');
  const permissions = Object.entries(d.data?.aws_iam_policy_document ?? {}).find(([n]) =>
    n.startsWith('lb-controller_role_permissions'),
  );
  if (!permissions) throw new Error('no lb-controller permission document');
  return permissions[1].statement as Block[];
}

describe.each(['dev', 'prod'] as const)('%s: load balancer controller IAM policy', (env) => {
  it('allows exactly the actions of the upstream policy for the pinned chart', () => {
    expect(upstream.upstream).toMatchObject({
      repository: 'kubernetes-sigs/aws-load-balancer-controller',
      path: 'docs/install/iam_policy.json',
    });
    const ours = [...new Set(lbStatements(env).flatMap((s) => s.actions as string[]))].sort();
    expect(ours).toEqual([...upstream.actions].sort());
  });

  it('may edit ingress of security groups it does not own (the cluster SG never has the elbv2 tag)', () => {
    const unconditioned = lbStatements(env).filter(
      (s) =>
        s.condition === undefined &&
        (s.resources as string[]).includes('*') &&
        (s.actions as string[]).includes('ec2:AuthorizeSecurityGroupIngress'),
    );
    expect(unconditioned.map((s) => s.actions)).toEqual([
      ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
    ]);
  });

  it('may tag listeners and listener rules', () => {
    const tagging = lbStatements(env).find((s) =>
      (s.resources as string[]).some((r) => r.includes(':listener-rule/app/')),
    );
    expect(tagging?.actions).toEqual(['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags']);
    expect(tagging?.resources).toEqual(
      expect.arrayContaining([
        'arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*',
        'arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*',
        'arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*',
      ]),
    );
  });

  it('is the same document in both environments', () => {
    expect(data(doc(files, 'dev', 'cluster'), 'aws_iam_policy_document').length).toBeGreaterThan(0);
    expect(lbStatements('dev')).toEqual(lbStatements('prod'));
  });
});
