import { beforeAll, describe, expect, it } from 'vitest';
import { ENVS, find, type Json, type K8sObject, render } from './support/helm';
import { podSpecs } from './support/policy';

/**
 * The migration design (README, "Migrations: an init container"): on a first install nothing
 * that reads a Secret synced by an ExternalSecret may run as a Helm hook, because hooks run
 * before the ExternalSecret exists. And every Secret key a pod reads is one the ExternalSecrets
 * write, so no pod waits forever on a key that never comes.
 */
const secretRefs = (spec: Json): { name: string; key: string; container: string }[] =>
  [...(spec.initContainers ?? []), ...(spec.containers ?? [])].flatMap((c: Json) =>
    (c.env ?? [])
      .filter((e: Json) => e.valueFrom?.secretKeyRef)
      .map((e: Json) => ({ ...e.valueFrom.secretKeyRef, container: c.name })),
  );

describe.each(ENVS)('first install and upgrade (%s)', (env) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = render(env);
  });

  it('runs no install/upgrade hook that reads a Secret, and makes the ExternalSecrets ordinary objects', () => {
    const hooks = objects.filter((o) => o.metadata.annotations?.['helm.sh/hook']);
    for (const hook of hooks) {
      const phases = String(hook.metadata.annotations['helm.sh/hook']).split(',');
      // `helm test` runs after the release is up; every other hook must not depend on synced Secrets.
      if (phases.every((p) => p.trim() === 'test')) continue;
      const spec = podSpecs([hook])[0]?.spec;
      expect(spec ? secretRefs(spec) : [], `${hook.kind}/${hook.metadata.name}`).toEqual([]);
    }
    for (const es of find(objects, 'ExternalSecret'))
      expect(es.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
  });

  it('migrates in an init container of the API pods, with the owner Secret only there', () => {
    const api = find(objects, 'Deployment', 'taskboard-api')[0]!.spec.template.spec;
    expect(api.initContainers.map((c: Json) => c.name)).toEqual(['migrate']);
    const owner = secretRefs(api).filter((r) => r.name === 'taskboard-migration');
    expect(owner.map((r) => r.container)).toEqual(['migrate']);
    expect(api.containers[0].env.find((e: Json) => e.name === 'MIGRATE_ON_BOOT').value).toBe('false');
  });

  it('reads only Secret keys that the ExternalSecrets write', () => {
    const written = new Set(
      find(objects, 'ExternalSecret').flatMap((es) =>
        Object.keys(es.spec.target.template.data).map((k) => `${es.spec.target.name}/${k}`),
      ),
    );
    const read = podSpecs(objects).flatMap(({ spec }) => secretRefs(spec).map((r) => `${r.name}/${r.key}`));
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((r) => !written.has(r))).toEqual([]);
  });
});
