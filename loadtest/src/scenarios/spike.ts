import type { ScenarioDefinition } from './helpers';
import { script, taskMix } from './helpers';

/** A sudden surge and back: does latency recover once the surge passes, and are errors within budget? */
export const spike: ScenarioDefinition = {
  name: 'spike',
  description:
    '30 s at LOADTEST_RATE, 5 s jump to LOADTEST_SPIKE_FACTOR x for 30 s, then 60 s at LOADTEST_RATE.',
  build: (env) => {
    const peak = env.LOADTEST_RATE * env.LOADTEST_SPIKE_FACTOR;
    return script(
      env,
      [
        { name: 'before', duration: 30, arrivalRate: env.LOADTEST_RATE },
        { name: 'surge', duration: 5, arrivalRate: env.LOADTEST_RATE, rampTo: peak },
        { name: 'spike', duration: 30, arrivalRate: peak },
        { name: 'after', duration: 60, arrivalRate: env.LOADTEST_RATE },
      ],
      taskMix(),
    );
  },
};
