import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  Probe,
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import Ajv, { type ValidateFunction } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, type K8sObject } from './helm';

type ModelClass = new (data: K8sObject) => { validate(): void };

/** Every kind the chart may render, by apiVersion/kind, with its schema-carrying model. */
export const MODELS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Pod': Pod as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as ModelClass,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule as unknown as ModelClass,
  'monitoring.coreos.com/v1/Probe': Probe as unknown as ModelClass,
};

export const typeKey = (o: K8sObject) => `${o.apiVersion}/${o.kind}`;

/** Validates with the npm model; returns the error message, or undefined when valid. */
export function validateModel(o: K8sObject): string | undefined {
  const Model = MODELS[typeKey(o)];
  if (!Model) return `no schema for ${typeKey(o)}`;
  try {
    new Model(o).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The external-secrets CRDs of the pinned chart (../shared/upstream-crds). Users' clones do not
 * have them: the tests that need them skip, naming the target that fetches the same files.
 */
export const SHARED_DIR = resolve(
  process.env.TASKBOARD_SHARED_DIR ?? join(CHART_DIR, '..', '..', '..', 'shared'),
);
export const ESO_CRD_DIR = join(SHARED_DIR, 'upstream-crds', 'external-secrets-2.9.0');
export const ESO_CRDS_PRESENT = existsSync(ESO_CRD_DIR);
export const ESO_SKIP_REASON = `external-secrets CRD schemas not found in ${ESO_CRD_DIR} (set TASKBOARD_SHARED_DIR); \`make crds-chart\` fetches them (the external-secrets 2.9.0 chart rendered with installCRDs=true) and prints the TASKBOARD_SHARED_DIR to use`;

/**
 * A CRD schema as the API server applies it: an object with `properties` and neither
 * `additionalProperties` nor `x-kubernetes-preserve-unknown-fields` has no other fields (the
 * server prunes them, or refuses them under strict field validation), so ajv is told so.
 */
// biome-ignore lint/suspicious/noExplicitAny: JSON schema walk
function closeObjects(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  // biome-ignore lint/suspicious/noExplicitAny: JSON schema walk
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = closeObjects(v);
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  )
    out.additionalProperties = false;
  return out;
}

export interface CrdValidators {
  get(key: string): ValidateFunction | undefined;
}

/** Validators by `group/version/Kind`, compiled on first use (the store CRDs are large). */
export function crdValidators(dir = ESO_CRD_DIR): CrdValidators {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  // biome-ignore lint/suspicious/noExplicitAny: JSON schema
  const schemas = new Map<string, any>();
  const compiled = new Map<string, ValidateFunction>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        if (version.served)
          schemas.set(
            `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
            version.schema.openAPIV3Schema,
          );
      }
    }
  }
  return {
    get(key) {
      const raw = schemas.get(key);
      if (!raw) return undefined;
      if (!compiled.has(key)) {
        const schema = closeObjects(raw);
        // metadata is the API server's ObjectMeta, validated by the server, not by the CRD.
        schema.properties.metadata = { type: 'object' };
        compiled.set(key, ajv.compile(schema));
      }
      return compiled.get(key);
    },
  };
}
