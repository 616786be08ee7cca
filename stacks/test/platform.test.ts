import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXEMPLAR_TRACE_ID_LABEL, SLOS } from '@taskboard/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { alertmanagerConfig } from '../../dashboards/src/alertmanager/config';
import {
  crdValidators,
  ESO_CRD_DIR,
  ESO_CRDS_PRESENT,
  ESO_SKIP_REASON,
} from '../../helm/taskboard/test/support/validate';
import { buildApp } from '../all-stacks';
import { SERVICE_ACCOUNTS } from '../cluster';
import { defaultConfig, type EnvName, loadConfig } from '../config';
import { RELEASE_TIMEOUTS } from '../platform';
import { CHARTS, LOCAL_CHARTS } from '../platform/charts';
import { FLUENT_BIT_STATE_DIR } from '../platform/fluent-bit';
import { MAX_HISTORY } from '../platform/helm-release';
import { KPS_RELEASE } from '../platform/kube-prometheus-stack';
import {
  CLUSTER_SECRET_STORE,
  IRSA_ANNOTATION,
  OTEL_COLLECTOR,
  otelCollectorTracesUrl,
} from '../platform/names';
import type { Block, TfDocument } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, data, doc, helmBinary, one, ref, synthAll } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const envs: EnvName[] = ['dev', 'prod'];
const block = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Block;
const remote = (stack: string, output: string) =>
  ref(`data.terraform_remote_state.${stack}.outputs.${output}`);

let files: Map<string, SynthesizedFile>;
// A whole-app synth takes seconds on a loaded shared machine: a generous hook timeout.
beforeAll(() => {
  files = synthAll();
}, 180_000);

// biome-ignore lint/suspicious/noExplicitAny: parsed Helm values are free-form YAML
type Values = any;
const releases = (d: TfDocument) => all(d, 'helm_release');
const release = (d: TfDocument, name: string): Block => {
  const r = releases(d).find((x) => x.name === name);
  if (!r) throw new Error(`no helm_release ${name}`);
  return r;
};
const values = (d: TfDocument, name: string): Values => parse((release(d, name).values as string[])[0]!);

/** The `system:serviceaccount:<ns>:<name>` subject the cluster stack's role behind `output` trusts. */
function trustedSubject(cluster: TfDocument, output: string): string {
  const roleRef = String((cluster.output as Record<string, Block>)[output]?.value);
  const roleName = /aws_iam_role\.([^.]+)\.arn/.exec(roleRef)?.[1];
  const role = cluster.resource?.aws_iam_role?.[roleName ?? ''];
  const trustName = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(
    String(role?.assume_role_policy),
  )?.[1];
  const trust = cluster.data?.aws_iam_policy_document?.[trustName ?? ''];
  const sub = (block(trust?.statement).condition as Block[]).find((c) => String(c.variable).endsWith(':sub'));
  return ((sub?.values ?? []) as string[])[0]!;
}

describe.each(envs)('%s: platform releases', (env) => {
  const prod = env === 'prod';
  const cfg = defaultConfig()[env].platform;

  it('installs every add-on at the pinned chart version from its repository, in its namespace', () => {
    const d = doc(files, env, 'platform');
    const got = Object.fromEntries(
      releases(d).map((r) => [r.name, [r.chart, r.repository, r.version, r.namespace]]),
    );
    const pinned = (chart: keyof typeof CHARTS, ns: string) => [
      chart,
      CHARTS[chart].repository,
      CHARTS[chart].version,
      ns,
    ];
    expect(got).toEqual({
      'prometheus-operator-crds': pinned('prometheus-operator-crds', 'monitoring'),
      'kube-prometheus-stack': pinned('kube-prometheus-stack', 'monitoring'),
      'prometheus-blackbox-exporter': pinned('prometheus-blackbox-exporter', 'monitoring'),
      'fluent-bit': pinned('fluent-bit', 'logging'),
      'aws-load-balancer-controller': pinned('aws-load-balancer-controller', 'kube-system'),
      'metrics-server': pinned('metrics-server', 'kube-system'),
      'cluster-autoscaler': pinned('cluster-autoscaler', 'kube-system'),
      'external-secrets': pinned('external-secrets', 'external-secrets'),
      'platform-secrets': [LOCAL_CHARTS['platform-secrets'], undefined, undefined, 'external-secrets'],
      'chaos-mesh': pinned('chaos-mesh', 'chaos-mesh'),
      'otel-collector': pinned('opentelemetry-collector', 'observability'),
    });
    // Namespaces are stack resources (reviewed labels, ordered destroy), never Helm-created.
    expect(
      all(d, 'kubernetes_namespace_v1')
        .map((n) => block(n.metadata).name)
        .sort(),
    ).toEqual(['chaos-mesh', 'external-secrets', 'logging', 'monitoring', 'observability']);
    for (const r of releases(d)) expect(r.create_namespace).toBe(false);
  });

  it('rolls back failed releases, waits for readiness, sizes timeouts per chart and bounds history', () => {
    const d = doc(files, env, 'platform');
    for (const r of releases(d)) {
      expect(r).toMatchObject({ atomic: true, cleanup_on_fail: true, wait: true, max_history: MAX_HISTORY });
    }
    expect(release(d, 'kube-prometheus-stack').timeout).toBe(RELEASE_TIMEOUTS.kubePrometheusStack);
    expect(RELEASE_TIMEOUTS.kubePrometheusStack).toBeGreaterThanOrEqual(600);
    expect(release(d, 'metrics-server').timeout).toBe(RELEASE_TIMEOUTS.metricsServer);
  });

  it('orders the releases: CRDs before anything that creates monitors, the store before kube-prometheus-stack', () => {
    const d = doc(files, env, 'platform');
    const deps = (name: string) => (release(d, name).depends_on as string[]).join(' ');
    for (const name of [
      'kube-prometheus-stack',
      'fluent-bit',
      'aws-load-balancer-controller',
      'cluster-autoscaler',
      'external-secrets',
      'otel-collector',
    ]) {
      expect(deps(name)).toContain('helm_release.prometheus-operator-crds_release');
    }
    expect(deps('platform-secrets')).toContain('helm_release.external-secrets_release');
    expect(deps('platform-secrets')).toContain('aws_secretsmanager_secret_version.grafana-admin_version');
    expect(deps('kube-prometheus-stack')).toContain('helm_release.platform-secrets_release');
    expect(deps('kube-prometheus-stack')).toContain('kubernetes_storage_class_v1.gp3');
  });

  it('reaches the cluster by name with exec auth (no aws_eks_cluster_auth, no static token)', () => {
    const d = doc(files, env, 'platform');
    const text = files.get(`${env}-platform`)!.text;
    expect(text).not.toContain('aws_eks_cluster_auth');
    const helmExec = block(block(d.provider?.helm).kubernetes).exec as Block;
    const k8sExec = block(block(d.provider?.kubernetes).exec);
    for (const exec of [block(helmExec), k8sExec]) {
      expect(exec.command).toBe('aws');
      expect(exec.args).toEqual([
        'eks',
        'get-token',
        '--cluster-name',
        remote('cluster', 'cluster_name'),
        '--region',
        remote('cluster', 'aws_region'),
      ]);
    }
    expect(block(d.provider?.kubernetes).token).toBeUndefined();
    expect(d.resource?.aws_eks_cluster).toBeUndefined();
  });

  it.each([
    ['fluent-bit', 'fluent_bit_role_arn', (v: Values) => v.serviceAccount, SERVICE_ACCOUNTS.fluentBit],
    [
      'aws-load-balancer-controller',
      'lb_controller_role_arn',
      (v: Values) => v.serviceAccount,
      SERVICE_ACCOUNTS.loadBalancerController,
    ],
    [
      'cluster-autoscaler',
      'cluster_autoscaler_role_arn',
      (v: Values) => v.rbac.serviceAccount,
      SERVICE_ACCOUNTS.clusterAutoscaler,
    ],
    [
      'external-secrets',
      'external_secrets_role_arn',
      (v: Values) => v.serviceAccount,
      SERVICE_ACCOUNTS.externalSecrets,
    ],
  ] as const)(
    '%s runs as exactly the service account its IRSA role trusts',
    (name, output, serviceAccountOf, expected) => {
      const d = doc(files, env, 'platform');
      const sa = serviceAccountOf(values(d, name));
      expect(sa.annotations).toEqual({ [IRSA_ANNOTATION]: remote('cluster', output) });
      expect(sa.create).toBe(true);
      const subject = `system:serviceaccount:${release(d, name).namespace}:${sa.name}`;
      expect(subject).toBe(`system:serviceaccount:${expected.namespace}:${expected.name}`);
      // The role behind that output, in the cluster stack, trusts exactly this subject.
      expect(trustedSubject(doc(files, env, 'cluster'), output)).toBe(subject);
    },
  );

  it('lets only the Alertmanager service account publish to the alert topics (IRSA in this stack)', () => {
    const d = doc(files, env, 'platform');
    const am = values(d, 'kube-prometheus-stack').alertmanager.serviceAccount;
    const role = one(d, 'aws_iam_role', 'alertmanager');
    expect(am.annotations[IRSA_ANNOTATION]).toMatch(/^\$\{aws_iam_role\.alertmanager_role_\w+\.arn\}$/);
    const trust = data(d, 'aws_iam_policy_document').find((p) =>
      JSON.stringify(p).includes('AssumeRoleWithWebIdentity'),
    );
    const sub = (block(trust?.statement).condition as Block[]).find((c) =>
      String(c.variable).endsWith(':sub'),
    );
    expect(sub?.values).toEqual([`system:serviceaccount:monitoring:${am.name}`]);
    expect(String(sub?.variable)).toContain('data.aws_eks_cluster.k8s_cluster');
    expect(String(role.name)).toBe(`taskboard-${env}-alertmanager`);
    // The alerting stack owns the topics; its exported policy is all the role may do.
    const attached = all(d, 'aws_iam_role_policy_attachment').filter((a) =>
      String(a.role).includes('aws_iam_role.alertmanager_role'),
    );
    expect(attached.map((a) => a.policy_arn)).toEqual([remote('alerting', 'alertmanager_sns_policy_arn')]);
    expect(all(d, 'aws_sns_topic')).toEqual([]);
    expect(all(d, 'aws_cloudwatch_metric_alarm')).toEqual([]);
  });

  it('lets only the collector service account write to X-Ray, and to nothing else (IRSA in this stack)', () => {
    const d = doc(files, env, 'platform');
    const sa = values(d, 'otel-collector').serviceAccount;
    expect(sa).toEqual({
      create: true,
      name: OTEL_COLLECTOR.serviceAccount,
      annotations: {
        [IRSA_ANNOTATION]: expect.stringMatching(/^\$\{aws_iam_role\.otel-collector-xray_role_\w+\.arn\}$/),
      },
    });
    const role = Object.entries(d.resource?.aws_iam_role ?? {}).find(([id]) =>
      id.startsWith('otel-collector-xray'),
    );
    expect(role?.[1].name).toBe(`taskboard-${env}-otel-collector`);
    const policies = Object.entries(d.data?.aws_iam_policy_document ?? {});
    const trust = policies.find(([id]) => id.startsWith('otel-collector-xray_role_trust'))?.[1];
    const sub = (block(trust?.statement).condition as Block[]).find((c) =>
      String(c.variable).endsWith(':sub'),
    );
    expect(sub?.values).toEqual([
      `system:serviceaccount:${release(d, 'otel-collector').namespace}:${sa.name}`,
    ]);
    const perms = policies.find(([id]) => id.startsWith('otel-collector-xray_role_permissions'))?.[1];
    const statements = perms?.statement as Block[];
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ effect: 'Allow', resources: ['*'] });
    expect([...(statements[0]!.actions as string[])].sort()).toEqual([
      'xray:GetSamplingRules',
      'xray:GetSamplingStatisticSummaries',
      'xray:GetSamplingTargets',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const attached = all(d, 'aws_iam_role_policy_attachment').filter((a) =>
      String(a.role).includes('otel-collector-xray'),
    );
    expect(attached).toEqual([]);
  });

  it('runs the ADOT collector: OTLP in, tail sampling on one replica per trace, X-Ray out', () => {
    const d = doc(files, env, 'platform');
    const v = values(d, 'otel-collector');
    expect(v).toMatchObject({
      mode: 'deployment',
      fullnameOverride: release(d, 'otel-collector').name,
      replicaCount: cfg.otelCollectorReplicas,
      image: {
        repository: 'public.ecr.aws/aws-observability/aws-otel-collector',
        tag: expect.stringMatching(/^v\d+\.\d+\.\d+$/),
      },
      command: { name: 'awscollector' },
      serviceMonitor: { enabled: true },
      ports: { metrics: { enabled: true } },
      podDisruptionBudget: { enabled: prod },
    });
    expect(cfg.otelCollectorReplicas).toBe(prod ? 2 : 1);
    const c = v.config;
    // Keep every error, every trace slower than the latency SLO, and a baseline share.
    expect(c.processors.tail_sampling.policies).toEqual([
      { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
      {
        name: 'slower-than-slo',
        type: 'latency',
        latency: { threshold_ms: SLOS.apiLatency.thresholdSeconds * 1000 },
      },
      {
        name: 'baseline',
        type: 'probabilistic',
        probabilistic: { sampling_percentage: cfg.traceBaselinePercent },
      },
    ]);
    expect(c.exporters.awsxray).toMatchObject({
      region: remote('cluster', 'aws_region'),
      aws_log_groups: [remote('cluster', 'app_log_group')],
    });
    // App -> otlp -> loadbalancing (by trace id) -> otlp/sampling -> tail_sampling -> X-Ray.
    expect(c.service.pipelines.traces).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter'],
      exporters: ['loadbalancing'],
    });
    expect(c.service.pipelines['traces/sampling']).toEqual({
      receivers: ['otlp/sampling'],
      processors: ['memory_limiter', 'tail_sampling', 'batch'],
      exporters: ['awsxray'],
    });
    // The chart's defaults that would run unused components (or ones ADOT lacks) are removed.
    for (const key of ['logs', 'metrics']) expect(c.service.pipelines[key]).toBeNull();
    for (const key of ['jaeger', 'zipkin', 'prometheus']) expect(c.receivers[key]).toBeNull();
    // The exporter resolves the headless Service of the same pods, on the sampling receiver's port.
    const lb = c.exporters.loadbalancing;
    // Routed by trace id: the exporter's default for traces (routing_key unset on purpose).
    expect(lb.routing_key).toBeUndefined();
    const [headless] = v.extraManifests;
    expect(headless.spec.clusterIP).toBe('None');
    expect(lb.resolver.dns.hostname).toBe(
      `${headless.metadata.name}.${release(d, 'otel-collector').namespace}.svc.cluster.local`,
    );
    expect(c.receivers['otlp/sampling'].protocols.grpc.endpoint).toBe(`0.0.0.0:${lb.resolver.dns.port}`);
    expect(headless.spec.ports[0].targetPort).toBe(Number(lb.resolver.dns.port));
    expect(headless.spec.selector['app.kubernetes.io/instance']).toBe(release(d, 'otel-collector').name);
    // No Terraform-escaped `${env:...}` of the collector slips into the values (it would be interpolated).
    expect((release(d, 'otel-collector').values as string[])[0]).not.toMatch(/\$\{env:/);
    expect((d.output as Record<string, Block>).otel_collector_traces_url?.value).toBe(
      otelCollectorTracesUrl(),
    );
  });

  it('keeps every secret value out of the JSON: generated in AWS, synced by external-secrets', () => {
    const text = files.get(`${env}-platform`)!.text;
    const d = doc(files, env, 'platform');
    // The only place a generated value is referenced is the secret version in Secrets Manager.
    const randomRefs = text.match(/random_password\.[\w-]+\.random_password/g) ?? [];
    expect(randomRefs).toHaveLength(1);
    expect(String(one(d, 'aws_secretsmanager_secret_version').secret_string)).toContain('random_password');
    for (const r of releases(d)) {
      const v = JSON.stringify(r.values);
      expect(v).not.toMatch(/random_password|secret_string|adminPassword|AKIA[0-9A-Z]{16}|hooks\.slack\.com/);
      expect(r.set_sensitive ?? []).toEqual([]);
    }
    const grafana = values(d, 'kube-prometheus-stack').grafana;
    expect(grafana.admin).toEqual({
      existingSecret: 'grafana-admin',
      userKey: 'admin-user',
      passwordKey: 'admin-password',
    });
    expect(grafana.adminPassword).toBeUndefined();
  });

  it('runs kube-prometheus-stack EKS-correct, selecting every monitor, with per-env retention on gp3', () => {
    const d = doc(files, env, 'platform');
    const v = values(d, 'kube-prometheus-stack');
    expect(release(d, 'kube-prometheus-stack').name).toBe(KPS_RELEASE);
    expect(v.crds).toEqual({ enabled: false });
    for (const off of ['kubeControllerManager', 'kubeScheduler', 'kubeEtcd', 'kubeProxy']) {
      expect(v[off]).toEqual({ enabled: false });
    }
    expect(Object.values(v.defaultRules.rules)).toEqual([false, false, false, false, false]);
    const spec = v.prometheus.prometheusSpec;
    for (const kind of ['rule', 'serviceMonitor', 'podMonitor', 'probe', 'scrapeConfig']) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
    }
    expect(spec.retention).toBe(prod ? '30d' : '7d');
    expect(spec.replicas).toBe(cfg.prometheusReplicas);
    expect(spec.storageSpec.volumeClaimTemplate.spec).toEqual({
      storageClassName: 'gp3',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: `${cfg.prometheusStorageGb}Gi` } },
    });
    expect(Number.parseInt(spec.retentionSize, 10)).toBeLessThan(cfg.prometheusStorageGb);
    expect(one(d, 'kubernetes_storage_class_v1')).toMatchObject({
      storage_provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', fsType: 'ext4' },
      volume_binding_mode: 'WaitForFirstConsumer',
      reclaim_policy: prod ? 'Retain' : 'Delete',
    });
    // The app chart labels its monitors for this release name.
    const chart = parse(readFileSync(join(ROOT, 'helm/taskboard/values.yaml'), 'utf8'));
    expect(chart.monitoring.kubePrometheusStackRelease).toBe(KPS_RELEASE);
  });

  it("configures Alertmanager from dashboards' generator with this env's SNS topics and a mountable receivers Secret", () => {
    const d = doc(files, env, 'platform');
    const am = values(d, 'kube-prometheus-stack').alertmanager;
    expect(am.config).toEqual(
      alertmanagerConfig({
        awsRegion: remote('cluster', 'aws_region'),
        ticketTopicArn: remote('alerting', 'warning_topic_arn'),
        heartbeatTopicArn: remote('alerting', 'heartbeat_topic_arn'),
        slackChannel: '#taskboard-alerts',
      }),
    );
    expect(am.alertmanagerSpec.replicas).toBe(cfg.alertmanagerReplicas);
    // Optional mount: a missing Secret never keeps Alertmanager from starting.
    expect(am.alertmanagerSpec.volumes).toEqual([
      { name: 'alertmanager-receivers', secret: { secretName: 'alertmanager-receivers', optional: true } },
    ]);
    expect(am.alertmanagerSpec.volumeMounts[0].mountPath).toBe(
      '/etc/alertmanager/secrets/alertmanager-receivers',
    );
    const mounts = JSON.stringify(am.config).match(/\/etc\/alertmanager\/secrets\/[\w-]+\//g) ?? [];
    for (const f of mounts) expect(f).toBe('/etc/alertmanager/secrets/alertmanager-receivers/');
  });

  it('gives Grafana the dashboards sidecar (all namespaces), the datasource uid and no anonymous access', () => {
    const g = values(doc(files, env, 'platform'), 'kube-prometheus-stack').grafana;
    expect(g.sidecar.dashboards).toMatchObject({
      enabled: true,
      label: 'grafana_dashboard',
      labelValue: '1',
      searchNamespace: 'ALL',
      folderAnnotation: 'grafana_folder',
    });
    // The chart's datasource is replaced by ours (same uid), which can link exemplars to X-Ray.
    expect(g.sidecar.datasources).toMatchObject({ enabled: true, defaultDatasourceEnabled: false });
    expect(g.additionalDataSources.map((x: Block) => [x.uid, x.type, x.isDefault])).toEqual([
      ['prometheus', 'prometheus', true],
    ]);
    expect(g['grafana.ini']['auth.anonymous']).toEqual({ enabled: false });
    // Our dashboards pick the Prometheus datasource through their variable (type prometheus).
    const dash = JSON.parse(
      readFileSync(join(ROOT, 'dashboards/generated/grafana/taskboard-slos.json'), 'utf8'),
    );
    const ds = dash.templating.list.find((x: Block) => x.type === 'datasource');
    expect(ds.query).toBe('prometheus');
  });

  it("links the latency histogram's exemplars (trace_id) to the trace in the region's X-Ray console", () => {
    const d = doc(files, env, 'platform');
    const v = values(d, 'kube-prometheus-stack');
    expect(v.prometheus.prometheusSpec.enableFeatures).toEqual(['exemplar-storage']);
    const [ds] = v.grafana.additionalDataSources;
    // The Service the chart's default datasource would use: <release>-prometheus.<namespace>:9090.
    expect(ds.url).toBe(
      `http://${KPS_RELEASE}-prometheus.${release(d, 'kube-prometheus-stack').namespace}:9090/`,
    );
    const [link] = ds.jsonData.exemplarTraceIdDestinations;
    expect(link.name).toBe(EXEMPLAR_TRACE_ID_LABEL);
    // What Grafana finally reads: Terraform turns `$${` into `${`, Grafana's provisioning `$$` into `$`.
    const afterTerraform = String(link.url).replace(/\$\$\{/g, '${');
    const inGrafana = afterTerraform.replace(/\$\$/g, '$');
    const region = remote('cluster', 'aws_region');
    expect(inGrafana).toBe(
      `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#xray:traces/\${__value.raw}`,
    );
    // No other `${` in the link than the region reference and Grafana's escaped variable.
    expect(String(link.url).match(/(?<!\$)\$\{/g)).toHaveLength(2);
  });

  it('names the blackbox exporter so the app Probe reaches it, with the SPA and API-readiness modules', () => {
    const d = doc(files, env, 'platform');
    const r = release(d, 'prometheus-blackbox-exporter');
    const chart = parse(readFileSync(join(ROOT, 'helm/taskboard/values.yaml'), 'utf8'));
    expect(chart.monitoring.probe.proberUrl).toBe(`${r.name}.${r.namespace}.svc:9115`);
    const modules = values(d, 'prometheus-blackbox-exporter').config.modules;
    expect(Object.keys(modules)).toEqual([chart.monitoring.probe.module, 'http_api_ready']);
    expect(modules.http_api_ready.http.valid_status_codes).toEqual([200]);
  });

  it('ships container logs to CloudWatch without loss on an outage (filesystem buffer, unlimited retries)', () => {
    const d = doc(files, env, 'platform');
    const v = values(d, 'fluent-bit');
    const section = (text: string, name: string) =>
      text
        .split(/\n(?=\[)/)
        .filter((s) => s.startsWith('[') && new RegExp(`\\n\\s+Name ${name}\\n`).test(s))
        .map((s) =>
          Object.fromEntries(
            s
              .split('\n')
              .slice(1)
              .filter(Boolean)
              .map((l) => l.trim().split(/ (.*)/s).slice(0, 2)),
          ),
        );
    const [tail] = section(v.config.inputs, 'tail');
    expect(tail).toMatchObject({
      'multiline.parser': 'cri',
      Tag: 'kube.*',
      DB: `${FLUENT_BIT_STATE_DIR}/flb_kube.db`,
      'storage.type': 'filesystem',
    });
    const [k8s] = section(v.config.filters, 'kubernetes');
    expect(k8s).toMatchObject({ Merge_Log: 'On', Match: 'kube.*' });
    const outputs = section(v.config.outputs, 'cloudwatch_logs');
    expect(outputs.map((o) => [o.Match, o.log_group_name])).toEqual([
      ['app.*', remote('cluster', 'app_log_group')],
      ['kube.*', remote('cluster', 'workload_log_group')],
    ]);
    for (const o of outputs) {
      expect(o).toMatchObject({
        Retry_Limit: 'no_limits',
        auto_create_group: 'false',
        'storage.total_limit_size': cfg.fluentBitBufferLimit,
        region: remote('cluster', 'aws_region'),
      });
    }
    expect(v.config.filters).toContain(`^${cfg.appNamespace}$ app.$TAG false`);
    expect(v.config.service).toContain(`storage.path ${FLUENT_BIT_STATE_DIR}/flb-storage/`);
    // The DB and buffer live on the host, so a restarted pod resumes where it stopped.
    expect(v.daemonSetVolumes).toContainEqual({
      name: 'state',
      hostPath: { path: FLUENT_BIT_STATE_DIR, type: 'DirectoryOrCreate' },
    });
    expect(v.serviceMonitor).toEqual({ enabled: true });
    expect(v.dashboards).toEqual({ enabled: true });
  });

  it('creates the app and Fluent Bit log groups next to the workloads group, and Fluent Bit may write to those three only', () => {
    const c = doc(files, env, 'cluster');
    const groups = all(c, 'aws_cloudwatch_log_group').map((g) => g.name);
    expect(groups).toEqual(
      expect.arrayContaining([
        `/aws/eks/taskboard-${env}/workloads`,
        `/aws/eks/taskboard-${env}/app`,
        `/aws/eks/taskboard-${env}/fluent-bit`,
      ]),
    );
    const perms = data(c, 'aws_iam_policy_document').find((p) =>
      JSON.stringify(p).includes('WriteWorkloadLogs'),
    );
    // Each group and its streams (group ARN, group ARN + ":*").
    expect((block(perms?.statement).resources as string[]).length).toBe(6);
    expect(Object.keys(c.output as Block)).toEqual(
      expect.arrayContaining(['app_log_group', 'workload_log_group']),
    );
  });

  it('sets the LB controller, autoscaler, metrics-server and chaos-mesh up for EKS', () => {
    const d = doc(files, env, 'platform');
    expect(values(d, 'aws-load-balancer-controller')).toMatchObject({
      clusterName: remote('cluster', 'cluster_name'),
      region: remote('cluster', 'aws_region'),
      vpcId: remote('network', 'vpc_id'),
      replicaCount: 2,
    });
    const ca = values(d, 'cluster-autoscaler');
    expect(ca).toMatchObject({
      cloudProvider: 'aws',
      awsRegion: remote('cluster', 'aws_region'),
      autoDiscovery: { clusterName: remote('cluster', 'cluster_name') },
    });
    expect(ca.extraArgs).toMatchObject({ 'balance-similar-node-groups': true, expander: 'least-waste' });
    // The autoscaler's IAM policy resizes only groups with the tag EKS puts on managed node
    // groups and the chart's default auto-discovery looks for: k8s.io/cluster-autoscaler/<name>.
    const c = doc(files, env, 'cluster');
    expect(JSON.stringify(data(c, 'aws_iam_policy_document'))).toContain(
      `aws:ResourceTag/k8s.io/cluster-autoscaler/taskboard-${env}`,
    );
    expect(values(d, 'metrics-server').replicas).toBe(prod ? 2 : 1);
    expect(values(d, 'chaos-mesh')).toEqual({
      chaosDaemon: { runtime: 'containerd', socketPath: '/run/containerd/containerd.sock' },
      controllerManager: { enableFilterNamespace: true, replicaCount: prod ? 3 : 1 },
      dashboard: { create: false },
    });
  });
});

describe('platform stack order', () => {
  it('is applied after the cluster stack (declared, so cdktf deploy orders it)', () => {
    const { stacks } = buildApp(loadConfig({}), mkdtempSync(join(tmpdir(), 'taskboard-deps-')));
    for (const env of envs) {
      const platform = stacks.find((s) => s.node.id === `${env}-platform`)!;
      const seen = new Set<string>();
      const walk = (s: (typeof stacks)[number]) => {
        for (const dep of s.dependencies) {
          seen.add(dep.node.id);
          walk(dep as (typeof stacks)[number]);
        }
      };
      walk(platform);
      expect(seen).toContain(`${env}-cluster`);
      expect(seen).toContain(`${env}-network`);
      expect(seen).toContain(`${env}-data`);
    }
  }, 120_000);
});

describe('helm/platform-secrets renders what the app chart and external-secrets expect', () => {
  const helm = helmBinary(ROOT);
  if (!helm)
    console.log(
      'platform: SKIP rendering helm/platform-secrets: no bin/helm and no helm on PATH (run `make tools`)',
    );
  it.skipIf(!helm)(
    'renders the ClusterSecretStore the app chart names and one ExternalSecret per platform secret, valid against the external-secrets CRDs',
    () => {
      const d = doc(files, 'dev', 'platform');
      const r = release(d, 'platform-secrets');
      const dir = mkdtempSync(join(tmpdir(), 'taskboard-platform-secrets-'));
      try {
        const valuesFile = join(dir, 'values.yaml');
        writeFileSync(valuesFile, (r.values as string[])[0]!);
        const out = execFileSync(
          helm!,
          ['template', 'platform-secrets', join(ROOT, 'helm/platform-secrets'), '--values', valuesFile],
          { encoding: 'utf8' },
        );
        const objects = parseAllDocuments(out)
          .map((x) => x.toJS())
          .filter(Boolean);
        expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
          `ClusterSecretStore//${CLUSTER_SECRET_STORE}`,
          'ExternalSecret/monitoring/grafana-admin',
          'ExternalSecret/monitoring/alertmanager-receivers',
        ]);
        const chart = parse(readFileSync(join(ROOT, 'helm/taskboard/values.yaml'), 'utf8'));
        expect(chart.secrets.externalSecrets.clusterSecretStore).toBe(CLUSTER_SECRET_STORE);
        expect(objects[0].spec.provider.aws).toEqual({
          service: 'SecretsManager',
          region: remote('cluster', 'aws_region'),
        });
        const key = expect.stringContaining('aws_secretsmanager_secret.grafana-admin_secret_');
        expect(objects[1].spec.data).toEqual([
          { secretKey: 'admin-user', remoteRef: { key, property: 'username' } },
          { secretKey: 'admin-password', remoteRef: { key, property: 'password' } },
        ]);
        if (ESO_CRDS_PRESENT) {
          // The objects validate against the CRDs external-secrets 2.9.0 installs (unknown fields refused).
          const validators = crdValidators(ESO_CRD_DIR);
          for (const o of objects) {
            const validate = validators.get(`${o.apiVersion}/${o.kind}`);
            expect(validate, `${o.apiVersion}/${o.kind}`).toBeDefined();
            expect(validate?.(o) ? [] : validate?.errors).toEqual([]);
          }
        } else {
          console.info(`[skip] CRD validation of helm/platform-secrets: ${ESO_SKIP_REASON}`);
        }
        expect(objects[2].spec.dataFrom).toEqual([
          { extract: { key: ref('aws_secretsmanager_secret.alertmanager-receivers.name') } },
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
