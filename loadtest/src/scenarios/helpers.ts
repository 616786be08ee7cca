/**
 * Building blocks every scenario shares: the script skeleton (plugins, thresholds, processor,
 * timeouts), the API requests by name (paths from the contracts), and the shared-user flows.
 */
import { dirname, join } from 'node:path';
import { API_PATHS, TASK_PRIORITIES } from '@taskboard/contracts';
import type { ArtilleryScript, EnsureConfig, Phase, Request, Scenario, Step } from '../artillery/script';
import type { LoadtestEnv } from '../config/env';
import { sloEnsure } from '../thresholds/slo';

/** The compiled processor (src/processor/hooks.ts): Artillery loads JavaScript, also when tests run the TS sources. */
export const PROCESSOR = join(
  dirname(require.resolve('@taskboard/loadtest/package.json')),
  'dist',
  'src',
  'processor',
  'hooks.js',
);

export interface ScenarioDefinition {
  readonly name: string;
  readonly description: string;
  readonly build: (env: LoadtestEnv) => ArtilleryScript;
}

const bearer = { authorization: 'Bearer {{ token }}' } as const;
const taskPath = API_PATHS.task.replace(':id', '{{ taskId }}');

/** Requests by endpoint; `name` is the per-endpoint table's row (an id never makes a new row). */
export const requests = {
  register: (): Step => ({
    post: {
      url: API_PATHS.register,
      name: `POST ${API_PATHS.register}`,
      json: { email: '{{ email }}', password: '{{ password }}' },
      capture: [{ json: '$.accessToken', as: 'token' }],
      expect: [{ statusCode: 201 }],
    },
  }),
  login: (): Step => ({
    post: {
      url: API_PATHS.login,
      name: `POST ${API_PATHS.login}`,
      json: { email: '{{ email }}', password: '{{ password }}' },
      capture: [{ json: '$.accessToken', as: 'token' }],
      expect: [{ statusCode: 200 }],
    },
  }),
  /** Rotates the refresh cookie the virtual user's own cookie jar holds. */
  refresh: (): Step => ({
    post: {
      url: API_PATHS.refresh,
      name: `POST ${API_PATHS.refresh}`,
      capture: [{ json: '$.accessToken', as: 'token' }],
      expect: [{ statusCode: 200 }],
    },
  }),
  listTasks: (): Step => ({ get: { url: API_PATHS.tasks, name: `GET ${API_PATHS.tasks}`, headers: bearer } }),
  createTask: (): Step => ({
    post: {
      url: API_PATHS.tasks,
      name: `POST ${API_PATHS.tasks}`,
      headers: bearer,
      json: { title: 'load test {{ $randomString() }}', priority: TASK_PRIORITIES[1] },
      capture: [{ json: '$.id', as: 'taskId' }],
    },
  }),
  getTask: (): Step => ({ get: { url: taskPath, name: `GET ${API_PATHS.task}`, headers: bearer } }),
  updateTask: (json: Record<string, unknown>): Step => ({
    patch: { url: taskPath, name: `PATCH ${API_PATHS.task}`, headers: bearer, json },
  }),
  deleteTask: (): Step => ({ delete: { url: taskPath, name: `DELETE ${API_PATHS.task}`, headers: bearer } }),
} satisfies Record<string, (...args: never[]) => Step>;

/** Expects a status on a request step (the journey checks each answer). */
export function expecting(step: Step, statusCode: number): Step {
  const [method, request] = Object.entries(step)[0] as [string, Request];
  return { [method]: { ...request, expect: [{ statusCode }] } } as unknown as Step;
}

const useSharedUser: Step = { function: 'useSharedUser' };

/** The `before` flow of rate-based scenarios: one shared user, registered before any phase. */
export const sharedUserSetup = {
  flow: [
    { function: 'prepareSharedUser' },
    {
      post: {
        url: API_PATHS.register,
        name: `POST ${API_PATHS.register} (setup)`,
        json: { email: '{{ sharedEmail }}', password: '{{ password }}' },
        capture: [
          { json: '$.accessToken', as: 'token' },
          { json: '$.expiresIn', as: 'tokenExpiresIn' },
        ],
      },
    },
    { function: 'stampToken' },
  ],
} as const satisfies { flow: readonly Step[] };

/**
 * The task-route mix rate-based scenarios send, one request per virtual user so the arrival rate
 * is the request rate: 80 % list, 10 % create, 10 % create-then-read (two requests).
 */
export function taskMix(): Scenario[] {
  return [
    { name: 'list tasks', weight: 8, flow: [useSharedUser, requests.listTasks()] },
    { name: 'create task', weight: 1, flow: [useSharedUser, requests.createTask()] },
    {
      name: 'create and read task',
      weight: 1,
      flow: [useSharedUser, requests.createTask(), requests.getTask()],
    },
  ];
}

export function script(
  env: LoadtestEnv,
  phases: readonly Phase[],
  scenarios: readonly Scenario[],
  options: { ensure?: EnsureConfig; expect?: boolean } = {},
): ArtilleryScript {
  const shared = scenarios.some((sc) =>
    sc.flow.some((step) => 'function' in step && step.function === 'useSharedUser'),
  );
  return {
    ...(shared ? { before: sharedUserSetup } : {}),
    config: {
      target: env.LOADTEST_TARGET,
      phases,
      processor: PROCESSOR,
      http: { timeout: env.LOADTEST_HTTP_TIMEOUT },
      plugins: {
        // Without this entry the ensure checks are silently skipped.
        ensure: options.ensure ?? sloEnsure(),
        'metrics-by-endpoint': { useOnlyRequestNames: true, stripQueryString: true },
        ...(options.expect ? { expect: { outputFormat: 'silent', reportFailuresAsErrors: true } } : {}),
      },
    },
    scenarios,
  };
}

/** Planned length of a script's phases, in seconds (the run's time bound adds a grace period). */
export function plannedSeconds(s: ArtilleryScript): number {
  return s.config.phases.reduce((sum, p) => sum + ('pause' in p ? p.pause : p.duration), 0);
}
