// Which pods of a rendered chart a Chaos Mesh selector picks. Only the selector fields our
// experiments use are understood; any other field is reported rather than ignored.

import type { K8sObject } from '../../../helm/taskboard/test/support/helm';
import type { ChaosObject, ChaosSpec } from '../../src/experiments/types';

export interface PodTemplate {
  owner: string;
  namespace: string;
  labels: Record<string, string>;
  containers: string[];
}

export function podTemplates(objects: K8sObject[], namespace: string): PodTemplate[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Pod')
    .map((o) => {
      const tpl = o.kind === 'Pod' ? o : o.spec.template;
      const spec = o.kind === 'Pod' ? o.spec : o.spec.template.spec;
      return {
        owner: `${o.kind}/${o.metadata.name}`,
        namespace: o.metadata.namespace ?? namespace,
        labels: tpl.metadata?.labels ?? {},
        containers: spec.containers.map((c: { name: string }) => c.name),
      };
    });
}

/** Every fault spec in a manifest: the object's own, or each Workflow step's. */
export function faultSpecs(o: ChaosObject): { where: string; spec: ChaosSpec }[] {
  if (o.kind !== 'Workflow') return [{ where: o.metadata.name, spec: o.spec }];
  return o.spec.templates
    .filter((t: ChaosSpec) => t.templateType !== 'Serial' && t.templateType !== 'Suspend')
    .map((t: ChaosSpec) => {
      const field = Object.keys(t).find((k) => k.endsWith('Chaos'));
      return { where: `${o.metadata.name}/${t.name}`, spec: field ? t[field] : {} };
    });
}

const KNOWN = new Set(['namespaces', 'labelSelectors']);

export function selected(selector: ChaosSpec, pods: PodTemplate[]): PodTemplate[] {
  return pods.filter(
    (p) =>
      (selector.namespaces ?? []).includes(p.namespace) &&
      Object.entries(selector.labelSelectors ?? {}).every(([k, v]) => p.labels[k] === v),
  );
}

/** Problems with one manifest's selectors: they must pick the API pods and nothing else. */
export function selectorProblems(o: ChaosObject, pods: PodTemplate[], apiOwner: string): string[] {
  const problems: string[] = [];
  for (const { where, spec } of faultSpecs(o)) {
    const sel = spec.selector ?? {};
    for (const key of Object.keys(sel))
      if (!KNOWN.has(key)) problems.push(`${where}: selector field ${key} is not checked here`);
    if (Object.keys(sel.labelSelectors ?? {}).length === 0) problems.push(`${where}: no label selector`);
    const picked = selected(sel, pods).map((p) => p.owner);
    if (!picked.includes(apiOwner)) problems.push(`${where}: selects no API pod (${apiOwner})`);
    const others = picked.filter((p) => p !== apiOwner);
    if (others.length > 0) problems.push(`${where}: also selects ${others.join(', ')}`);
    const api = pods.find((p) => p.owner === apiOwner);
    for (const c of spec.containerNames ?? [])
      if (!api?.containers.includes(c)) problems.push(`${where}: container ${c} is not in ${apiOwner}`);
  }
  return problems;
}
