import type { ScenarioDefinition } from './helpers';
import { script, taskMix } from './helpers';

/** Hours at a moderate rate: leaks, pool exhaustion and token expiry show up over time, not in a burst. */
export const soak: ScenarioDefinition = {
  name: 'soak',
  description:
    'LOADTEST_SOAK_SECONDS s (default 30 min) at half LOADTEST_RATE; the shared user logs in again before its token expires.',
  build: (env) =>
    script(
      env,
      [
        {
          name: 'soak',
          duration: env.LOADTEST_SOAK_SECONDS,
          arrivalRate: Math.max(1, Math.floor(env.LOADTEST_RATE / 2)),
        },
      ],
      taskMix(),
    ),
};
