import { randomBytes } from 'node:crypto';
import {
  API_PATHS,
  type AuthResponse,
  type PublicUser,
  REFRESH_COOKIE,
  SPA_ASSETS_DIR,
  type Task,
  type TaskPage,
} from '@taskboard/contracts';
import type { SmokeHttp, SmokeResponse } from './http-client';

/**
 * The smoke journey: what a user does on a fresh deploy, through the public URL. Every step
 * checks what it got and throws a StepFailure naming what was wrong; the first failure ends the
 * run (later steps depend on earlier ones). Deploys and rollbacks run this over HTTP; the canary
 * walks `spa-shell`, `login` and `list-tasks` of the same vocabulary in a browser (../canary/journey.ts).
 */
export const JOURNEY_STEPS = [
  'ready',
  'spa-shell',
  'register',
  'login',
  'refresh',
  'me',
  'create-task',
  'list-tasks',
  'update-task',
  'complete-task',
  'delete-task',
  'logout',
] as const;
export type JourneyStep = (typeof JOURNEY_STEPS)[number];

export class StepFailure extends Error {}

export interface StepResult {
  step: JourneyStep;
  ok: boolean;
  ms: number;
  /** Why it failed (absent when it passed). */
  reason?: string;
}

export interface SmokeResult {
  ok: boolean;
  baseUrl: string;
  steps: StepResult[];
  /** The first failed step, if any; the steps after it did not run. */
  failed?: { step: JourneyStep; reason: string };
  ms: number;
}

export interface JourneyOptions {
  /** Unique per run: every run registers its own user. Default: smoke-<time>-<random>@example.com. */
  email?: string;
  /** Called after each step (the CLI prints progress; a canary can publish a metric per step). */
  onStep?: (result: StepResult) => void;
}

interface Session {
  email: string;
  password: string;
  token?: string;
  user?: PublicUser;
  task?: Task;
}

const fail = (message: string): never => {
  throw new StepFailure(message);
};

function expectStatus(res: SmokeResponse, expected: number, what: string): void {
  if (res.status !== expected)
    fail(
      `${what}: expected HTTP ${expected}, got ${res.status} ${res.body.slice(0, 200).replace(/\s+/g, ' ')}`,
    );
}

function json<T>(res: SmokeResponse, what: string): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    return fail(`${what}: body is not JSON: ${res.body.slice(0, 120)}`);
  }
}

const bearer = (s: Session) => ({ authorization: `Bearer ${s.token ?? fail('no access token yet')}` });
const taskPath = (id: string) => API_PATHS.task.replace(':id', id);

function expectAuth(res: SmokeResponse, status: number, what: string, s: Session): void {
  expectStatus(res, status, what);
  const body = json<AuthResponse>(res, what);
  if (typeof body.accessToken !== 'string' || body.accessToken.length === 0) fail(`${what}: no accessToken`);
  if (body.user?.email !== s.email) fail(`${what}: user.email is ${body.user?.email}, expected ${s.email}`);
  s.token = body.accessToken;
  s.user = body.user;
}

type StepFn = (http: SmokeHttp, s: Session) => Promise<void>;

const STEPS: Record<JourneyStep, StepFn> = {
  // HTTP 200 is the readiness contract; a degraded cache is reported in the body but still ready.
  async ready(http) {
    const res = await http.send({ method: 'GET', path: API_PATHS.ready });
    expectStatus(res, 200, API_PATHS.ready);
    const status = json<{ status?: unknown }>(res, API_PATHS.ready).status;
    if (typeof status !== 'string') fail(`${API_PATHS.ready}: no status in the readiness report`);
  },

  // The page a browser loads, and the script it needs: a deploy that serves an index.html whose
  // bundle is missing (a half-synced CDN, a wrong image) fails here.
  async 'spa-shell'(http) {
    const res = await http.send({ method: 'GET', path: '/', headers: { accept: 'text/html' } });
    expectStatus(res, 200, 'GET /');
    const type = String(res.headers['content-type'] ?? '');
    if (!type.startsWith('text/html')) fail(`GET /: content-type is ${type}, expected text/html`);
    if (!res.body.includes('<div id="app">')) fail('GET /: no <div id="app"> mount point in the page');
    const script = new RegExp(`<script[^>]+src="(/${SPA_ASSETS_DIR}/[^"]+\\.js)"`).exec(res.body)?.[1];
    if (!script) fail(`GET /: the page references no /${SPA_ASSETS_DIR}/*.js script`);
    const asset = await http.send({ method: 'GET', path: script!, headers: { accept: '*/*' } });
    expectStatus(asset, 200, `GET ${script}`);
  },

  async register(http, s) {
    const res = await http.send({
      method: 'POST',
      path: API_PATHS.register,
      json: { email: s.email, password: s.password },
    });
    expectAuth(res, 201, API_PATHS.register, s);
  },

  async login(http, s) {
    const res = await http.send({
      method: 'POST',
      path: API_PATHS.login,
      json: { email: s.email, password: s.password },
    });
    expectAuth(res, 200, API_PATHS.login, s);
  },

  // The refresh token travels only in the httpOnly cookie: this proves the cookie reaches the API
  // as a browser would send it (Path, Secure over http, SameSite), which no readiness probe sees.
  async refresh(http, s) {
    const before = s.token;
    const cookieSent = await http.hasCookieFor(API_PATHS.refresh, REFRESH_COOKIE.name);
    const res = await http.send({ method: 'POST', path: API_PATHS.refresh });
    if (!cookieSent)
      fail(
        `${API_PATHS.refresh}: HTTP ${res.status}; no ${REFRESH_COOKIE.name} cookie a browser would send ` +
          'here (never set, wrong Path, or Secure on a plain-http URL)',
      );
    expectAuth(res, 200, API_PATHS.refresh, s);
    if (s.token === before) fail(`${API_PATHS.refresh}: the access token was not renewed`);
  },

  async me(http, s) {
    const res = await http.send({ method: 'GET', path: API_PATHS.me, headers: bearer(s) });
    expectStatus(res, 200, API_PATHS.me);
    const user = json<PublicUser>(res, API_PATHS.me);
    if (user.id !== s.user?.id) fail(`${API_PATHS.me}: answered user ${user.id}, expected ${s.user?.id}`);
  },

  async 'create-task'(http, s) {
    const title = `smoke ${new Date().toISOString()}`;
    const res = await http.send({
      method: 'POST',
      path: API_PATHS.tasks,
      headers: bearer(s),
      json: { title, description: 'created by the smoke test', priority: 'HIGH' },
    });
    expectStatus(res, 201, `POST ${API_PATHS.tasks}`);
    const task = json<Task>(res, `POST ${API_PATHS.tasks}`);
    if (task.title !== title || task.status !== 'TODO')
      fail(
        `POST ${API_PATHS.tasks}: got title "${task.title}" status ${task.status}, expected "${title}" TODO`,
      );
    s.task = task;
  },

  async 'list-tasks'(http, s) {
    const res = await http.send({ method: 'GET', path: API_PATHS.tasks, headers: bearer(s) });
    expectStatus(res, 200, `GET ${API_PATHS.tasks}`);
    const page = json<TaskPage>(res, `GET ${API_PATHS.tasks}`);
    if (!page.items?.some((t) => t.id === s.task?.id))
      fail(`GET ${API_PATHS.tasks}: the task just created (${s.task?.id}) is not listed`);
  },

  async 'update-task'(http, s) {
    const path = taskPath(s.task!.id);
    const res = await http.send({
      method: 'PATCH',
      path,
      headers: bearer(s),
      json: { status: 'IN_PROGRESS', priority: 'LOW' },
    });
    expectStatus(res, 200, `PATCH ${path}`);
    const task = json<Task>(res, `PATCH ${path}`);
    if (task.status !== 'IN_PROGRESS' || task.priority !== 'LOW')
      fail(`PATCH ${path}: got ${task.status}/${task.priority}, expected IN_PROGRESS/LOW`);
  },

  async 'complete-task'(http, s) {
    const path = taskPath(s.task!.id);
    const res = await http.send({ method: 'PATCH', path, headers: bearer(s), json: { status: 'DONE' } });
    expectStatus(res, 200, `PATCH ${path}`);
    const again = await http.send({ method: 'GET', path, headers: bearer(s) });
    expectStatus(again, 200, `GET ${path}`);
    const status = json<Task>(again, `GET ${path}`).status;
    if (status !== 'DONE') fail(`GET ${path}: status is ${status} after completing, expected DONE`);
  },

  async 'delete-task'(http, s) {
    const path = taskPath(s.task!.id);
    expectStatus(await http.send({ method: 'DELETE', path, headers: bearer(s) }), 204, `DELETE ${path}`);
    expectStatus(
      await http.send({ method: 'GET', path, headers: bearer(s) }),
      404,
      `GET ${path} after delete`,
    );
  },

  async logout(http, s) {
    const res = await http.send({ method: 'POST', path: API_PATHS.logout, headers: bearer(s) });
    expectStatus(res, 204, API_PATHS.logout);
    const after = await http.send({ method: 'GET', path: API_PATHS.me, headers: bearer(s) });
    expectStatus(after, 401, `${API_PATHS.me} after logout (the session must be over)`);
  },
};

export function smokeEmail(): string {
  return `smoke-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}@example.com`;
}

/**
 * Runs named steps in order until one fails: the one runner of every journey (the HTTP smoke
 * journey here, the browser journey of the canary in ../canary/journey.ts), so both report the
 * same StepResult/SmokeResult and name their steps from the one JourneyStep vocabulary.
 */
export async function runSteps(
  baseUrl: string,
  names: readonly JourneyStep[],
  run: (step: JourneyStep) => Promise<void>,
  onStep?: (result: StepResult) => void,
): Promise<SmokeResult> {
  const started = performance.now();
  const steps: StepResult[] = [];
  for (const step of names) {
    const t0 = performance.now();
    let result: StepResult;
    try {
      await run(step);
      result = { step, ok: true, ms: Math.round(performance.now() - t0) };
    } catch (err) {
      const reason = err instanceof StepFailure ? err.message : `request failed: ${(err as Error).message}`;
      result = { step, ok: false, ms: Math.round(performance.now() - t0), reason };
    }
    steps.push(result);
    onStep?.(result);
    if (!result.ok) {
      return {
        ok: false,
        baseUrl,
        steps,
        failed: { step, reason: result.reason! },
        ms: Math.round(performance.now() - started),
      };
    }
  }
  return { ok: true, baseUrl, steps, ms: Math.round(performance.now() - started) };
}

/** Runs every step in order until one fails. Never throws for a failed step; the result says. */
export function runJourney(http: SmokeHttp, options: JourneyOptions = {}): Promise<SmokeResult> {
  const session: Session = {
    email: options.email ?? smokeEmail(),
    password: randomBytes(18).toString('base64url'),
  };
  return runSteps(http.baseUrl, JOURNEY_STEPS, (step) => STEPS[step](http, session), options.onStep);
}

/** One readable line per result: what the CLI prints last and what a deploy records. */
export function describeResult(r: SmokeResult, journey = 'smoke'): string {
  return r.ok
    ? `${journey}: PASS ${r.baseUrl} (${r.steps.length} steps in ${r.ms} ms)`
    : `${journey}: FAIL ${r.baseUrl} at step "${r.failed!.step}": ${r.failed!.reason}`;
}
