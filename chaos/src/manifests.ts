// Catalogue entry + the environment's targets -> the Chaos Mesh object `kubectl apply` receives.
import { stringify } from 'yaml';
import type { Experiment } from './experiments/types';
import { CHAOS_API_VERSION, type ChaosObject, FAULT_KINDS } from './experiments/types';
import { RELEASE } from './release';
import type { Targets } from './targets';

/** Go duration syntax, as Chaos Mesh parses `duration` and Workflow `deadline`. */
export const goDuration = (seconds: number): string => `${seconds}s`;

export const objectName = (e: Experiment): string => `${RELEASE.name}-${e.name}`;

export function manifestOf(e: Experiment, targets: Targets): ChaosObject {
  const metadata = {
    name: objectName(e),
    namespace: RELEASE.namespace,
    labels: {
      'app.kubernetes.io/part-of': RELEASE.name,
      'app.kubernetes.io/managed-by': 'make-chaos',
      'taskboard.io/experiment': e.name,
    },
  };
  if (e.type === 'single') {
    const f = e.fault(targets);
    const spec = f.instant ? f.spec : { ...f.spec, duration: goDuration(e.durationSeconds) };
    return { apiVersion: CHAOS_API_VERSION, kind: f.kind, metadata, spec };
  }
  const entry = 'sequence';
  const templates: ChaosObject['spec'][] = [
    { name: entry, templateType: 'Serial', children: e.steps.map((s) => s.name) },
  ];
  for (const step of e.steps) {
    const deadline = goDuration(step.durationSeconds);
    if (step.fault === 'recover') {
      templates.push({ name: step.name, templateType: 'Suspend', deadline });
      continue;
    }
    const f = step.fault(targets);
    // Inside a Workflow the step's deadline bounds the fault; the embedded spec has no duration.
    templates.push({ name: step.name, templateType: f.kind, deadline, [FAULT_KINDS[f.kind]]: f.spec });
  }
  return { apiVersion: CHAOS_API_VERSION, kind: 'Workflow', metadata, spec: { entry, templates } };
}

export function manifestYaml(e: Experiment, targets: Targets): string {
  return stringify(manifestOf(e, targets), { lineWidth: 0 });
}
