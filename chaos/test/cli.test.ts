import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../src/catalogue';
import { type CliDeps, main } from '../src/run/cli';
import type { Kube } from '../src/run/ports';
import { type ChaosRunReport, TemplateReportWriter } from '../src/run/report';
import { RecordingKube, ScriptedPrometheus, VirtualClock } from './support/fakes';
import { ROOT } from './support/repo';

const reportDir = mkdtempSync(join(tmpdir(), 'chaos-report-'));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));
// The drills' writer and the shared template in docs/, as `make chaos` uses them.
const templateWriter = new TemplateReportWriter(reportDir, join(ROOT, 'docs', 'incident-report-template.md'));

function deps(overrides: Partial<CliDeps> = {}, script: (s: number) => string[] = () => []) {
  const clock = new VirtualClock();
  const kube = new RecordingKube();
  const out: string[] = [];
  const err: string[] = [];
  const reports: ChaosRunReport[] = [];
  const written: string[] = [];
  const d: CliDeps = {
    kube,
    prometheusAt: () => new ScriptedPrometheus(clock, script),
    clock,
    tools: { kubectl: true, helm: true },
    confirm: async (_q, expected) => expected === 'dev',
    writer: {
      write: (r) => {
        reports.push(r);
        const path = templateWriter.write(r);
        written.push(path);
        return path;
      },
    },
    signal: new AbortController().signal,
    pollSeconds: 15,
    recoveryWatchSeconds: 300,
    log: (l) => out.push(l),
    error: (l) => err.push(l),
    ...overrides,
  };
  return { d, kube, out, err, reports, written };
}

/** A kube that fails the test if touched: dry runs and usage errors must not reach the cluster. */
const untouchable = new Proxy({} as Kube, {
  get: (_t, prop) => () => {
    throw new Error(`kube.${String(prop)} called`);
  },
});

describe('make chaos EXPERIMENT=… ENV=…', () => {
  it('an unknown EXPERIMENT prints every valid name and exits 2 without touching the cluster', async () => {
    const h = deps({ kube: untouchable });
    expect(await main(['api-pod-kil', 'dev'], h.d)).toBe(2);
    for (const e of EXPERIMENTS) expect(h.err.join('\n')).toContain(e.name);
    expect(h.err.join('\n')).toContain('(got "api-pod-kil")');
    expect(await main(['', 'dev'], h.d)).toBe(2);
  });

  it('an unknown ENV is refused', async () => {
    const h = deps({ kube: untouchable });
    expect(await main(['api-pod-kill', 'staging'], h.d)).toBe(2);
    expect(h.err).toEqual(['chaos: ENV must be one of dev, prod, got "staging"']);
  });

  it('DRY_RUN=1 prints the steps and the manifest and touches nothing', async () => {
    const h = deps({ kube: untouchable, tools: { kubectl: false, helm: false } });
    expect(await main(['api-db-latency', 'prod', '--dry-run'], h.d)).toBe(0);
    const text = h.out.join('\n');
    expect(text).toContain('kube context is the taskboard-prod cluster');
    expect(text).toContain('expect ALERTS{alertname="ApiHighLatency",alertstate="firing"} within 960s');
    expect(text).toContain(
      'kubectl delete NetworkChaos/taskboard-api-db-latency (also on Ctrl-C or any failure)',
    );
    expect(text).toContain('kind: NetworkChaos');
  });

  it('missing kubectl, or no kube context, or another cluster: one readable line, exit 2, nothing applied', async () => {
    const noKubectl = deps({ tools: { kubectl: false, helm: true } });
    expect(await main(['api-pod-kill', 'dev'], noKubectl.d)).toBe(2);
    expect(noKubectl.err).toEqual([
      'chaos: cannot run api-pod-kill on dev: kubectl is not on PATH (install it, then `aws eks update-kubeconfig`)',
    ]);
    const noContext = deps();
    noContext.kube.context = null;
    expect(await main(['api-pod-kill', 'dev'], noContext.d)).toBe(2);
    expect(noContext.err[0]).toMatch(/no kube context: run `aws eks update-kubeconfig --name taskboard-dev`/);
    const wrong = deps();
    wrong.kube.context = 'arn:aws:eks:eu-west-1:123456789012:cluster/taskboard-prod';
    expect(await main(['api-pod-kill', 'dev'], wrong.d)).toBe(2);
    expect(wrong.err[0]).toMatch(/not the taskboard-dev cluster/);
    for (const h of [noKubectl, noContext, wrong]) expect(h.kube.applied).toEqual([]);
  });

  it('release values without the hosts are refused, naming the key', async () => {
    const h = deps();
    h.kube.values = { database: { host: 'taskboard-dev.abc.rds.amazonaws.com' } };
    expect(await main(['api-db-latency', 'dev'], h.d)).toBe(2);
    expect(h.err[0]).toMatch(/redis\.host must be a DNS host name/);
  });

  it('without the typed confirmation nothing is applied', async () => {
    const h = deps({ confirm: async () => false });
    expect(await main(['api-pod-kill', 'dev'], h.d)).toBe(1);
    expect(h.kube.applied).toEqual([]);
    expect(h.err).toEqual(['chaos: not confirmed (needs an interactive terminal); nothing changed']);
  });

  it('a full run applies with the release hosts, closes the port-forward and writes the report from the template', async () => {
    const h = deps({}, (s) => (s >= 400 && s < 660 ? ['ApiDatabaseUnreachable'] : []));
    expect(await main(['api-dns-failure', 'dev'], h.d)).toBe(0);
    expect(h.kube.calls).toEqual([
      'context',
      'values taskboard/taskboard',
      'port-forward',
      'apply DNSChaos/taskboard-api-dns-failure',
      'remove DNSChaos/taskboard-api-dns-failure',
    ]);
    expect(h.kube.applied[0]!.spec.patterns).toEqual([
      'taskboard-dev.abc.eu-west-1.rds.amazonaws.com',
      'master.taskboard-dev.abc.euw1.cache.amazonaws.com',
    ]);
    expect(h.kube.forwardClosed).toBe(true);
    const path = h.written[0]!;
    expect(h.out.at(-1)).toBe(`chaos: report in ${path}`);
    const md = readFileSync(path, 'utf8');
    // The shared template's sections, every placeholder filled.
    for (const section of [
      '## Hypothesis',
      '## Fault injected',
      '## Key figures',
      '## Timeline',
      '## Alerts',
      '## Checks',
      '## Notes and follow-ups',
    ])
      expect(md).toContain(section);
    expect(md).not.toMatch(/\{\{/);
    expect(md).toContain('| Scenario | `api-dns-failure` |');
    expect(md).toContain('PASSED: all 5 checks held');
    expect(md).toContain('| ApiDatabaseUnreachable fires within 480 s | pass | firing at +405 s |');
    expect(md).toContain('| ApiPodCrashLooping stays silent | pass | silent |');
    expect(md).toContain('| Recovery time | 60.0 s |');
    expect(md).toContain('kind: DNSChaos');
    // The fault window ends at removal (10 min); the charts are SVG beside the report.
    expect(md).toContain('0.0 s → 600.0 s');
    for (const chart of ['traffic.svg', 'latency.svg', 'alerts.svg']) {
      expect(existsSync(join(dirname(path), chart))).toBe(true);
      expect(readFileSync(join(dirname(path), chart), 'utf8')).toMatch(/^<svg/);
    }
    // The request timeline came from Prometheus range queries in the dashboards' vocabulary.
    const prom = h.reports[0]!.traffic;
    expect(prom.length).toBeGreaterThan(10);
    expect(prom.find((p) => p.t === 420)).toEqual({
      t: 420,
      requests: 10,
      errors: 2,
      p50Ms: 120,
      p95Ms: 120,
      p99Ms: 120,
    });
  });

  it('a failed hypothesis exits 1 and the report says why', async () => {
    const h = deps({}, (s) => (s >= 30 ? ['ApiPodCrashLooping'] : []));
    expect(await main(['api-db-partition', 'dev'], h.d)).toBe(1);
    const md = readFileSync(h.written[0]!, 'utf8');
    expect(md).toMatch(/FAILED: 2 of 5 checks failed/);
    expect(md).toContain('| ApiPodCrashLooping stays silent | **FAIL** | firing at +30 s |');
    expect(md).toContain('| ApiDatabaseUnreachable fires within 360 s | **FAIL** | did not fire |');
    expect(md).toContain('- abort condition: must-not-fire alert(s) firing: ApiPodCrashLooping');
    expect(md).toContain('| Recovery time | did not recover |');
    expect(h.kube.forwardClosed).toBe(true);
  });

  it('a run stopped before applying writes a report with nothing removed and no timeline', async () => {
    const h = deps({}, () => ['ApiHighErrorRate']);
    expect(await main(['api-pod-kill', 'dev'], h.d)).toBe(1);
    expect(h.kube.applied).toEqual([]);
    expect(h.reports[0]!.traffic).toEqual([]);
    const md = readFileSync(h.written[0]!, 'utf8');
    expect(md).toContain(
      '| no watched alert firing before the start | **FAIL** | already firing before the experiment: ApiHighErrorRate |',
    );
    expect(readdirSync(dirname(h.written[0]!))).toContain('report.md');
  });
});
