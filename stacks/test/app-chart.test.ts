// The app stack and the chart agree: the helm_release the stack synthesizes, with its Terraform
// references replaced by values of the shape Terraform returns, validates against the chart's
// values.schema.json and renders with the real `helm template`, the way the helm provider passes it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { APP_NAMESPACE, CHART_DIR, PLATFORM_CONTRACT, RELEASE_NAME, repoRoot } from '../app';
import { type EnvName, loadConfig } from '../config';
import { OTEL_COLLECTOR, otelCollectorTracesUrl } from '../platform/names';
import type { Block, Json } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { doc, helmBinary, one, synthAll } from './helpers';

const ROOT = repoRoot();
const CHART = join(ROOT, CHART_DIR);
const HELM = helmBinary(ROOT) ?? 'helm';
const HAS_HELM = helmBinary(ROOT) !== undefined;
if (!HAS_HELM)
  console.log('app-chart: SKIP the helm template checks: no bin/helm and no helm on PATH (run `make tools`)');

const ACCOUNT = '123456789012';
/** An all-digit tag (a date or build number): Helm would read it as a number unless typed "string". */
const TAG = '20260102';

/** What each Terraform reference the app stack uses resolves to, in the shape Terraform returns. */
function samples(env: EnvName): Record<string, string | string[]> {
  const vpc = env === 'dev' ? '10.10' : '10.20';
  const secret = (name: string) =>
    `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:taskboard/${env}/${name}-Ab12Cd`;
  return {
    'var.image_tag': TAG,
    'data.terraform_remote_state.registry.outputs.api_repository_url': `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/taskboard/${env}/api`,
    'data.terraform_remote_state.registry.outputs.frontend_repository_url': `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/taskboard/${env}/frontend`,
    'data.terraform_remote_state.data.outputs.db_endpoint': `taskboard-${env}.abcdefghijkl.eu-west-1.rds.amazonaws.com`,
    'data.terraform_remote_state.data.outputs.db_port': '5432',
    'data.terraform_remote_state.data.outputs.db_name': 'taskboard',
    'data.terraform_remote_state.data.outputs.redis_primary_endpoint': `master.taskboard-${env}.abcdef.euw1.cache.amazonaws.com`,
    'data.terraform_remote_state.data.outputs.redis_port': '6379',
    'data.terraform_remote_state.data.outputs.db_app_secret_arn': secret('db-app-credentials'),
    'data.terraform_remote_state.data.outputs.redis_auth_secret_arn': secret('redis-auth-token'),
    'data.terraform_remote_state.data.outputs.jwt_secret_arn': secret('jwt-signing-key'),
    'data.terraform_remote_state.data.outputs.db_master_secret_arn': `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d-XyZ123`,
    'data.terraform_remote_state.network.outputs.isolated_subnet_cidrs': [
      `${vpc}.96.0/22`,
      `${vpc}.100.0/22`,
      `${vpc}.104.0/22`,
    ],
    'data.terraform_remote_state.network.outputs.vpc_cidr': `${vpc}.0.0/16`,
    // The edge: without a domain (dev) the certificate output is empty and the host is the origin name.
    'data.terraform_remote_state.edge.outputs.alb_host_header':
      env === 'dev' ? 'taskboard.dev.example.com' : 'taskboard.example.com',
    'data.terraform_remote_state.edge.outputs.alb_certificate_arn':
      env === 'dev'
        ? ''
        : `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/0a1b2c3d-0000-4000-8000-00000000abcd`,
    'data.terraform_remote_state.edge.outputs.alb_security_group_id': 'sg-0123456789abcdef0',
    'data.terraform_remote_state.edge.outputs.public_url':
      env === 'dev' ? 'https://d1234abcdefgh.cloudfront.net' : 'https://taskboard.example.com',
  };
}

interface ResolvedRelease {
  valuesFiles: string[];
  set: { name: string; value: string; type: string }[];
  setList: { name: string; value: string[] }[];
}

/** Replaces every `${reference}` with its sample; an unknown reference fails the test loudly. */
function resolveRelease(release: Block, env: EnvName): ResolvedRelease {
  const table = samples(env);
  const lookup = (text: string): string | string[] => {
    const m = /^\$\{([^}]+)\}$/.exec(text);
    if (!m) {
      if (text.includes('${')) throw new Error(`a reference inside a longer string: ${text}`);
      return text;
    }
    const value = table[m[1]!];
    if (value === undefined) throw new Error(`no sample for the reference ${m[1]}: add one to samples()`);
    return value;
  };
  const scalar = (text: string) => {
    const v = lookup(text);
    if (Array.isArray(v)) throw new Error(`a list where a scalar belongs: ${text}`);
    return v;
  };
  return {
    valuesFiles: (release.values as string[]).map((v) => {
      if (v.includes('${')) throw new Error('a Terraform reference inside a values document');
      return v;
    }),
    set: ((release.set ?? []) as { name: string; value: string; type: string }[]).map((s) => ({
      ...s,
      value: scalar(s.value),
    })),
    setList: ((release.set_list ?? []) as { name: string; value: string | string[] }[]).map((s) => ({
      name: s.name,
      value: Array.isArray(s.value) ? s.value.map(scalar) : ([] as string[]).concat(lookup(s.value)),
    })),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: values are untyped YAML until the schema says otherwise
type Tree = Record<string, any>;

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] =
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      typeof out[k] === 'object' &&
      !Array.isArray(out[k])
        ? deepMerge(out[k] ?? {}, v)
        : v;
  }
  return out;
}

function setPath(tree: Tree, name: string, value: Json) {
  const keys = name.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
  let node = tree;
  for (const k of keys.slice(0, -1)) {
    node[k] ??= {};
    node = node[k];
  }
  node[keys.at(-1)!] = value;
}

/** The values Helm ends up with: chart defaults, the values documents in order, then set/set_list. */
function effectiveValues(r: ResolvedRelease): Tree {
  let values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Tree;
  for (const file of r.valuesFiles) values = deepMerge(values, (parse(file) ?? {}) as Tree);
  for (const s of r.set) setPath(values, s.name, s.type === 'string' ? s.value : (parse(s.value) as Json));
  for (const s of r.setList) setPath(values, s.name, s.value);
  return values;
}

/** `helm template` with the release's values passed as the helm provider passes them. */
function helmTemplate(r: ResolvedRelease, kubeVersion: string, setFlag?: (type: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'taskboard-app-chart-'));
  try {
    const args = [
      'template',
      RELEASE_NAME,
      CHART,
      '--namespace',
      APP_NAMESPACE,
      '--kube-version',
      kubeVersion,
    ];
    r.valuesFiles.forEach((text, i) => {
      const file = join(dir, `values-${i}.yaml`);
      writeFileSync(file, text);
      args.push('--values', file);
    });
    const flag = setFlag ?? ((type: string) => (type === 'string' ? '--set-string' : '--set'));
    for (const s of r.set) args.push(flag(s.type), `${s.name}=${s.value}`);
    for (const s of r.setList) args.push('--set', `${s.name}={${s.value.join(',')}}`);
    const run = spawnSync(HELM, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const stderr = run.stderr
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.includes('found symbolic link in path'))
      .join('\n');
    return { status: run.status, stdout: run.stdout, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});
afterAll(() => {
  files.clear();
});

describe.each(['dev', 'prod'] as const)('%s: the app release and the chart agree', (env) => {
  const kubeVersion = loadConfig({})[env].cluster.kubernetesVersion;
  const resolved = () => resolveRelease(one(doc(files, env, 'app'), 'helm_release'), env);

  it('the effective values validate against helm/taskboard/values.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const values = effectiveValues(resolved());
    const ok = validate(values);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    expect(values.api.image.tag).toBe(TAG); // a string, as the schema wants
  });

  it.skipIf(!HAS_HELM)(`renders with helm template for Kubernetes ${kubeVersion}`, () => {
    const r = resolved();
    const run = helmTemplate(r, kubeVersion);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const objects = parseAllDocuments(run.stdout)
      .map((d) => d.toJS() as Tree | null)
      .filter((o): o is Tree => o !== null);
    const find = (kind: string) => objects.filter((o) => o.kind === kind);
    const s = samples(env);
    const container = (name: string) =>
      find('Deployment').find((d) => d.metadata.name === name)!.spec.template.spec.containers[0];
    expect(container('taskboard-api').image).toBe(
      `${s['data.terraform_remote_state.registry.outputs.api_repository_url']}:${TAG}`,
    );
    expect(container('taskboard-frontend').image).toBe(
      `${s['data.terraform_remote_state.registry.outputs.frontend_repository_url']}:${TAG}`,
    );
    // Secrets Manager entries reach the ExternalSecrets by ARN, through the platform's store.
    const externalSecrets = JSON.stringify(find('ExternalSecret'));
    for (const key of [
      'db_app_secret_arn',
      'redis_auth_secret_arn',
      'jwt_secret_arn',
      'db_master_secret_arn',
    ]) {
      expect(externalSecrets).toContain(s[`data.terraform_remote_state.data.outputs.${key}`] as string);
    }
    expect(externalSecrets).toContain(PLATFORM_CONTRACT.clusterSecretStore);
    expect(externalSecrets).toContain(s['data.terraform_remote_state.data.outputs.db_endpoint'] as string);
    // NetworkPolicies: the ALB from the VPC, PostgreSQL/Redis in the isolated subnets, Prometheus.
    const policies = JSON.stringify(find('NetworkPolicy'));
    expect(policies).toContain(s['data.terraform_remote_state.network.outputs.vpc_cidr'] as string);
    for (const cidr of s['data.terraform_remote_state.network.outputs.isolated_subnet_cidrs'] as string[]) {
      expect(policies).toContain(cidr);
    }
    expect(policies).toContain(PLATFORM_CONTRACT.monitoringNamespace);
    // Tracing: the API exports to the platform's collector, and its policy lets exactly that out.
    const env_ = Object.fromEntries(
      (container('taskboard-api').env as { name: string; value?: string }[]).map((e) => [e.name, e.value]),
    );
    expect(env_.TRACING_OTLP_ENDPOINT).toBe(otelCollectorTracesUrl());
    expect(env_.TRACING_SAMPLE_RATIO).toBe(String(loadConfig({})[env].app.tracingSampleRatio));
    const apiPolicy = find('NetworkPolicy').find((p) => p.metadata.name === 'taskboard-api')!;
    expect(apiPolicy.spec.egress).toContainEqual({
      to: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OTEL_COLLECTOR.namespace } } },
      ],
      ports: [{ port: OTEL_COLLECTOR.ports.otlpHttp, protocol: 'TCP' }],
    });
    // kube-prometheus-stack selects the monitoring objects by its release label.
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'Probe']) {
      expect(find(kind).length, kind).toBeGreaterThan(0);
      for (const o of find(kind))
        expect(o.metadata.labels.release).toBe(PLATFORM_CONTRACT.kubePrometheusStackRelease);
    }
    expect(
      find('ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1').length,
    ).toBeGreaterThan(0);
    // The ALB the edge stack prepared: its host, listeners, certificate and security group.
    const edge = (name: string) => s[`data.terraform_remote_state.edge.outputs.${name}`] as string;
    const ingress = find('Ingress')[0]!;
    expect(ingress.spec.rules[0].host).toBe(edge('alb_host_header'));
    const a = ingress.metadata.annotations as Record<string, string>;
    expect(a['alb.ingress.kubernetes.io/security-groups']).toBe(edge('alb_security_group_id'));
    expect(a['alb.ingress.kubernetes.io/manage-backend-security-group-rules']).toBe('true');
    expect(a['alb.ingress.kubernetes.io/wafv2-acl-arn']).toBeUndefined();
    const ports = JSON.parse(a['alb.ingress.kubernetes.io/listen-ports']!) as Record<string, number>[];
    if (env === 'prod') {
      expect(ports).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
      expect(a['alb.ingress.kubernetes.io/certificate-arn']).toBe(edge('alb_certificate_arn'));
    } else {
      expect(ports).toEqual([{ HTTP: 80 }]);
      expect(a['alb.ingress.kubernetes.io/ssl-redirect']).toBeUndefined();
      expect(a['alb.ingress.kubernetes.io/certificate-arn']).toBeUndefined();
    }
    expect(find('Probe')[0]!.spec.targets.staticConfig.static).toEqual([edge('public_url')]);
  });

  it.skipIf(!HAS_HELM)(
    'would not render if a reference were passed untyped (why each `set` is typed "string")',
    () => {
      const run = helmTemplate(resolved(), kubeVersion, () => '--set');
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('/api/image/tag');
    },
  );
});
