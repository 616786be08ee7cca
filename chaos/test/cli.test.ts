import { describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../src/catalogue';
import { type CliDeps, main } from '../src/run/cli';
import type { Kube } from '../src/run/ports';
import { type IncidentReport, renderMarkdown } from '../src/run/report';
import { RecordingKube, ScriptedPrometheus, VirtualClock } from './support/fakes';

function deps(overrides: Partial<CliDeps> = {}, script: (s: number) => string[] = () => []) {
  const clock = new VirtualClock();
  const kube = new RecordingKube();
  const out: string[] = [];
  const err: string[] = [];
  const reports: IncidentReport[] = [];
  const d: CliDeps = {
    kube,
    prometheusAt: () => new ScriptedPrometheus(clock, script),
    clock,
    tools: { kubectl: true, helm: true },
    confirm: async (_q, expected) => expected === 'dev',
    writer: {
      write: (r) => {
        reports.push(r);
        return `artifacts/chaos/${r.environment}-${r.experiment.name}.md`;
      },
    },
    signal: new AbortController().signal,
    pollSeconds: 15,
    log: (l) => out.push(l),
    error: (l) => err.push(l),
    ...overrides,
  };
  return { d, kube, out, err, reports };
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

  it('a full run applies with the release hosts, closes the port-forward and writes the report', async () => {
    const h = deps({}, (s) => (s >= 400 ? ['ApiDatabaseUnreachable'] : []));
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
    expect(h.out.at(-1)).toBe('chaos: report in artifacts/chaos/dev-api-dns-failure.md');
    const md = renderMarkdown(h.reports[0]!);
    for (const section of [
      '## Summary',
      '## Hypothesis',
      '## Impact and blast radius',
      '## Detection: alerts',
      '## Timeline',
      '## Abort condition',
      '## Runbook',
      '## Fault injected',
      '## Follow-ups',
    ])
      expect(md).toContain(section);
    expect(md).toContain('| ApiDatabaseUnreachable | fires within 480s | firing at +405s | yes |');
    expect(md).toContain('| ApiPodCrashLooping | stays silent | silent | yes |');
    expect(md).toContain('| Verdict | **PASSED** |');
  });

  it('a failed hypothesis exits 1 and the report says why', async () => {
    const h = deps({}, (s) => (s >= 30 ? ['ApiPodCrashLooping'] : []));
    expect(await main(['api-db-partition', 'dev'], h.d)).toBe(1);
    const md = renderMarkdown(h.reports[0]!);
    expect(md).toContain('| Verdict | **ABORTED** |');
    expect(md).toContain('- abort condition: must-not-fire alert(s) firing: ApiPodCrashLooping');
    expect(md).toContain('| ApiPodCrashLooping | stays silent | firing at +30s | **no** |');
    expect(h.kube.forwardClosed).toBe(true);
  });
});
