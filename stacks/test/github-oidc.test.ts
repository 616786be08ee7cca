import { beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from '../constructs/github-oidc';
import { policyStatements } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, doc, one, synthAll } from './helpers';

// The GitHub Actions roles as synthesized for a fork (TASKBOARD_GITHUB_REPOSITORY), read from the
// JSON Terraform applies: who may assume them, and that dev can reuse prod's OIDC provider.
let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll({
    TASKBOARD_GITHUB_REPOSITORY: 'acme/tasks',
    TASKBOARD_DEV_GITHUB_OIDC_PROVIDER: 'existing',
  });
});

function trustOf(env: 'dev' | 'prod', roleName: string) {
  const d = doc(files, env, 'bootstrap');
  const role = all(d, 'aws_iam_role').find((r) => r.name === roleName);
  expect(role, roleName).toBeDefined();
  const trust = policyStatements(d, role?.assume_role_policy) ?? [];
  expect(trust).toHaveLength(1);
  const conditions = Object.fromEntries(
    ((trust[0]?.condition ?? []) as { test: string; variable: string; values: string[] }[]).map((c) => [
      `${c.test} ${c.variable}`,
      c.values,
    ]),
  );
  return { statement: trust[0]!, conditions };
}

describe('GitHub OIDC roles (bootstrap stack)', () => {
  it.each([
    ['prod', 'taskboard-prod-github-plan', 'repo:acme/tasks:pull_request'],
    ['prod', 'taskboard-ci', 'repo:acme/tasks:environment:production'],
    ['dev', 'taskboard-dev-github-plan', 'repo:acme/tasks:pull_request'],
    ['dev', 'taskboard-ci', 'repo:acme/tasks:environment:dev'],
  ] as const)('%s %s: web identity from GitHub only, audience STS, sub exactly %s', (env, role, sub) => {
    const { statement, conditions } = trustOf(env, role);
    expect(statement.actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(conditions).toEqual({
      [`StringEquals ${GITHUB_OIDC_HOST}:aud`]: [GITHUB_OIDC_AUDIENCE],
      [`StringEquals ${GITHUB_OIDC_HOST}:sub`]: [sub],
    });
  });

  it('creates the provider in prod and looks it up in dev (one provider per account)', () => {
    const prod = one(doc(files, 'prod', 'bootstrap'), 'aws_iam_openid_connect_provider');
    expect(prod.url).toBe(`https://${GITHUB_OIDC_HOST}`);
    expect(prod.client_id_list).toEqual([GITHUB_OIDC_AUDIENCE]);
    const dev = doc(files, 'dev', 'bootstrap');
    expect(dev.resource?.aws_iam_openid_connect_provider).toBeUndefined();
    expect(Object.values(dev.data?.aws_iam_openid_connect_provider ?? {}).map((p) => p.url)).toEqual([
      `https://${GITHUB_OIDC_HOST}`,
    ]);
  });

  it('lets both roles use the state key (the key policy names them)', () => {
    const d = doc(files, 'prod', 'bootstrap');
    const keyPolicy = JSON.stringify(d.data?.aws_iam_policy_document);
    for (const name of ['taskboard-prod-github-plan', 'taskboard-ci'])
      expect(keyPolicy).toContain(`:role/${name}`);
  });
});
