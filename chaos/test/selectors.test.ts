import { describe, expect, it } from 'vitest';
import { type Env, find, render } from '../../helm/taskboard/test/support/helm';
import { EXPERIMENTS } from '../src/catalogue';
import { MEMORY_STRESS_BYTES } from '../src/experiments/faults';
import type { ChaosObject } from '../src/experiments/types';
import { exampleTargets } from '../src/generate';
import { manifestOf } from '../src/manifests';
import { RELEASE } from '../src/release';
import { clone, ROOT } from './support/repo';
import { podTemplates, selectorProblems } from './support/selectors';

const targets = exampleTargets(ROOT);
const manifests = EXPERIMENTS.map((e) => manifestOf(e, targets));
const API = `Deployment/${RELEASE.name}-${RELEASE.apiComponent}`;

/** Kubernetes memory quantities the chart uses (Mi/Gi). */
const bytes = (q: string): number => {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unsupported quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Mi' ? 2 ** 20 : 2 ** 30);
};

describe.each(['default', 'dev', 'prod'] as Env[])('selectors against the chart rendered for %s', (env) => {
  // `helm template` of the release as the cluster installs it (release taskboard, namespace taskboard).
  const objects = render(env);
  const pods = podTemplates(objects, RELEASE.namespace);

  it('the chart renders the API Deployment and other pods the selectors must miss', () => {
    expect(pods.map((p) => p.owner)).toContain(API);
    expect(pods.length).toBeGreaterThan(1);
  });

  it.each(manifests.map((m) => [m.metadata.name, m] as const))('%s selects the API pods only', (_n, m) => {
    expect(selectorProblems(m, pods, API)).toEqual([]);
  });

  it('fails on a selector that misses the API, one that also takes the frontend, and a wrong container', () => {
    const kill = clone(manifests.find((m) => m.spec.action === 'container-kill')!) as ChaosObject;
    kill.spec.selector.labelSelectors['app.kubernetes.io/component'] = 'apii';
    expect(selectorProblems(kill, pods, API)).toEqual([`${kill.metadata.name}: selects no API pod (${API})`]);
    const broad = clone(kill);
    broad.spec.selector.labelSelectors = { 'app.kubernetes.io/instance': RELEASE.name };
    expect(selectorProblems(broad, pods, API)[0]).toMatch(/also selects Deployment\/taskboard-frontend/);
    const other = clone(kill);
    other.spec.selector.labelSelectors['app.kubernetes.io/component'] = 'api';
    other.spec.containerNames = ['server'];
    expect(selectorProblems(other, pods, API)).toEqual([
      `${kill.metadata.name}: container server is not in ${API}`,
    ]);
    const wrongNamespace = clone(other);
    wrongNamespace.spec.containerNames = ['api'];
    wrongNamespace.spec.selector.namespaces = ['default'];
    expect(selectorProblems(wrongNamespace, pods, API)).toEqual([
      `${kill.metadata.name}: selects no API pod (${API})`,
    ]);
  });

  it('the memory experiment asks for more than the API container may use (so it ends in an OOM kill)', () => {
    const api = find(objects, 'Deployment', `${RELEASE.name}-${RELEASE.apiComponent}`)[0]!;
    const container = api.spec.template.spec.containers.find(
      (c: { name: string }) => c.name === RELEASE.apiContainer,
    );
    expect(MEMORY_STRESS_BYTES).toBeGreaterThan(bytes(container.resources.limits.memory));
  });
});
