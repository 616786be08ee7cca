// `make day3`: the monitoring and logging day. Day 2 installed kube-prometheus-stack, Fluent Bit
// and the app release (which carries our dashboards, rules, ServiceMonitor and Probe); day 3
// proves they work together on the live cluster and tells the operator how to reach Grafana.
// Every step prints what it checks, then ok/FAIL with the evidence. It changes nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { APP_NAMESPACE, PLATFORM_CONTRACT, RELEASE_NAME } from '../app';
import type { EnvConfig } from '../config';
import { clusterName } from '../network';

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
export type Exec = (command: string, args: string[]) => Run;

export interface StepResult {
  ok: boolean;
  /** Evidence, one line: counts, names, the failing item. */
  detail: string;
  /** Extra lines printed after the result (the Grafana hint). */
  notes?: string[];
}

export interface Day3Context {
  env: EnvConfig;
  exec: Exec;
  kubeconfig: string;
  /** dashboards/generated: what the app release must ship. */
  generatedDir: string;
  now: () => number;
}

export interface Day3Step {
  title: string;
  checks: string;
  run(ctx: Day3Context): StepResult;
}

/** kube-prometheus-stack's object names follow its release name (release = chart name). */
const KPS = PLATFORM_CONTRACT.kubePrometheusStackRelease;
const MON = PLATFORM_CONTRACT.monitoringNamespace;
const PROMETHEUS_PROXY = `/api/v1/namespaces/${MON}/services/http:${KPS}-prometheus:9090/proxy`;
/** Log lines younger than this count as "delivered now" (Fluent Bit flushes every few seconds). */
export const LOG_FRESHNESS_MS = 10 * 60 * 1000;

export function workloadLogGroup(env: EnvConfig): string {
  return `/aws/eks/${clusterName(env)}/workloads`;
}

// biome-ignore lint/suspicious/noExplicitAny: kubectl/Prometheus JSON, checked field by field below
type Json = any;

function json(run: Run, what: string): Json {
  if (run.status !== 0)
    throw new Error(`${what} failed: ${(run.stderr || run.stdout).trim().split('\n')[0]}`);
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`${what} did not return JSON`);
  }
}

const kubectl = (ctx: Day3Context, args: string[]) =>
  ctx.exec('kubectl', ['--kubeconfig', ctx.kubeconfig, ...args]);
const prometheus = (ctx: Day3Context, path: string) =>
  json(kubectl(ctx, ['get', '--raw', `${PROMETHEUS_PROXY}${path}`]), `Prometheus ${path.split('?')[0]}`);

/** Files of dashboards/generated/<sub> ending in `suffix`, sorted. */
export function generated(dir: string, sub: string, suffix: string): string[] {
  return readdirSync(join(dir, sub))
    .filter((f) => f.endsWith(suffix))
    .sort();
}

/** Dashboards and rule files of dashboards/generated are all in the release's objects. */
export function checkShipped(
  configMaps: Json,
  rules: Json,
  dashboards: string[],
  ruleFiles: string[],
): StepResult {
  const shippedDashboards = new Set<string>(
    (configMaps.items ?? []).flatMap((c: Json) => Object.keys(c.data ?? {})),
  );
  const shippedRules = new Set<string>((rules.items ?? []).map((r: Json) => r.metadata.name));
  const missingDashboards = dashboards.filter((d) => !shippedDashboards.has(d));
  const missingRules = ruleFiles
    .map((f) => `${RELEASE_NAME}-${f.replace(/\.rules\.yaml$/, '').replace(/^taskboard-/, '')}`)
    .filter((name) => !shippedRules.has(name));
  const missing = [...missingDashboards, ...missingRules.map((r) => `PrometheusRule/${r}`)];
  return missing.length === 0
    ? { ok: true, detail: `${dashboards.length} dashboards and ${ruleFiles.length} rule files shipped` }
    : {
        ok: false,
        detail: `missing from the release: ${missing.join(', ')} (run \`make apply ENV=… STACK=app\`)`,
      };
}

/** Our ServiceMonitor and Probe are scraped, and every one of their targets is up. */
export function checkTargets(targets: Json): StepResult {
  const active: Json[] = targets?.data?.activeTargets ?? [];
  const ours = active.filter(
    (t) =>
      String(t.scrapePool).startsWith(`serviceMonitor/${APP_NAMESPACE}/`) ||
      String(t.scrapePool).startsWith(`probe/${APP_NAMESPACE}/`),
  );
  const pools = [...new Set(ours.map((t) => String(t.scrapePool)))].sort();
  const down = ours.filter((t) => t.health !== 'up');
  if (!pools.some((p) => p.startsWith('serviceMonitor/'))) {
    return {
      ok: false,
      detail: `no serviceMonitor/${APP_NAMESPACE}/* scrape pool: Prometheus did not select the ServiceMonitor (release label "${KPS}"?)`,
    };
  }
  if (!pools.some((p) => p.startsWith('probe/'))) {
    return {
      ok: false,
      detail: `no probe/${APP_NAMESPACE}/* scrape pool: the blackbox Probe is not selected`,
    };
  }
  if (down.length > 0) {
    const d = down[0];
    return {
      ok: false,
      detail: `${down.length}/${ours.length} targets down, e.g. ${d.scrapeUrl}: ${d.lastError || d.health}`,
    };
  }
  return { ok: true, detail: `${ours.length} targets up in ${pools.join(', ')}` };
}

/** Prometheus loaded every rule group of the generated rule files. */
export function checkRules(rules: Json, expectedGroups: string[]): StepResult {
  const loaded = new Set<string>((rules?.data?.groups ?? []).map((g: Json) => g.name));
  const missing = expectedGroups.filter((g) => !loaded.has(g));
  return missing.length === 0
    ? { ok: true, detail: `${expectedGroups.length} rule groups loaded` }
    : { ok: false, detail: `rule groups not loaded by Prometheus: ${missing.join(', ')}` };
}

/** The newest event of the workload log group is recent: Fluent Bit delivers to CloudWatch now. */
export function checkLogDelivery(streams: Json, now: number, group: string): StepResult {
  const last = Number(streams?.logStreams?.[0]?.lastEventTimestamp ?? 0);
  if (!last) return { ok: false, detail: `no log events in ${group} yet` };
  const age = now - last;
  const minutes = (age / 60000).toFixed(1);
  return age <= LOG_FRESHNESS_MS
    ? { ok: true, detail: `newest event in ${group} is ${minutes} min old` }
    : {
        ok: false,
        detail: `newest event in ${group} is ${minutes} min old (> ${LOG_FRESHNESS_MS / 60000} min): is Fluent Bit retrying? see docs/runbooks/fluent-bit-output-errors.md`,
      };
}

/** The Grafana admin Secret (name and key) from the Grafana Deployment; the password is never printed. */
export function grafanaHint(deployment: Json): StepResult {
  const env: Json[] = (deployment?.spec?.template?.spec?.containers ?? []).flatMap((c: Json) => c.env ?? []);
  const ref = env.find((e) => e.name === 'GF_SECURITY_ADMIN_PASSWORD')?.valueFrom?.secretKeyRef;
  if (!ref?.name || !ref?.key) {
    return {
      ok: false,
      detail: 'GF_SECURITY_ADMIN_PASSWORD does not come from a Secret (admin password in values?)',
    };
  }
  return {
    ok: true,
    detail: `admin password in Secret ${MON}/${ref.name}, key ${ref.key}`,
    notes: [
      `kubectl -n ${MON} port-forward svc/${KPS}-grafana 3000:80   # then http://localhost:3000 (user admin)`,
      `kubectl -n ${MON} get secret ${ref.name} -o jsonpath='{.data.${ref.key.replace(/\./g, '\\.')}}' | base64 -d   # the password`,
      `dashboards: folder "Taskboard" (the app release's ConfigMaps, label grafana_dashboard=1)`,
    ],
  };
}

/** The rule group names of one generated rule file. */
export function groupsOf(dir: string, file: string): string[] {
  const doc = parse(readFileSync(join(dir, 'prometheus', file), 'utf8')) as { groups?: { name: string }[] };
  return (doc.groups ?? []).map((g) => g.name);
}

export const DAY3_STEPS: Day3Step[] = [
  {
    title: 'kubeconfig',
    checks:
      'the cluster answers with your AWS identity (aws eks update-kubeconfig into .data/kube/, ~/.kube untouched)',
    run(ctx) {
      const name = clusterName(ctx.env);
      const r = ctx.exec('aws', [
        'eks',
        'update-kubeconfig',
        '--name',
        name,
        '--region',
        ctx.env.region,
        '--kubeconfig',
        ctx.kubeconfig,
      ]);
      if (r.status !== 0)
        return { ok: false, detail: (r.stderr || r.stdout).trim().split('\n')[0] ?? 'failed' };
      const v = kubectl(ctx, ['version', '-o', 'json']);
      if (v.status !== 0)
        return { ok: false, detail: `cluster ${name} does not answer: ${v.stderr.trim().split('\n')[0]}` };
      return { ok: true, detail: `cluster ${name} answers` };
    },
  },
  {
    title: 'app rollout',
    checks: `the ${RELEASE_NAME} api and frontend Deployments in namespace ${APP_NAMESPACE} have every replica ready`,
    run(ctx) {
      const list = json(
        kubectl(ctx, ['-n', APP_NAMESPACE, 'get', 'deployments', '-o', 'json']),
        'kubectl get deployments',
      );
      const wanted = [`${RELEASE_NAME}-api`, `${RELEASE_NAME}-frontend`];
      const states = wanted.map((name) => {
        const d = (list.items ?? []).find((x: Json) => x.metadata.name === name);
        if (!d) return { name, ok: false, text: `${name} missing` };
        const want = Number(d.status?.replicas ?? d.spec?.replicas ?? 0);
        const ready = Number(d.status?.readyReplicas ?? 0);
        return { name, ok: want > 0 && ready >= want, text: `${name} ${ready}/${want}` };
      });
      return { ok: states.every((s) => s.ok), detail: states.map((s) => s.text).join(', ') };
    },
  },
  {
    title: 'dashboards and rules shipped',
    checks:
      'every dashboards/generated dashboard is a grafana_dashboard ConfigMap and every rule file a PrometheusRule of the app release',
    run(ctx) {
      const selector = `app.kubernetes.io/instance=${RELEASE_NAME}`;
      const cms = json(
        kubectl(ctx, [
          '-n',
          APP_NAMESPACE,
          'get',
          'configmaps',
          '-l',
          `grafana_dashboard=1,${selector}`,
          '-o',
          'json',
        ]),
        'kubectl get configmaps',
      );
      const rules = json(
        kubectl(ctx, ['-n', APP_NAMESPACE, 'get', 'prometheusrules', '-l', selector, '-o', 'json']),
        'kubectl get prometheusrules',
      );
      return checkShipped(
        cms,
        rules,
        generated(ctx.generatedDir, 'grafana', '.json'),
        generated(ctx.generatedDir, 'prometheus', '.rules.yaml'),
      );
    },
  },
  {
    title: 'Prometheus targets',
    checks: `Prometheus (${MON}/${KPS}-prometheus) scrapes the app's ServiceMonitor and blackbox Probe, all targets up`,
    run: (ctx) => checkTargets(prometheus(ctx, '/api/v1/targets?state=active')),
  },
  {
    title: 'alert rules loaded',
    checks:
      'Prometheus loaded every rule group (recording and alerting) of dashboards/generated/prometheus: the release label matched',
    run(ctx) {
      const expected = generated(ctx.generatedDir, 'prometheus', '.rules.yaml').flatMap((f) =>
        groupsOf(ctx.generatedDir, f),
      );
      return checkRules(prometheus(ctx, '/api/v1/rules'), expected);
    },
  },
  {
    title: 'log delivery',
    checks: `Fluent Bit delivers to CloudWatch: the workload log group's newest event is under ${LOG_FRESHNESS_MS / 60000} min old`,
    run(ctx) {
      const group = workloadLogGroup(ctx.env);
      const r = ctx.exec('aws', [
        'logs',
        'describe-log-streams',
        '--log-group-name',
        group,
        '--order-by',
        'LastEventTime',
        '--descending',
        '--max-items',
        '1',
        '--region',
        ctx.env.region,
        '--output',
        'json',
      ]);
      return checkLogDelivery(json(r, 'aws logs describe-log-streams'), ctx.now(), group);
    },
  },
  {
    title: 'Grafana login',
    checks:
      'where the Grafana admin password lives (a Secret synced from Secrets Manager) and how to reach Grafana',
    run: (ctx) =>
      grafanaHint(
        json(
          kubectl(ctx, ['-n', MON, 'get', 'deployment', `${KPS}-grafana`, '-o', 'json']),
          'kubectl get deployment',
        ),
      ),
  },
];

/** Runs every step (a failing step does not stop the others) and prints each; returns the failures. */
export function runDay3(ctx: Day3Context, log: (line: string) => void = console.log): number {
  let failures = 0;
  DAY3_STEPS.forEach((step, i) => {
    log(`day3 [${i + 1}/${DAY3_STEPS.length}] ${step.title}: checks ${step.checks}`);
    let result: StepResult;
    try {
      result = step.run(ctx);
    } catch (error) {
      result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    log(`day3 [${i + 1}/${DAY3_STEPS.length}] ${result.ok ? 'ok' : 'FAIL'}: ${result.detail}`);
    for (const note of result.notes ?? []) log(`    ${note}`);
    if (!result.ok) failures += 1;
  });
  return failures;
}
