import type { ScenarioDefinition } from './helpers';
import { script, taskMix } from './helpers';

/** The steady rate the seed asks for (100 req/s by default): the figures every change is compared with. */
export const baseline: ScenarioDefinition = {
  name: 'baseline',
  description:
    'LOADTEST_RATE req/s (default 100) of the task mix for LOADTEST_DURATION s after a 10 s warm-up.',
  build: (env) =>
    script(
      env,
      [
        {
          name: 'warm-up',
          duration: 10,
          arrivalRate: Math.max(1, Math.floor(env.LOADTEST_RATE / 10)),
          rampTo: env.LOADTEST_RATE,
        },
        { name: 'baseline', duration: env.LOADTEST_DURATION, arrivalRate: env.LOADTEST_RATE },
      ],
      taskMix(),
    ),
};
