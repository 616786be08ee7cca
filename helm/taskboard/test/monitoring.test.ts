import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SPA_PROBE_NAME } from '../../../dashboards/src/slo/catalogue';
import { WORKLOAD_PREFIX } from '../../../dashboards/src/workload';
import { find, type Json, type K8sObject, NAMESPACE, one, REPO_ROOT, render } from './support/helm';
import { SHARED_DIR } from './support/validate';

const GENERATED = join(REPO_ROOT, 'dashboards', 'generated');
const ruleFiles = readdirSync(join(GENERATED, 'prometheus')).filter((f) => f.endsWith('.rules.yaml'));
const dashboardFiles = readdirSync(join(GENERATED, 'grafana')).filter((f) => f.endsWith('.json'));

let objects: K8sObject[];
beforeAll(() => {
  objects = render('prod');
});

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Proof 5: the monitoring objects. */
describe('Grafana dashboards', () => {
  it('ships every generated dashboard, unchanged, as valid JSON with a unique uid', () => {
    const maps = find(objects, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(maps.length).toBe(dashboardFiles.length);
    const uids = new Set<string>();
    for (const file of dashboardFiles) {
      const map = maps.find((m) => Object.keys(m.data).includes(file));
      expect(map, file).toBeDefined();
      const text: string = map!.data[file];
      expect(text).toBe(readFileSync(join(GENERATED, 'grafana', file), 'utf8').replace(/\n$/, ''));
      const dashboard = JSON.parse(text);
      expect(typeof dashboard.uid).toBe('string');
      uids.add(dashboard.uid);
      // A ConfigMap holds at most 1 MiB.
      expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    }
    expect(uids.size).toBe(dashboardFiles.length);
  });
});

describe('PrometheusRules', () => {
  it('hold exactly the groups of the generated rule files that promtool tests', () => {
    const rules = find(objects, 'PrometheusRule');
    expect(rules.length).toBe(ruleFiles.length);
    for (const file of ruleFiles) {
      const expected = parse(readFileSync(join(GENERATED, 'prometheus', file), 'utf8'));
      const name = `taskboard-${file.replace(/\.rules\.yaml$/, '').replace(/^taskboard-/, '')}`;
      expect(one(rules, 'PrometheusRule', name).spec, file).toEqual(expected);
    }
  });

  it('name the workloads the way the rules select them (pods and HPAs taskboard-*)', () => {
    const ruleText = ruleFiles.map((f) => readFileSync(join(GENERATED, 'prometheus', f), 'utf8')).join('\n');
    expect(ruleText).toContain(`pod=~"${WORKLOAD_PREFIX}.+"`);
    for (const d of find(objects, 'Deployment'))
      expect(d.metadata.name.startsWith(WORKLOAD_PREFIX)).toBe(true);
    const hpas = find(objects, 'HorizontalPodAutoscaler');
    expect(hpas.length).toBeGreaterThan(0);
    for (const h of hpas) expect(h.metadata.name.startsWith(WORKLOAD_PREFIX)).toBe(true);
  });
});

describe('scrape and probe targets', () => {
  it('the ServiceMonitor selects the API Service on its metrics port, every 15 s', () => {
    const sm = one(objects, 'ServiceMonitor', 'taskboard-api');
    const services = find(objects, 'Service').filter((s) =>
      matches(sm.spec.selector.matchLabels, s.metadata.labels),
    );
    expect(services.map((s) => s.metadata.name)).toEqual(['taskboard-api']);
    expect(sm.spec.namespaceSelector.matchNames).toEqual([NAMESPACE]);
    const [endpoint] = sm.spec.endpoints;
    expect(endpoint).toMatchObject({ port: 'metrics', path: '/metrics', interval: '15s' });
    const svcPort = services[0]!.spec.ports.find((p: Json) => p.name === 'metrics');
    const container = one(objects, 'Deployment', 'taskboard-api').spec.template.spec.containers[0];
    const containerPort = container.ports.find((p: Json) => p.name === svcPort.targetPort);
    expect(container.env.find((e: Json) => e.name === 'METRICS_PORT').value).toBe(
      String(containerPort.containerPort),
    );
    // The Ingress never routes /metrics.
    const paths = one(objects, 'Ingress', 'taskboard').spec.rules[0].http.paths.map((p: Json) => p.path);
    expect(paths.some((p: string) => '/metrics'.startsWith(p) && p !== '/')).toBe(false);
  });

  it('Prometheus may reach the metrics port through the NetworkPolicies', () => {
    const np = one(objects, 'NetworkPolicy', 'taskboard-api');
    const rule = np.spec.ingress.find((r: Json) => r.ports.some((p: Json) => p.port === 'metrics'));
    expect(rule.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('monitoring');
  });

  it('the Probe carries the name the SPA availability SLO selects, and targets the public URL', () => {
    const probe = one(objects, 'Probe', SPA_PROBE_NAME);
    const host = one(objects, 'Ingress', 'taskboard').spec.rules[0].host;
    expect(probe.spec.targets.staticConfig.static).toEqual([`https://${host}/`]);
    expect(probe.spec.module).toBe('http_2xx');
  });
});

const KPS_VALUES = join(SHARED_DIR, 'upstream-chart-values', 'kube-prometheus-stack-88.5.3.yaml');
const kpsPresent = existsSync(KPS_VALUES);
if (!kpsPresent)
  console.info(
    `[skip] kube-prometheus-stack 88.5.3 values not found at ${KPS_VALUES} (set TASKBOARD_SHARED_DIR); they come from prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml at that version`,
  );

describe.skipIf(!kpsPresent)('kube-prometheus-stack selects every monitoring object', () => {
  /**
   * What the operator selects, as kube-prometheus-stack 88.5.3 configures it: with
   * `*SelectorNilUsesHelmValues: true` (its default, which the platform keeps unless it says
   * otherwise) and an empty selector, the selector is `release: <kps release>`.
   */
  const KPS_RELEASE = 'kube-prometheus-stack';
  function selectorFor(spec: Json, kind: string): Record<string, string> {
    const selector = spec[`${kind}Selector`] ?? {};
    const nilUsesHelm = spec[`${kind}SelectorNilUsesHelmValues`];
    if (Object.keys(selector).length === 0) return nilUsesHelm ? { release: KPS_RELEASE } : {};
    return selector.matchLabels ?? {};
  }

  it('ServiceMonitor, PrometheusRules and Probe carry the label the selectors need', () => {
    const kps = parse(readFileSync(KPS_VALUES, 'utf8'));
    const spec = kps.prometheus.prometheusSpec;
    const cases: [string, K8sObject[]][] = [
      ['serviceMonitor', find(objects, 'ServiceMonitor')],
      ['rule', find(objects, 'PrometheusRule')],
      ['probe', find(objects, 'Probe')],
    ];
    for (const [kind, objs] of cases) {
      const selector = selectorFor(spec, kind);
      expect(Object.keys(selector).length, `${kind} selector`).toBeGreaterThan(0);
      expect(objs.length).toBeGreaterThan(0);
      for (const o of objs)
        expect(matches(selector, o.metadata.labels), `${o.kind}/${o.metadata.name}`).toBe(true);
    }
  });

  it("the dashboards carry the grafana sidecar's label", () => {
    const sidecar = parse(readFileSync(KPS_VALUES, 'utf8')).grafana.sidecar.dashboards;
    const maps = find(objects, 'ConfigMap').filter((c) => c.metadata.name.includes('dashboard'));
    expect(maps.length).toBe(dashboardFiles.length);
    for (const m of maps) expect(m.metadata.labels[sidecar.label]).toBe(String(sidecar.labelValue));
  });

  it('an empty release value drops the label (the *SelectorNilUsesHelmValues: false alternative)', () => {
    const without = render('prod', ['--set', 'monitoring.kubePrometheusStackRelease=']);
    for (const o of [
      ...find(without, 'ServiceMonitor'),
      ...find(without, 'PrometheusRule'),
      ...find(without, 'Probe'),
    ])
      expect(o.metadata.labels.release).toBeUndefined();
  });
});
