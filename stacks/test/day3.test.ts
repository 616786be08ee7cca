// `make day3` against a scripted cluster: what each check accepts and what makes it fail. The
// real cluster's answers are only available on a cluster (docs/infrastructure.md says so).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import {
  checkLogDelivery,
  checkRules,
  checkShipped,
  checkTargets,
  type Exec,
  generated,
  grafanaHint,
  groupsOf,
  LOG_FRESHNESS_MS,
  type Run,
  runDay3,
  workloadLogGroup,
} from '../tools/day3';

const GENERATED = join(process.cwd(), 'dashboards', 'generated');
const dashboards = generated(GENERATED, 'grafana', '.json');
const ruleFiles = generated(GENERATED, 'prometheus', '.rules.yaml');
const groups = ruleFiles.flatMap((f) => groupsOf(GENERATED, f));
const NOW = Date.parse('2026-12-02T12:00:00Z');
const env = loadConfig({}).dev;

const ok = (body: unknown): Run => ({ status: 0, stdout: JSON.stringify(body), stderr: '' });

/** A healthy cluster as kubectl/aws would describe it; `over` replaces one answer. */
function cluster(over: Record<string, Run> = {}): { exec: Exec; calls: string[] } {
  const calls: string[] = [];
  const answers: Record<string, Run> = {
    'aws eks update-kubeconfig': ok({}),
    'kubectl version': ok({ serverVersion: { gitVersion: 'v1.35.1-eks' } }),
    'kubectl get deployments': ok({
      items: ['taskboard-api', 'taskboard-frontend'].map((name) => ({
        metadata: { name },
        spec: { replicas: 2 },
        status: { replicas: 2, readyReplicas: 2 },
      })),
    }),
    'kubectl get configmaps': ok({ items: dashboards.map((d) => ({ data: { [d]: '{}' } })) }),
    'kubectl get prometheusrules': ok({
      items: ruleFiles.map((f) => ({
        metadata: { name: `taskboard-${f.replace('.rules.yaml', '').replace(/^taskboard-/, '')}` },
      })),
    }),
    'kubectl targets': ok({
      data: {
        activeTargets: [
          {
            scrapePool: 'serviceMonitor/taskboard/taskboard-api/0',
            health: 'up',
            scrapeUrl: 'http://10.10.1.1:9464/metrics',
          },
          {
            scrapePool: 'serviceMonitor/taskboard/taskboard-api/0',
            health: 'up',
            scrapeUrl: 'http://10.10.1.2:9464/metrics',
          },
          { scrapePool: 'probe/taskboard/taskboard-spa', health: 'up', scrapeUrl: 'http://bb:9115/probe' },
          { scrapePool: 'serviceMonitor/monitoring/other/0', health: 'down', scrapeUrl: 'http://x' },
        ],
      },
    }),
    'kubectl rules': ok({ data: { groups: groups.map((name) => ({ name })) } }),
    'aws logs describe-log-streams': ok({ logStreams: [{ lastEventTimestamp: NOW - 30_000 }] }),
    'kubectl get deployment': ok({
      spec: {
        template: {
          spec: {
            containers: [
              {
                env: [
                  {
                    name: 'GF_SECURITY_ADMIN_PASSWORD',
                    valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } },
                  },
                ],
              },
            ],
          },
        },
      },
    }),
    ...over,
  };
  const exec: Exec = (command, args) => {
    const line = `${command} ${args.join(' ')}`;
    calls.push(line);
    const verb = args.includes('version')
      ? ['version']
      : args.slice(args.indexOf('get'), args.indexOf('get') + 2);
    const raw = args.includes('--raw') ? (args.at(-1)!.includes('/targets') ? 'targets' : 'rules') : null;
    const key =
      command === 'kubectl' ? `kubectl ${raw ?? verb.join(' ')}` : `aws ${args.slice(0, 2).join(' ')}`;
    const answer = Object.entries(answers).find(([k]) => key.startsWith(k))?.[1];
    if (!answer) throw new Error(`unscripted call: ${line} (${key})`);
    return answer;
  };
  return { exec, calls };
}

function day3(over: Record<string, Run> = {}) {
  const { exec, calls } = cluster(over);
  const lines: string[] = [];
  const failures = runDay3(
    { env, exec, kubeconfig: '/tmp/k', generatedDir: GENERATED, now: () => NOW },
    (l) => lines.push(l),
  );
  return { failures, lines, calls };
}

describe('make day3 against a scripted cluster', () => {
  it('passes on a healthy cluster, printing what each step checks and its evidence', () => {
    const { failures, lines, calls } = day3();
    expect(failures, lines.join('\n')).toBe(0);
    expect(lines.filter((l) => /^day3 \[\d\/7\] ok: /.test(l))).toHaveLength(7);
    expect(lines.join('\n')).toContain(
      `${dashboards.length} dashboards and ${ruleFiles.length} rule files shipped`,
    );
    expect(lines.join('\n')).toContain(
      '3 targets up in probe/taskboard/taskboard-spa, serviceMonitor/taskboard/taskboard-api/0',
    );
    // Reads only through its own kubeconfig; never prints the password, only where it is.
    for (const c of calls.filter((x) => x.startsWith('kubectl'))) expect(c).toContain('--kubeconfig /tmp/k');
    expect(lines.join('\n')).toContain(
      "kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-password}'",
    );
    expect(lines.join('\n')).toContain('port-forward svc/kube-prometheus-stack-grafana 3000:80');
  });

  it('keeps going after a failure and counts every failed check', () => {
    const { failures, lines } = day3({
      'kubectl targets': ok({ data: { activeTargets: [] } }),
      'aws logs describe-log-streams': {
        status: 255,
        stdout: '',
        stderr: 'ResourceNotFoundException: group\nmore',
      },
    });
    expect(failures).toBe(2);
    expect(lines).toContain(
      'day3 [4/7] FAIL: no serviceMonitor/taskboard/* scrape pool: Prometheus did not select the ServiceMonitor (release label "kube-prometheus-stack"?)',
    );
    expect(lines).toContain(
      'day3 [6/7] FAIL: aws logs describe-log-streams failed: ResourceNotFoundException: group',
    );
    expect(lines.at(-1)).toMatch(/^day3 \[7\/7\] ok|^ {4}/);
  });
});

describe('day3 checks', () => {
  it('the shipped check names each missing dashboard and rule file', () => {
    const r = checkShipped({ items: [] }, { items: [] }, dashboards, ruleFiles);
    expect(r.ok).toBe(false);
    for (const d of dashboards) expect(r.detail).toContain(d);
    expect(r.detail).toContain('PrometheusRule/taskboard-symptoms');
  });

  it('targets: a down target or a missing Probe fails', () => {
    const sm = { scrapePool: 'serviceMonitor/taskboard/taskboard-api/0', health: 'up', scrapeUrl: 'u1' };
    const probe = { scrapePool: 'probe/taskboard/taskboard-spa', health: 'up', scrapeUrl: 'u2' };
    expect(checkTargets({ data: { activeTargets: [sm, probe] } }).ok).toBe(true);
    expect(checkTargets({ data: { activeTargets: [sm] } }).detail).toMatch(/no probe\/taskboard/);
    const down = checkTargets({
      data: { activeTargets: [{ ...sm, health: 'down', lastError: 'connection refused' }, probe] },
    });
    expect(down).toEqual({ ok: false, detail: '1/2 targets down, e.g. u1: connection refused' });
  });

  it('rules: every generated group must be loaded', () => {
    expect(groups.length).toBeGreaterThanOrEqual(ruleFiles.length);
    expect(checkRules({ data: { groups: groups.map((name) => ({ name })) } }, groups).ok).toBe(true);
    const partial = checkRules({ data: { groups: groups.slice(1).map((name) => ({ name })) } }, groups);
    expect(partial).toEqual({ ok: false, detail: `rule groups not loaded by Prometheus: ${groups[0]}` });
  });

  it('log delivery: fresh events pass, stale or no events fail with the runbook', () => {
    const group = workloadLogGroup(env);
    expect(group).toBe('/aws/eks/taskboard-dev/workloads');
    expect(checkLogDelivery({ logStreams: [{ lastEventTimestamp: NOW - 1000 }] }, NOW, group).ok).toBe(true);
    const stale = checkLogDelivery(
      { logStreams: [{ lastEventTimestamp: NOW - LOG_FRESHNESS_MS - 1 }] },
      NOW,
      group,
    );
    expect(stale.ok).toBe(false);
    expect(stale.detail).toContain('docs/runbooks/fluent-bit-output-errors.md');
    expect(checkLogDelivery({ logStreams: [] }, NOW, group).ok).toBe(false);
  });

  it('Grafana: a password given as a plain value is reported, not hinted', () => {
    const plain = {
      spec: {
        template: { spec: { containers: [{ env: [{ name: 'GF_SECURITY_ADMIN_PASSWORD', value: 'x' }] }] } },
      },
    };
    expect(grafanaHint(plain).ok).toBe(false);
  });
});
