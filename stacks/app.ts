import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Release, type ReleaseSet, type ReleaseSetListStruct } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { parse, stringify } from 'yaml';
import { type EnvConfig, IMAGE_TAG_PATTERN } from './config';
import { ClusterProviders } from './constructs/cluster-providers';
import { TaskboardStack } from './constructs/taskboard-stack';
import { albOrigin } from './edge';
// Names only (no constructs): the collector's Service URL, built from the release's constants.
import { OTEL_COLLECTOR, otelCollectorTracesUrl } from './platform/names';

/** The chart in the repository, and where Terraform finds it from `cdktf.out/stacks/<env>-app/`. */
export const CHART_DIR = 'helm/taskboard';
export const CHART_PATH_FROM_STACK_DIR = `../../../${CHART_DIR}`;

/** The alert rules select pods and HPAs named `taskboard-*`: the release name is fixed (chart README). */
export const RELEASE_NAME = 'taskboard';
export const APP_NAMESPACE = 'taskboard';

/**
 * Names the platform stack gives its add-ons, which the chart must match: kube-prometheus-stack
 * selects our ServiceMonitor, rules and Probe by `release: <its release name>`, Prometheus runs
 * in MONITORING_NAMESPACE (the NetworkPolicy admits scrapes from there), and external-secrets
 * serves the ClusterSecretStore our ExternalSecrets name. The app stack loads no platform
 * constructs: these are the contract, written once here (the collector's URL comes from the
 * construct-free stacks/platform/names.ts, as the platform stack's release does).
 */
export const PLATFORM_CONTRACT = {
  kubePrometheusStackRelease: 'kube-prometheus-stack',
  monitoringNamespace: 'monitoring',
  clusterSecretStore: 'aws-secrets-manager',
} as const;

/** Chaos Mesh (enableFilterNamespace) only injects into namespaces annotated with this. */
export const CHAOS_INJECT_ANNOTATION = 'chaos-mesh.org/inject';
/** The AWS Load Balancer Controller adds a readiness gate to pods in namespaces labelled so. */
export const READINESS_GATE_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/** Labels and annotations of the app namespace (exported for the tests and the policy suite). */
export function namespaceMetadata(env: EnvConfig): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  // Pod Security Admission at `restricted`, pinned to the cluster's minor so a cluster upgrade
  // changes the standard only together with kubernetesVersion (every pod of the chart complies).
  const psaVersion = `v${env.cluster.kubernetesVersion}`;
  return {
    labels: {
      'app.kubernetes.io/part-of': env.project,
      // A rollout waits until the ALB reports each new pod healthy: never removes the last target.
      [READINESS_GATE_LABEL]: 'enabled',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': psaVersion,
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': psaVersion,
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': psaVersion,
    },
    annotations: env.app.chaosInjection ? { [CHAOS_INJECT_ANNOTATION]: 'enabled' } : {},
  };
}

/** The repository root: the nearest directory above the working directory holding the chart. */
export function repoRoot(start = process.cwd()): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, CHART_DIR, 'Chart.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no ${CHART_DIR}/Chart.yaml above ${start}: run synth from the repository`);
    dir = parent;
  }
}

/**
 * sha256 over everything Helm renders from (Chart.yaml, values, schema, templates, files/ through
 * its symlink to dashboards/generated). The helm provider does not notice changed files of a local
 * chart (hashicorp/terraform-provider-helm#515); carrying the digest in the release description
 * makes a changed template, rule or dashboard a planned upgrade of the release.
 */
export function chartDigest(chartDir: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(chartDir, path);
      if (rel === 'test' || rel === 'README.md' || rel === '.helmignore') continue;
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${rel}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(chartDir);
  return hash.digest('hex');
}

/** The part of the chart's values the stack sets; leaves may be Terraform references (tokens). */
export interface StackChartValues {
  api: {
    image: { repository: string; tag: string };
    tracing: { otlpEndpoint: string; sampleRatio: string };
  };
  frontend: { image: { repository: string; tag: string } };
  database: { host: string; port: number; name: string; cidrs: string[] };
  redis: { host: string; port: number; cidrs: string[] };
  secrets: {
    externalSecrets: { clusterSecretStore: string };
    app: { dbCredentialsKey: string; redisAuthTokenKey: string; jwtSigningKeyKey: string };
    migration: { masterSecretKey: string };
  };
  networkPolicy: {
    loadBalancerCidrs: string[];
    prometheusNamespace: string;
    tracingCollectorNamespace: string;
    tracingCollectorPort: number;
  };
  monitoring: { kubePrometheusStackRelease: string; probe: { url: string } };
  ingress: { host: string; https: boolean; certificateArn: string; securityGroups: string[] };
}

type Leaf = string | number | boolean | string[];
interface ValuesTree {
  [key: string]: Leaf | ValuesTree | undefined;
}

export interface SplitValues {
  /** Everything known at synth time, as one YAML document. */
  yaml: string;
  /** Values that are Terraform references, by their dotted chart key. */
  set: ReleaseSet[];
  setList: ReleaseSetListStruct[];
}

/** Helm's --set path syntax: a dot inside a key is escaped. */
const setKey = (path: string[]) => path.map((k) => k.replace(/\./g, '\\.')).join('.');

/**
 * Splits typed values into a YAML document (known at synth) and `set`/`set_list` entries for the
 * leaves Terraform fills in at plan time (remote-state outputs, variables): a reference cannot sit
 * inside a YAML string as a list, and each entry shows in the JSON which output feeds which key.
 * String references are typed "string" so a tag like 20260102 or a host stays a string.
 */
export function splitValues(values: StackChartValues): SplitValues {
  const known: ValuesTree = {};
  const set: ReleaseSet[] = [];
  const setList: ReleaseSetListStruct[] = [];
  const walk = (node: ValuesTree, out: ValuesTree, path: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      if (value === undefined) continue;
      const here = [...path, key];
      if (Array.isArray(value)) {
        if (Token.isUnresolved(value) || value.some((v) => Token.isUnresolved(v))) {
          setList.push({ name: setKey(here), value });
        } else {
          out[key] = value;
        }
      } else if (typeof value === 'object') {
        const child: ValuesTree = {};
        walk(value, child, here);
        if (Object.keys(child).length > 0) out[key] = child;
      } else if (Token.isUnresolved(value)) {
        set.push({
          name: setKey(here),
          value: Token.asString(value),
          type: typeof value === 'number' ? 'auto' : 'string',
        });
      } else {
        out[key] = value;
      }
    }
  };
  walk(values as unknown as ValuesTree, known, []);
  return { yaml: stringify(known, { lineWidth: 0 }), set, setList };
}

/**
 * The app: its namespace and the helm/taskboard release, with values from the other stacks'
 * outputs. Applied after `platform` (operators, CRDs, the ClusterSecretStore), `registry` and
 * `edge` (the ALB's host, certificate and security group).
 * `atomic` + `wait`: a rollout that does not become ready within the timeout is rolled back by
 * Helm and the apply fails, so Terraform state stays the single source of truth.
 */
export class AppStack extends TaskboardStack {
  readonly release: Release;
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'app');
    const network = this.remoteState('network');
    const data = this.remoteState('data');
    const cluster = this.remoteState('cluster');
    const registry = this.remoteState('registry');
    const edge = this.remoteState('edge');
    new ClusterProviders(this, 'k8s', { clusterName: cluster.getString('cluster_name'), region: env.region });

    const imageTag = new TerraformVariable(this, 'image_tag', {
      type: 'string',
      nullable: false,
      description:
        'Tag of the api and frontend images (TASKBOARD_<ENV>_IMAGE_TAG; make day2 passes it as TF_VAR_image_tag)',
      validation: [
        {
          condition: `\${can(regex("${IMAGE_TAG_PATTERN}", var.image_tag)) && lower(var.image_tag) != "latest"}`,
          errorMessage: `image_tag must match ${IMAGE_TAG_PATTERN} and must not be "latest" (a rollback needs a fixed image).`,
        },
      ],
    });
    imageTag.overrideLogicalId('image_tag');

    const meta = namespaceMetadata(env);
    this.namespace = new NamespaceV1(this, 'app-namespace', {
      metadata: { name: APP_NAMESPACE, labels: meta.labels, annotations: meta.annotations },
    });

    const subnetCidrs = network.getList('isolated_subnet_cidrs');
    const values: StackChartValues = {
      api: {
        image: { repository: registry.getString('api_repository_url'), tag: imageTag.stringValue },
        // Spans go to the platform's ADOT collector; the chart's schema wants the ratio as a string.
        tracing: { otlpEndpoint: otelCollectorTracesUrl(), sampleRatio: String(env.app.tracingSampleRatio) },
      },
      frontend: {
        image: { repository: registry.getString('frontend_repository_url'), tag: imageTag.stringValue },
      },
      database: {
        host: data.getString('db_endpoint'),
        port: data.getNumber('db_port'),
        name: data.getString('db_name'),
        cidrs: subnetCidrs,
      },
      redis: {
        host: data.getString('redis_primary_endpoint'),
        port: data.getNumber('redis_port'),
        cidrs: subnetCidrs,
      },
      secrets: {
        externalSecrets: { clusterSecretStore: PLATFORM_CONTRACT.clusterSecretStore },
        app: {
          dbCredentialsKey: data.getString('db_app_secret_arn'),
          redisAuthTokenKey: data.getString('redis_auth_secret_arn'),
          jwtSigningKeyKey: data.getString('jwt_secret_arn'),
        },
        migration: { masterSecretKey: data.getString('db_master_secret_arn') },
      },
      // target-type ip: ALB health checks and traffic come from the VPC's addresses.
      networkPolicy: {
        loadBalancerCidrs: [network.getString('vpc_cidr')],
        prometheusNamespace: PLATFORM_CONTRACT.monitoringNamespace,
        tracingCollectorNamespace: OTEL_COLLECTOR.namespace,
        tracingCollectorPort: OTEL_COLLECTOR.ports.otlpHttp,
      },
      monitoring: {
        kubePrometheusStackRelease: PLATFORM_CONTRACT.kubePrometheusStackRelease,
        // The ALB admits only CloudFront: the prober fetches the SPA the way users do.
        probe: { url: edge.getString('public_url') },
      },
      // The ALB as the edge stack built it. No WAF annotation: its web ACL is on CloudFront.
      ingress: {
        host: edge.getString('alb_host_header'),
        // Known at synth from the same config the edge used, so the listener layout is reviewable
        // in the values document; the certificate output is empty exactly when this is false.
        https: albOrigin(env.edge).https,
        certificateArn: edge.getString('alb_certificate_arn'),
        securityGroups: [edge.getString('alb_security_group_id')],
      },
    };
    const split = splitValues(values);

    const root = repoRoot();
    const chartDir = join(root, CHART_DIR);
    const chartVersion = String(
      (parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { version: string }).version,
    );
    this.release = new Release(this, 'release', {
      name: RELEASE_NAME,
      namespace: this.namespace.metadata.name,
      chart: CHART_PATH_FROM_STACK_DIR,
      description: `taskboard chart ${chartVersion}, content sha256:${chartDigest(chartDir).slice(0, 16)}`,
      atomic: true,
      wait: true,
      waitForJobs: true,
      cleanupOnFail: true,
      timeout: env.app.releaseTimeoutSeconds,
      maxHistory: env.app.releaseMaxHistory,
      lint: true,
      createNamespace: false,
      // The environment's reviewed values file, then what the stacks know, then the references.
      values: [readFileSync(join(chartDir, `values-${env.name}.yaml`), 'utf8'), split.yaml],
      set: split.set,
      setList: split.setList,
    });

    this.output('namespace', this.namespace.metadata.name, 'Namespace of the app release');
    this.output(
      'release_name',
      this.release.name,
      'Helm release of the app (helm -n taskboard history taskboard)',
    );
    this.output('release_version', this.release.version, 'Chart version the release runs');
  }
}
