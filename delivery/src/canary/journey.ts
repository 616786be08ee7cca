import { API_PATHS, type TaskPage } from '@taskboard/contracts';
import type { Locator, Page, Response } from 'playwright-core';
import { type JourneyStep, runSteps, type SmokeResult, StepFailure, type StepResult } from '../smoke/journey';

/**
 * The browser journey the CloudWatch Synthetics canary walks through the public URL: the SPA
 * loads and renders, the canary user logs in through the form, the board lists the tasks. Its
 * steps are named from the smoke journey's vocabulary and run by the same runner (runSteps): the
 * HTTP smoke journey proves the API contract on every deploy, this one proves what a person sees.
 * It finds elements by their accessible names and roles (the SPA's labels), never by CSS, and
 * waits only with Playwright's bounded waits.
 */
export const BROWSER_STEPS = ['spa-shell', 'login', 'list-tasks'] as const satisfies readonly JourneyStep[];

export interface CanaryCredentials {
  email: string;
  password: string;
}

export interface BrowserJourneyOptions {
  /** Bound of every wait (navigation, element, API answer). Default 15 s. */
  timeoutMs?: number;
  onStep?: (result: StepResult) => void;
  /**
   * Wraps each step; the canary passes `synthetics.executeStep`, which records the step's
   * status, duration and screenshot in the run report (it rethrows a failure).
   */
  wrapStep?: (step: JourneyStep, run: () => Promise<void>) => Promise<void>;
}

const fail = (message: string): never => {
  throw new StepFailure(message);
};

const isApiCall = (res: Response, method: string, path: string) =>
  res.request().method() === method && new URL(res.url()).pathname === path;

async function expectVisible(locator: Locator, what: string, timeout: number): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch {
    fail(`${what} (not visible within ${timeout} ms)`);
  }
}

/** The text of the page's alert (the login form's error, the board's load error), if any. */
async function alertText(page: Page): Promise<string | null> {
  const alert = page.getByRole('alert').first();
  if ((await alert.count()) === 0) return null;
  return ((await alert.textContent({ timeout: 1000 })) ?? '').trim().replace(/\s+/g, ' ');
}

/** Runs the browser journey on `page`. Never throws for a failed step; the result says which and why. */
export function runBrowserJourney(
  page: Page,
  baseUrl: string,
  credentials: CanaryCredentials,
  options: BrowserJourneyOptions = {},
): Promise<SmokeResult> {
  const timeout = options.timeoutMs ?? 15_000;
  const base = baseUrl.replace(/\/$/, '');
  let tasksAnswer: Promise<Response | null> | undefined;

  const steps: Record<(typeof BROWSER_STEPS)[number], () => Promise<void>> = {
    // The login page renders only when index.html, its bundle and the router all work.
    async 'spa-shell'() {
      const res = await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded', timeout });
      if (res?.status() !== 200) fail(`GET /login: expected HTTP 200, got ${res?.status() ?? 'no answer'}`);
      await expectVisible(
        page.getByRole('heading', { name: 'Log in' }),
        'the SPA did not render its login form (heading "Log in"): the bundle failed to load or run',
        timeout,
      );
    },

    async login() {
      await page.getByLabel('Email').fill(credentials.email, { timeout });
      await page.getByLabel('Password').fill(credentials.password, { timeout });
      const answer = page.waitForResponse((r) => isApiCall(r, 'POST', API_PATHS.login), { timeout });
      // The board asks for the tasks as soon as it mounts: listen before it can happen.
      tasksAnswer = page
        .waitForResponse((r) => isApiCall(r, 'GET', API_PATHS.tasks), { timeout: 2 * timeout })
        .catch(() => null);
      await page.getByRole('button', { name: 'Log in', exact: true }).click({ timeout });
      const res = await answer.catch(() => fail(`no answer to POST ${API_PATHS.login} within ${timeout} ms`));
      if (res.status() !== 200) {
        await expectVisible(
          page.getByRole('alert'),
          `POST ${API_PATHS.login} answered HTTP ${res.status()}`,
          timeout,
        );
        fail(
          `POST ${API_PATHS.login} answered HTTP ${res.status()}; the page says "${await alertText(page)}"`,
        );
      }
      await expectVisible(
        page.getByRole('button', { name: 'Log out' }),
        `logged in (HTTP 200) but the board never appeared (no "Log out" button)`,
        timeout,
      );
    },

    // What the user sees, checked against what the API sent: the first task's title, or the
    // empty board when the canary user has no task.
    async 'list-tasks'() {
      const res = (await tasksAnswer) ?? fail(`the board never asked for GET ${API_PATHS.tasks}`);
      if (res.status() !== 200)
        fail(
          `GET ${API_PATHS.tasks} answered HTTP ${res.status()}; the page says "${await alertText(page)}"`,
        );
      const page1 = (await res
        .json()
        .catch(() => fail(`GET ${API_PATHS.tasks}: body is not JSON`))) as TaskPage;
      const first = page1.items?.[0];
      const shown = first
        ? page.getByRole('heading', { name: first.title, exact: true })
        : page.getByRole('heading', { name: 'Your board is empty' });
      await expectVisible(
        shown,
        first
          ? `the board does not show the task "${first.title}" the API listed`
          : 'the API listed no task, but the board does not show its empty state',
        timeout,
      );
    },
  };

  const wrap = options.wrapStep ?? ((_step, run) => run());
  return runSteps(
    base,
    BROWSER_STEPS,
    (step) => wrap(step, steps[step as keyof typeof steps]),
    options.onStep,
  );
}
