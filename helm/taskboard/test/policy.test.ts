import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVS, type Env, type K8sObject, one, render } from './support/helm';
import { CHART_RULES, evaluateChart } from './support/policy';

const renders = new Map<Env, K8sObject[]>();
beforeAll(() => {
  for (const env of ENVS) renders.set(env, render(env));
});
const prod = () => structuredClone(renders.get('prod')!);

/** Proof 2: the chart policy suite. */
describe.each(ENVS)('policy suite on the %s render', (env) => {
  it('passes every rule', () => {
    const findings = Object.fromEntries(evaluateChart(renders.get(env)!, env));
    for (const findingsOfRule of Object.values(findings)) expect(findingsOfRule).toEqual([]);
    expect(Object.keys(findings).length).toBeGreaterThanOrEqual(CHART_RULES.length - 1);
  });
});

const apiDeployment = (o: K8sObject[]) => one(o, 'Deployment', 'taskboard-api');
const frontendDeployment = (o: K8sObject[]) => one(o, 'Deployment', 'taskboard-frontend');
const apiContainer = (o: K8sObject[]) => apiDeployment(o).spec.template.spec.containers[0];

/**
 * One fixture per rule: the real prod render with one property weakened. The rule must report
 * it and every other rule must stay silent, so each rule is shown to bite on its own.
 */
const BROKEN: Record<string, (o: K8sObject[]) => K8sObject[]> = {
  'pod-security-restricted': (o) => {
    apiDeployment(o).spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation = true;
    return o;
  },
  'no-host-access': (o) => {
    frontendDeployment(o).spec.template.spec.hostNetwork = true;
    return o;
  },
  probes: (o) => {
    delete frontendDeployment(o).spec.template.spec.containers[0].readinessProbe;
    return o;
  },
  resources: (o) => {
    delete one(o, 'Pod', 'taskboard-test-ready').spec.containers[0].resources.limits;
    return o;
  },
  'image-pinned': (o) => {
    apiContainer(o).image = 'taskboard-api:latest';
    return o;
  },
  'zero-downtime-rollout': (o) => {
    apiDeployment(o).spec.strategy.rollingUpdate.maxUnavailable = 1;
    return o;
  },
  'graceful-shutdown': (o) => {
    apiContainer(o).lifecycle.preStop.sleep.seconds = 15; // the field data's losing value
    return o;
  },
  'stable-selectors': (o) => {
    one(o, 'Service', 'taskboard-frontend').spec.selector['app.kubernetes.io/version'] = '0.1.0';
    return o;
  },
  'prod-resilience': (o) => o.filter((x) => x.kind !== 'PodDisruptionBudget'),
  'hpa-owns-replicas': (o) => {
    apiDeployment(o).spec.replicas = 3;
    return o;
  },
  'pdb-allows-eviction': (o) => {
    one(o, 'PodDisruptionBudget', 'taskboard-api').spec.maxUnavailable = 0;
    return o;
  },
};

describe('each rule fails on its own broken fixture', () => {
  it('has a fixture for every rule', () => {
    expect(Object.keys(BROKEN).sort()).toEqual(CHART_RULES.map((r) => r.id).sort());
  });

  it.each(CHART_RULES.map((r) => r.id))('%s', (id) => {
    const findings = evaluateChart(BROKEN[id]!(prod()), 'prod');
    expect(findings.get(id)!.length, `${id} did not report its fixture`).toBeGreaterThan(0);
    for (const [other, f] of findings)
      if (other !== id) expect(f, `${other} fired on ${id}'s fixture`).toEqual([]);
  });

  it('graceful-shutdown also catches a grace period that SIGKILLs mid-drain and a delay past the timeout', () => {
    const shortGrace = prod();
    apiDeployment(shortGrace).spec.template.spec.terminationGracePeriodSeconds = 55; // = 30 + 25, not >
    expect(evaluateChart(shortGrace, 'prod').get('graceful-shutdown')).toEqual([
      'Deployment/taskboard-api container api: grace 55 s is not > preStop 30 s + shutdown timeout 25000 ms',
    ]);
    const longDelay = prod();
    const env = apiContainer(longDelay).env;
    env.find((e: { name: string }) => e.name === 'SHUTDOWN_DELAY_MS').value = '30000';
    expect(evaluateChart(longDelay, 'prod').get('graceful-shutdown')!.join()).toContain(
      'SHUTDOWN_DELAY_MS 30000',
    );
  });
});

/**
 * The graceful-shutdown rule judges the values as rendered: for any mix of deregistration delay,
 * pause, grace period, shutdown delay and timeout set through values, its verdict on the API is
 * exactly the arithmetic of the README (pause >= delay, grace > pause + timeout, delay < timeout).
 */
describe('graceful-shutdown arithmetic over random values (property)', () => {
  it('agrees with the README arithmetic for every rendered combination', () => {
    fc.assert(
      fc.property(
        fc.record({
          dereg: fc.integer({ min: 0, max: 120 }),
          pause: fc.integer({ min: 1, max: 120 }),
          grace: fc.integer({ min: 1, max: 240 }),
          timeoutS: fc.integer({ min: 1, max: 120 }),
          delayS: fc.integer({ min: 0, max: 120 }),
        }),
        ({ dereg, pause, grace, timeoutS, delayS }) => {
          const objects = render('prod', [
            '--set',
            [
              `ingress.deregistrationDelaySeconds=${dereg}`,
              `api.preStopSleepSeconds=${pause}`,
              `api.terminationGracePeriodSeconds=${grace}`,
            ].join(','),
            '--set-string',
            `api.env.SHUTDOWN_TIMEOUT_MS=${timeoutS * 1000},api.env.SHUTDOWN_DELAY_MS=${delayS * 1000}`,
          ]);
          const apiFindings = evaluateChart(objects, 'prod')
            .get('graceful-shutdown')!
            .filter((f) => f.includes('taskboard-api'));
          const expectedOk = pause >= dereg && grace > pause + timeoutS && delayS < timeoutS;
          expect(apiFindings.length === 0).toBe(expectedOk);
        },
      ),
      // Each case is a real helm render (~0.3 s): a handful covers the boundaries fast-check favours.
      { numRuns: 12 },
    );
  });
});
