import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildApp } from '../all-stacks';
import {
  CHAOS_INJECT_ANNOTATION,
  CHART_DIR,
  chartDigest,
  PLATFORM_CONTRACT,
  READINESS_GATE_LABEL,
  RELEASE_NAME,
  repoRoot,
} from '../app';
import { type EnvName, IMAGE_TAG_PATTERN, loadConfig, STACK_ORDER } from '../config';
import { albOrigin } from '../edge';
import type { Block, Json } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { doc, one, ref, synthAll } from './helpers';

const envs: EnvName[] = ['dev', 'prod'];
let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
});

const release = (env: EnvName): Block => one(doc(files, env, 'app'), 'helm_release');
const setEntries = (r: Block) => (r.set ?? []) as { name: string; value: string; type: string }[];
const setLists = (r: Block) => (r.set_list ?? []) as { name: string; value: string | string[] }[];

describe.each(envs)('%s: app stack', (env) => {
  it('creates the namespace with the readiness-gate label and Pod Security `restricted`', () => {
    const ns = one(doc(files, env, 'app'), 'kubernetes_namespace_v1');
    const meta = ns.metadata as { name: string; labels: Record<string, string>; annotations: Json };
    expect(meta.name).toBe('taskboard');
    expect(meta.labels[READINESS_GATE_LABEL]).toBe('enabled');
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(meta.labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
      // Pinned to the cluster's minor, not "latest": the standard moves only with the cluster.
      expect(meta.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('v1.35');
    }
  });

  it(`${env === 'dev' ? 'opens' : 'closes'} the namespace to Chaos Mesh (annotation, as enableFilterNamespace reads it)`, () => {
    const meta = one(doc(files, env, 'app'), 'kubernetes_namespace_v1').metadata as Block;
    const annotations = (meta.annotations ?? {}) as Record<string, string>;
    expect(annotations[CHAOS_INJECT_ANNOTATION]).toBe(env === 'dev' ? 'enabled' : undefined);
    expect(Object.keys(meta.labels as object)).not.toContain(CHAOS_INJECT_ANNOTATION);
  });

  it('installs the local chart atomically: wait, cleanup on failure, bounded timeout and history', () => {
    const r = release(env);
    expect(r.name).toBe(RELEASE_NAME);
    expect(r.namespace).toBe(ref('kubernetes_namespace_v1.app-namespace.metadata[0].name'));
    expect(r).toMatchObject({
      atomic: true,
      wait: true,
      wait_for_jobs: true,
      cleanup_on_fail: true,
      create_namespace: false,
      lint: true,
      timeout: 900,
      max_history: 10,
    });
    // No repository and no version: the chart comes from this repository, never from a registry.
    expect(r.repository).toBeUndefined();
  });

  it('finds the chart from the directory Terraform runs in (cdktf.out/stacks/<env>-app)', () => {
    const stackDir = join(repoRoot(), 'cdktf.out', 'stacks', `${env}-app`);
    const chart = resolve(stackDir, String(release(env).chart));
    expect(chart).toBe(join(repoRoot(), CHART_DIR));
    expect(existsSync(join(chart, 'Chart.yaml'))).toBe(true);
  });

  it('passes the reviewed values file of its environment, then the stack values', () => {
    const values = release(env).values as string[];
    expect(values).toHaveLength(2);
    expect(values[0]).toBe(readFileSync(join(repoRoot(), CHART_DIR, `values-${env}.yaml`), 'utf8'));
    expect(values[1]).toContain(
      `kubePrometheusStackRelease: ${PLATFORM_CONTRACT.kubePrometheusStackRelease}`,
    );
    expect(values[1]).toContain(`clusterSecretStore: ${PLATFORM_CONTRACT.clusterSecretStore}`);
  });

  it("points the API at the platform's ADOT collector, with this environment's sampling ratio", () => {
    const values = parse((release(env).values as string[])[1]!);
    // The URL the platform stack publishes, built from its collector release's name and namespace.
    const platform = doc(files, env, 'platform');
    const collector = Object.values(platform.resource?.helm_release ?? {}).find(
      (r) => r.chart === 'opentelemetry-collector',
    )!;
    const published = (platform.output as Record<string, Block>).otel_collector_traces_url!.value;
    expect(values.api.tracing).toEqual({
      otlpEndpoint: published,
      sampleRatio: String(loadConfig({})[env].app.tracingSampleRatio),
    });
    expect(published).toBe(`http://${collector.name}.${collector.namespace}.svc:4318/v1/traces`);
    expect(values.api.tracing.sampleRatio).toBe(env === 'prod' ? '0.1' : '1');
    expect(values.networkPolicy).toMatchObject({
      tracingCollectorNamespace: collector.namespace,
      tracingCollectorPort: 4318,
    });
  });

  it('authenticates the helm and kubernetes providers with exec (aws eks get-token), no stored token', () => {
    const d = doc(files, env, 'app');
    const text = files.get(`${env}-app`)!.text;
    const providers = d.provider as Record<string, Block[]>;
    const helmK8s = providers.helm![0]!.kubernetes as Block;
    const kube = providers.kubernetes![0]!;
    for (const p of [helmK8s, kube]) {
      const exec = (Array.isArray(p.exec) ? p.exec[0] : p.exec) as Block;
      expect(exec.command).toBe('aws');
      expect(exec.args).toEqual([
        'eks',
        'get-token',
        '--cluster-name',
        ref('data.terraform_remote_state.cluster.outputs.cluster_name'),
        '--region',
        'eu-west-1',
      ]);
      expect(p.token).toBeUndefined();
    }
    expect(text).not.toContain('aws_eks_cluster_auth');
    expect(d.resource?.aws_eks_cluster).toBeUndefined();
  });

  it('puts no secret value in the JSON: Secrets Manager entries are passed by ARN only', () => {
    const text = files.get(`${env}-app`)!.text;
    for (const shape of [
      'secret_string',
      'aws_secretsmanager_secret_version',
      'secretsmanager_random_password',
      'random_password',
      'set_sensitive',
      'set_wo',
      'password',
    ]) {
      expect(text, shape).not.toContain(shape);
    }
    const secretKeys = setEntries(release(env)).filter((s) => s.name.startsWith('secrets.'));
    expect(secretKeys.map((s) => s.name).sort()).toEqual([
      'secrets.app.dbCredentialsKey',
      'secrets.app.jwtSigningKeyKey',
      'secrets.app.redisAuthTokenKey',
      'secrets.migration.masterSecretKey',
    ]);
    for (const s of secretKeys)
      expect(s.value).toMatch(/^\$\{data\.terraform_remote_state\.data\.outputs\.\w+_arn\}$/);
  });

  it('reads only outputs that the producing stacks declare', () => {
    const text = files.get(`${env}-app`)!.text;
    const reads = [...text.matchAll(/data\.terraform_remote_state\.(\w+)\.outputs\.(\w+)/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]);
    expect(reads.length).toBeGreaterThan(10);
    for (const [stack, output] of reads) {
      const producer = doc(files, env, stack!);
      expect(Object.keys(producer.output ?? {}), `${stack}.${output}`).toContain(output);
    }
  });

  it('takes the image tag from a validated Terraform variable, never from the JSON', () => {
    const d = doc(files, env, 'app');
    const variable = (d.variable as Record<string, Block>).image_tag!;
    expect(variable.default).toBeUndefined(); // required: plan fails without it
    const validation = (variable.validation as Block[])[0]!;
    expect(validation.condition).toContain(`regex("${IMAGE_TAG_PATTERN}", var.image_tag)`);
    expect(validation.condition).toContain('lower(var.image_tag) != "latest"');
    const tags = setEntries(release(env)).filter((s) => s.name.endsWith('.image.tag'));
    expect(tags.map((s) => [s.name, s.value, s.type])).toEqual([
      ['api.image.tag', ref('var.image_tag'), 'string'],
      ['frontend.image.tag', ref('var.image_tag'), 'string'],
    ]);
  });

  it('wires the ECR repositories, data endpoints, subnet CIDRs and VPC CIDR from the other stacks', () => {
    const r = release(env);
    const byName = Object.fromEntries(setEntries(r).map((s) => [s.name, s.value]));
    expect(byName['api.image.repository']).toBe(
      ref('data.terraform_remote_state.registry.outputs.api_repository_url'),
    );
    expect(byName['frontend.image.repository']).toBe(
      ref('data.terraform_remote_state.registry.outputs.frontend_repository_url'),
    );
    expect(byName['database.host']).toBe(ref('data.terraform_remote_state.data.outputs.db_endpoint'));
    expect(byName['redis.host']).toBe(ref('data.terraform_remote_state.data.outputs.redis_primary_endpoint'));
    const lists = Object.fromEntries(setLists(r).map((s) => [s.name, s.value]));
    expect(lists['database.cidrs']).toBe(
      ref('data.terraform_remote_state.network.outputs.isolated_subnet_cidrs'),
    );
    expect(lists['redis.cidrs']).toBe(
      ref('data.terraform_remote_state.network.outputs.isolated_subnet_cidrs'),
    );
    expect(lists['networkPolicy.loadBalancerCidrs']).toEqual([
      ref('data.terraform_remote_state.network.outputs.vpc_cidr'),
    ]);
  });

  it('is applied after the stacks it reads and after the one before it (platform)', () => {
    const { stacks } = buildApp(loadConfig({}), mkdtempSync(join(tmpdir(), 'taskboard-deps-')));
    const app = stacks.find((s) => s.node.id === `${env}-app`)!;
    const deps = app.dependencies.map((d) => d.node.id);
    for (const s of ['network', 'data', 'cluster', 'registry', 'edge']) expect(deps).toContain(`${env}-${s}`);
    // The apply chain: the app's predecessor among the built stacks in STACK_ORDER.
    const built = STACK_ORDER.filter((s) => stacks.some((x) => x.node.id === `${env}-${s}`));
    expect(deps).toContain(`${env}-${built[built.indexOf('app') - 1]}`);
    expect(STACK_ORDER.indexOf('app')).toBe(STACK_ORDER.indexOf('platform') + 1);
  });
});

describe.each(envs)("%s: the app's Ingress is the edge stack's ALB", (env) => {
  const byName = () => Object.fromEntries(setEntries(release(env)).map((s) => [s.name, s]));
  const edgeOutput = (name: string) => ref(`data.terraform_remote_state.edge.outputs.${name}`);

  it('takes host, certificate and security group from the edge outputs (typed string)', () => {
    const set = byName();
    expect(set['ingress.host']).toEqual({
      name: 'ingress.host',
      value: edgeOutput('alb_host_header'),
      type: 'string',
    });
    expect(set['ingress.certificateArn']).toEqual({
      name: 'ingress.certificateArn',
      value: edgeOutput('alb_certificate_arn'),
      type: 'string',
    });
    const lists = Object.fromEntries(setLists(release(env)).map((s) => [s.name, s.value]));
    expect(lists['ingress.securityGroups']).toEqual([edgeOutput('alb_security_group_id')]);
    // The prober goes through CloudFront too: the ALB refuses everyone else.
    expect(set['monitoring.probe.url']!.value).toBe(edgeOutput('public_url'));
    // The edge's WAF is CloudFront-scope: nothing to attach to the ALB.
    expect(files.get(`${env}-app`)!.text).not.toContain('waf_web_acl_arn');
    expect((release(env).values as string[])[1]).not.toContain('wafAclArn');
  });

  it(`listens ${env === 'prod' ? 'on HTTPS (a custom domain)' : 'on plain HTTP only (no domain: CloudFront speaks HTTP)'}`, () => {
    const stackValues = parse((release(env).values as string[])[1]!) as { ingress: { https: boolean } };
    expect(stackValues.ingress.https).toBe(albOrigin(loadConfig({})[env].edge).https);
    expect(stackValues.ingress.https).toBe(env === 'prod');
  });

  it('differs between dev and prod in its stack values by ingress.https and api.tracing.sampleRatio only (env-diff allows values.1)', () => {
    const other = env === 'dev' ? 'prod' : 'dev';
    type Values = { ingress: { https?: boolean }; api: { tracing: { sampleRatio?: number } } };
    const mine = parse((release(env).values as string[])[1]!) as Values;
    const theirs = parse((release(other).values as string[])[1]!) as Values;
    for (const v of [mine, theirs]) {
      delete v.ingress.https;
      delete v.api.tracing.sampleRatio;
    }
    expect(mine).toEqual(theirs);
  });

  it('follows the edge config: a domain in dev turns HTTPS on', () => {
    const configured = synthAll({
      TASKBOARD_DEV_EDGE_DOMAIN: 'dev.example.org',
      TASKBOARD_DEV_EDGE_HOSTED_ZONE: 'example.org',
      TASKBOARD_DEV_ALB_ORIGIN_DOMAIN: 'origin.dev.example.org',
      TASKBOARD_DEV_IMAGE_TAG: 'build-7f3e9',
    });
    const values = (one(doc(configured, 'dev', 'app'), 'helm_release').values as string[])[1]!;
    expect((parse(values) as { ingress: { https: boolean } }).ingress.https).toBe(true);
    expect(configured.get('dev-app')!.text).not.toContain('build-7f3e9'); // the tag is a plan-time input
  });
});

describe('chart digest in the release description', () => {
  const makeChart = () => {
    const dir = mkdtempSync(join(tmpdir(), 'taskboard-chart-'));
    const chart = join(dir, 'chart');
    cpSync(join(repoRoot(), CHART_DIR, 'templates'), join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'version: 0.1.0\n');
    cpSync(join(repoRoot(), 'dashboards', 'generated'), join(dir, 'generated'), { recursive: true });
    symlinkSync(join(dir, 'generated'), join(chart, 'files'));
    return { dir, chart };
  };

  it('changes when a template or a file behind the files/ symlink changes, not for README or tests', () => {
    const { dir, chart } = makeChart();
    try {
      const base = chartDigest(chart);
      writeFileSync(join(chart, 'README.md'), 'docs');
      mkdirSync(join(chart, 'test'));
      writeFileSync(join(chart, 'test', 'x.yaml'), 'a: 1\n');
      expect(chartDigest(chart)).toBe(base);
      writeFileSync(join(dir, 'generated', 'prometheus', 'slo-api-availability.rules.yaml'), 'groups: []\n');
      const afterRule = chartDigest(chart);
      expect(afterRule).not.toBe(base);
      writeFileSync(join(chart, 'templates', 'NOTES.txt'), 'changed');
      expect(chartDigest(chart)).not.toBe(afterRule);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is what the synthesized release carries', () => {
    const digest = chartDigest(join(repoRoot(), CHART_DIR)).slice(0, 16);
    for (const env of envs) expect(release(env).description).toContain(`content sha256:${digest}`);
  });
});

// The image_tag validation as Terraform itself evaluates it (plan of the variable block alone: no
// provider needed). Skipped where terraform is not installed.
const TERRAFORM = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
if (!TERRAFORM) console.log('app: SKIP the image_tag validation under Terraform: terraform is not on PATH');

describe.skipIf(!TERRAFORM)('image_tag variable under terraform plan', () => {
  const plan = (dir: string, tag?: string) =>
    spawnSync(
      'terraform',
      ['plan', '-input=false', '-no-color', ...(tag === undefined ? [] : ['-var', `image_tag=${tag}`])],
      {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          TF_CLI_CONFIG_FILE: join(dir, 'empty.tfrc'),
          CHECKPOINT_DISABLE: '1',
          TF_IN_AUTOMATION: '1',
        },
      },
    );

  it('accepts a build tag (also all digits), refuses latest, a bad tag and a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taskboard-tfvar-'));
    try {
      const variable = (doc(files, 'prod', 'app').variable as Record<string, Block>).image_tag!;
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ variable: { image_tag: variable } }));
      writeFileSync(join(dir, 'empty.tfrc'), '');
      expect(
        spawnSync('terraform', ['init', '-input=false', '-no-color'], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, TF_CLI_CONFIG_FILE: join(dir, 'empty.tfrc') },
        }).status,
      ).toBe(0);
      for (const good of ['a1b2c3d', '20260102', 'v1.4.2_rc-1']) expect(plan(dir, good).status, good).toBe(0);
      for (const bad of ['latest', 'LATEST', 'v1/2', '-x', '']) {
        const run = plan(dir, bad);
        expect(run.status, bad).not.toBe(0);
        expect(run.stderr.replace(/\s+/g, ' '), bad).toContain('must not be "latest"');
      }
      const missing = plan(dir);
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toContain('No value for required variable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
