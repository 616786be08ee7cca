import { describe, expect, it } from 'vitest';
import {
  CHART_DIR,
  ENVS,
  find,
  helm,
  type K8sObject,
  KUBE_VERSION,
  render,
  valuesFiles,
} from './support/helm';
import {
  crdValidators,
  ESO_CRDS_PRESENT,
  ESO_SKIP_REASON,
  MODELS,
  typeKey,
  validateModel,
} from './support/validate';

/** Proof 1: lint and render every environment; every object passes its schema. */
const validators = ESO_CRDS_PRESENT ? crdValidators() : undefined;
const rendered = new Map<string, K8sObject[]>();
const renderOnce = (env: (typeof ENVS)[number]) => {
  if (!rendered.has(env)) rendered.set(env, render(env));
  return structuredClone(rendered.get(env)!);
};

describe.each(ENVS)('values %s', (env) => {
  it('passes helm lint --strict', () => {
    const run = helm([
      'lint',
      '--strict',
      CHART_DIR,
      '--kube-version',
      KUBE_VERSION,
      ...valuesFiles(env).flatMap((f) => ['--values', f]),
    ]);
    expect(run.stderr + run.stdout).toContain('0 chart(s) failed');
    expect(run.status).toBe(0);
  });

  it('renders objects that each pass the Kubernetes / prometheus-operator schema', () => {
    const objects = renderOnce(env);
    expect(objects.length).toBeGreaterThan(10);
    const crdKinds = new Set([
      'external-secrets.io/v1/ExternalSecret',
      'external-secrets.io/v1/ClusterSecretStore',
    ]);
    const problems = objects
      .filter((o) => !crdKinds.has(typeKey(o)))
      .map((o) => [`${o.kind}/${o.metadata.name}`, validateModel(o)])
      .filter(([, err]) => err !== undefined);
    expect(problems).toEqual([]);
    // Names are unique per kind (two templates writing one object would silently merge on apply).
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it.skipIf(!ESO_CRDS_PRESENT)(
    'renders ExternalSecrets that pass the pinned external-secrets CRD schema',
    () => {
      const secrets = find(renderOnce(env), 'ExternalSecret');
      expect(secrets.length).toBe(2);
      for (const es of secrets) {
        const validate = validators!.get(typeKey(es));
        expect(validate, `no CRD schema for ${typeKey(es)}`).toBeDefined();
        expect(validate!(es) ? [] : validate!.errors, es.metadata.name).toEqual([]);
        expect(es.spec.secretStoreRef.kind).toBe('ClusterSecretStore');
      }
    },
  );
});

if (!ESO_CRDS_PRESENT) console.info(`[skip] ${ESO_SKIP_REASON}`);

describe('the validators bite', () => {
  const deployment = (): K8sObject => find(renderOnce('prod'), 'Deployment')[0]!;

  it('the model schema rejects a wrong type in a rendered Deployment', () => {
    const broken = deployment();
    broken.spec.revisionHistoryLimit = 'five';
    expect(validateModel(broken)).toMatch(/revisionHistoryLimit/);
    expect(validateModel({ apiVersion: 'v9', kind: 'Nope', metadata: { name: 'x' } })).toMatch(/no schema/);
  });

  it.skipIf(!ESO_CRDS_PRESENT)('the CRD schema rejects an unknown field and a wrong type', () => {
    const es = find(renderOnce('prod'), 'ExternalSecret')[0]!;
    const validate = validators!.get(typeKey(es))!;
    const typo = structuredClone(es);
    typo.spec.refreshIntervall = '1h';
    expect(validate(typo)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('refreshIntervall');
    const wrongType = structuredClone(es);
    wrongType.spec.data[0].remoteRef.key = 42;
    expect(validate(wrongType)).toBe(false);
  });

  it('knows every kind it may meet', () => {
    expect(Object.keys(MODELS).length).toBeGreaterThanOrEqual(12);
  });
});

describe('inputs the installing stack must give', () => {
  it('refuses to render without the data stack outputs, naming the missing key', () => {
    const run = helm(['template', 'taskboard', CHART_DIR, '--kube-version', KUBE_VERSION]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('database.host');
  });

  it('renders no ExternalSecret when existing Secrets are named', () => {
    const objects = render('prod', [
      '--set',
      'secrets.app.existingSecret=app-creds,secrets.migration.existingSecret=owner-creds,database.host=,redis.host=',
    ]);
    expect(find(objects, 'ExternalSecret')).toEqual([]);
    const api = find(objects, 'Deployment', 'taskboard-api')[0]!;
    const refs = JSON.stringify(api.spec.template.spec);
    expect(refs).toContain('"name":"app-creds"');
    expect(refs).toContain('"name":"owner-creds"');
  });
});

describe('tracing', () => {
  const apiEnv = (objects: K8sObject[]) =>
    find(objects, 'Deployment', 'taskboard-api')[0]!.spec.template.spec.containers[0].env as {
      name: string;
      value?: string;
    }[];

  it('is off by default: no tracing variable reaches the API', () => {
    expect(apiEnv(render('prod')).filter((e) => e.name.startsWith('TRACING_'))).toEqual([]);
  });

  it('with an endpoint, the API gets it and the sampling ratio', () => {
    const env = apiEnv(
      render('prod', [
        '--set',
        'api.tracing.otlpEndpoint=http://otel-collector.observability.svc:4318/v1/traces',
      ]),
    );
    expect(env).toContainEqual({
      name: 'TRACING_OTLP_ENDPOINT',
      value: 'http://otel-collector.observability.svc:4318/v1/traces',
    });
    expect(env).toContainEqual({ name: 'TRACING_SAMPLE_RATIO', value: '0.1' });
  });

  it("opens the API's egress to the collector's namespace and port only while tracing is on", () => {
    const apiEgress = (objects: K8sObject[]) =>
      JSON.stringify(find(objects, 'NetworkPolicy', 'taskboard-api')[0]!.spec.egress);
    const collector = '"kubernetes.io/metadata.name":"observability"';
    expect(apiEgress(render('prod'))).not.toContain(collector);
    const on = apiEgress(
      render('prod', [
        '--set',
        'api.tracing.otlpEndpoint=http://otel-collector.observability.svc:4318/v1/traces',
      ]),
    );
    expect(on).toContain(
      `{"to":[{"namespaceSelector":{"matchLabels":{${collector}}}}],"ports":[{"port":4318,"protocol":"TCP"}]}`,
    );
  });
});
