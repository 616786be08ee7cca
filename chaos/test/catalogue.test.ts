import { describe, expect, it } from 'vitest';
import { FIS_EXPERIMENTS } from '../../stacks/resilience';
import { EXPERIMENTS } from '../src/catalogue';
import type { Experiment, SingleExperiment } from '../src/experiments/types';
import { alertProblems, loadAlertRules, runbookProblems, shapeProblems } from './support/checks';
import { ROOT, repoFileExists } from './support/repo';

const rules = loadAlertRules(ROOT);
const single = (name: string) => EXPERIMENTS.find((e) => e.name === name) as SingleExperiment;
// Functions do not survive structuredClone; spreading keeps them and lets one field be replaced.
const withFields = (e: Experiment, fields: Partial<SingleExperiment>): Experiment =>
  ({ ...e, ...fields }) as Experiment;

describe('chaos catalogue', () => {
  it('covers every seed scenario', () => {
    const kinds = new Set(
      EXPERIMENTS.filter((e) => e.type === 'single').map((e) => {
        const f = e.fault({ databaseHost: 'db.example.internal', redisHost: 'cache.example.internal' });
        return `${f.kind}/${f.spec.action ?? Object.keys(f.spec.stressors).join('+')}`;
      }),
    );
    expect([...kinds].sort()).toEqual(
      [
        'DNSChaos/error',
        'NetworkChaos/delay',
        'NetworkChaos/loss',
        'NetworkChaos/partition',
        'PodChaos/container-kill',
        'PodChaos/pod-kill',
        'StressChaos/cpu',
        'StressChaos/memory',
      ].sort(),
    );
    expect(EXPERIMENTS.some((e) => e.type === 'workflow')).toBe(true);
  });

  it('every entry is complete and uniquely named', () => {
    expect(shapeProblems(EXPERIMENTS)).toEqual([]);
    expect(shapeProblems([...EXPERIMENTS, EXPERIMENTS[0]!])).toEqual([
      `${EXPERIMENTS[0]!.name}: duplicate name`,
    ]);
    expect(
      shapeProblems([withFields(single('api-pod-kill'), { hypothesis: 'tbd', mustNotFire: [] })]),
    ).toEqual([
      'api-pod-kill: hypothesis says nothing',
      'api-pod-kill: an absorbed fault must name the alerts that stay silent',
    ]);
  });

  it('every named alert exists in the generated rules and can fire within its deadline', () => {
    expect(rules.size).toBeGreaterThan(5);
    expect(alertProblems(EXPERIMENTS, rules)).toEqual([]);
  });

  it('fails on an alert that is not in the rules, a deadline shorter than `for`, or one after the fault', () => {
    const latency = single('api-db-latency');
    expect(alertProblems([withFields(latency, { mustNotFire: ['ApiHighErrorRat'] })], rules)).toEqual([
      'api-db-latency: alert ApiHighErrorRat is not in dashboards/generated/prometheus',
    ]);
    const tooSoon = withFields(latency, {
      outcome: { kind: 'alerts', mustFire: [{ alert: 'ApiHighLatency', withinSeconds: 300 }] },
    });
    expect(alertProblems([tooSoon], rules)).toEqual([
      'api-db-latency: ApiHighLatency cannot fire within 300s (for + margin = 660s)',
    ]);
    const afterFault = withFields(latency, { durationSeconds: 600 });
    expect(alertProblems([afterFault], rules)).toEqual([
      'api-db-latency: ApiHighLatency deadline 960s is after the fault ends (600s)',
    ]);
    const contradiction = withFields(latency, { mustNotFire: ['ApiHighLatency'] });
    expect(alertProblems([contradiction], rules)).toEqual([
      'api-db-latency: ApiHighLatency must both fire and not fire',
    ]);
  });

  it('every runbook exists and is the one its alert links to', () => {
    expect(runbookProblems(EXPERIMENTS, rules, repoFileExists)).toEqual([]);
    const missing = withFields(single('api-pod-kill'), { runbook: 'docs/runbooks/no-such-page.md' });
    expect(runbookProblems([missing], rules, repoFileExists)).toEqual([
      'api-pod-kill: runbook docs/runbooks/no-such-page.md does not exist',
    ]);
    const wrong = withFields(single('api-memory-oom'), { runbook: 'docs/runbooks/api-high-latency.md' });
    expect(runbookProblems([wrong], rules, repoFileExists)).toEqual([
      "api-memory-oom: runbook docs/runbooks/api-high-latency.md is none of its alerts' runbooks (docs/runbooks/api-pod-oom-killed.md)",
    ]);
  });

  it('derives the Workflow deadlines from its steps', () => {
    const wf = EXPERIMENTS.find((e) => e.type === 'workflow');
    if (wf?.type !== 'workflow') throw new Error('no workflow');
    expect(wf.durationSeconds).toBe(wf.steps.reduce((s, step) => s + step.durationSeconds, 0));
    // The partition starts after pod-kill (5m), latency (20m) and its recovery (15m).
    expect(wf.outcome.kind === 'alerts' && wf.outcome.mustFire).toContainEqual({
      alert: 'ApiDatabaseUnreachable',
      withinSeconds: (5 + 20 + 15 + 6) * 60,
    });
  });
});

describe('AWS FIS catalogue entries (stacks/resilience.ts)', () => {
  it.each(Object.entries(FIS_EXPERIMENTS))('%s names real alerts and an existing runbook', (_name, e) => {
    expect(e.mustNotFire.filter((a) => !rules.has(a))).toEqual([]);
    expect(repoFileExists(e.runbook)).toBe(true);
    expect(e.recoveryWait).toMatch(/^PT\d+M$/);
  });
});
