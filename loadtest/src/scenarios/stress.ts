import type { Phase } from '../artillery/script';
import type { LoadtestEnv } from '../config/env';
import { sloEnsure } from '../thresholds/slo';
import type { ScenarioDefinition } from './helpers';
import { script, taskMix } from './helpers';

/** The constant-rate steps stress climbs, from LOADTEST_RATE to LOADTEST_STRESS_MAX_RATE. */
export function stressSteps(env: LoadtestEnv): { rate: number; seconds: number }[] {
  const n = env.LOADTEST_STRESS_STEPS;
  const from = env.LOADTEST_RATE;
  const to = env.LOADTEST_STRESS_MAX_RATE;
  return Array.from({ length: n }, (_, i) => ({
    rate: n === 1 ? to : Math.round(from + ((to - from) * i) / (n - 1)),
    seconds: env.LOADTEST_STRESS_STEP_SECONDS,
  }));
}

/**
 * Climbs in steps until the SLO breaks; the report names the knee (the last step that held).
 * Breaking is the point, so its checks are reported but optional: they do not fail the run.
 */
export const stress: ScenarioDefinition = {
  name: 'stress',
  description:
    'Steps of LOADTEST_STRESS_STEP_SECONDS s from LOADTEST_RATE to LOADTEST_STRESS_MAX_RATE req/s; reports the knee.',
  build: (env) => {
    const phases: Phase[] = stressSteps(env).map((s, i) => ({
      name: `step ${i + 1}: ${s.rate} req/s`,
      duration: s.seconds,
      arrivalRate: s.rate,
    }));
    const slo = sloEnsure();
    return script(env, phases, taskMix(), {
      ensure: {
        conditions: [
          ...(slo.thresholds ?? []).flatMap((t) =>
            Object.entries(t).map(([metric, max]) => ({ expression: `${metric} < ${max}`, strict: false })),
          ),
          ...(slo.conditions ?? []).map((c) => ({ ...c, strict: false })),
        ],
      },
    });
  },
};
