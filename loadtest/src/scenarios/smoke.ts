import type { ScenarioDefinition } from './helpers';
import { requests, script } from './helpers';

/** A few requests of every task route: does the deployment answer within the SLO at all? */
export const smoke: ScenarioDefinition = {
  name: 'smoke',
  description:
    '2 virtual users/s for 10 s over list/create/read (the shared user): a deployment check, not a measurement.',
  build: (env) =>
    script(
      env,
      [{ name: 'smoke', duration: 10, arrivalRate: 2 }],
      [
        {
          name: 'task routes',
          flow: [
            { function: 'useSharedUser' },
            requests.listTasks(),
            requests.createTask(),
            requests.getTask(),
          ],
        },
      ],
    ),
};
