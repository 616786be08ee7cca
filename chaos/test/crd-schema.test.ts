import { describe, expect, it } from 'vitest';
import { crdValidators } from '../../helm/taskboard/test/support/validate';
import { EXPERIMENTS } from '../src/catalogue';
import type { ChaosObject } from '../src/experiments/types';
import { exampleTargets } from '../src/generate';
import { manifestOf } from '../src/manifests';
import { CHAOS_CRD_DIR, CHAOS_CRDS_PRESENT, CHAOS_SKIP_REASON } from './support/crds';
import { clone, ROOT } from './support/repo';

if (!CHAOS_CRDS_PRESENT) console.warn(`[skip] ${CHAOS_SKIP_REASON}`);

const manifests = EXPERIMENTS.map((e) => manifestOf(e, exampleTargets(ROOT)));

describe.skipIf(!CHAOS_CRDS_PRESENT)('manifests against the Chaos Mesh CRD schemas', () => {
  const validators = CHAOS_CRDS_PRESENT ? crdValidators(CHAOS_CRD_DIR) : undefined;
  const errorsOf = (o: ChaosObject): string[] => {
    const key = `${o.apiVersion.split('/')[0]}/${o.apiVersion.split('/')[1]}/${o.kind}`;
    const validate = validators?.get(key);
    if (!validate) return [`no CRD schema for ${key}`];
    return validate(o) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };

  it.each(manifests.map((m) => [`${m.kind}/${m.metadata.name}`, m] as const))('%s is valid', (_n, m) => {
    expect(errorsOf(m)).toEqual([]);
  });

  it('fails on a misspelt field, a value outside an enum and a missing required field', () => {
    const net = clone(manifests.find((m) => m.kind === 'NetworkChaos')!);
    net.spec.externalTarget = net.spec.externalTargets;
    delete net.spec.externalTargets;
    expect(errorsOf(net)).toContain('/spec must NOT have additional properties');
    const pod = clone(manifests.find((m) => m.kind === 'PodChaos')!);
    pod.spec.action = 'pod-kil';
    expect(errorsOf(pod)).toContain('/spec/action must be equal to one of the allowed values');
    const stress = clone(manifests.find((m) => m.kind === 'StressChaos')!);
    delete stress.spec.mode;
    expect(errorsOf(stress)).toContain("/spec must have required property 'mode'");
    const wf = clone(manifests.find((m) => m.kind === 'Workflow')!);
    wf.spec.templates[1].networkChaos = { ...wf.spec.templates[1].podChaos, direction: 'sideways' };
    expect(errorsOf(wf).join('\n')).toMatch(
      /networkChaos\/direction must be equal to one of the allowed values/,
    );
  });
});
