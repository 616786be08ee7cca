import type { ScenarioDefinition } from './helpers';
import { expecting, requests, script } from './helpers';

/**
 * A user's whole session, each virtual user with its own account, access token and refresh cookie
 * (Artillery keeps a cookie jar per virtual user). Every answer's status is checked; a wrong one
 * fails the virtual user and counts as an error. Each user registers and logs in, so the API's
 * AUTH_RATE_LIMIT must allow 2 x LOADTEST_JOURNEY_RATE per second from the load generator.
 */
export const journey: ScenarioDefinition = {
  name: 'journey',
  description:
    'LOADTEST_JOURNEY_RATE new users/s for LOADTEST_DURATION s: register, login, refresh, create, update, list, complete, delete.',
  build: (env) =>
    script(
      env,
      [{ name: 'journey', duration: env.LOADTEST_DURATION, arrivalRate: env.LOADTEST_JOURNEY_RATE }],
      [
        {
          name: 'user journey',
          beforeScenario: ['setCredentials'],
          flow: [
            requests.register(),
            requests.login(),
            requests.refresh(),
            expecting(requests.createTask(), 201),
            expecting(requests.updateTask({ title: 'renamed by the journey', status: 'IN_PROGRESS' }), 200),
            expecting(requests.listTasks(), 200),
            expecting(requests.updateTask({ status: 'DONE' }), 200),
            expecting(requests.deleteTask(), 204),
            expecting(requests.getTask(), 404),
          ],
        },
      ],
      { expect: true },
    ),
};
