/**
 * Artillery processor (loaded by every Artillery worker; self-contained, global fetch only).
 * - `setCredentials`: a fresh email/password per virtual user (the journey registers them).
 * - `useSharedUser`: one user per worker, registered on first use and logged in again before its
 *   access token expires, so rate-based scenarios measure the task routes rather than argon2, and
 *   a soak longer than the token lifetime keeps working. Its setup calls are not in the figures.
 */
import { randomUUID } from 'node:crypto';

interface Context {
  vars: Record<string, unknown>;
}
type Done = (error?: Error) => void;

const PASSWORD = 'load-test-password-1';
/** Log in again this long before the token expires. */
const REFRESH_MARGIN_MS = 60_000;

export function setCredentials(context: Context, _events: unknown, done: Done): void {
  context.vars.email = `load-${randomUUID()}@loadtest.invalid`;
  context.vars.password = PASSWORD;
  done();
}

let shared: Promise<{ token: string; expiresAt: number; email: string }> | undefined;

async function authenticate(target: string, path: string, email: string) {
  const response = await fetch(new URL(path, target), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { accessToken: string; expiresIn: number };
  return { token: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000, email };
}

export function useSharedUser(context: Context, _events: unknown, done: Done): void {
  const target = String(context.vars.target);
  const current = shared;
  const fresh = (s: Awaited<typeof shared>) =>
    s !== undefined && s.expiresAt - REFRESH_MARGIN_MS > Date.now();
  const next = (async () => {
    const s = await current?.catch(() => undefined);
    if (s && fresh(s)) return s;
    if (s) return authenticate(target, '/api/auth/login', s.email);
    return authenticate(target, '/api/auth/register', `load-shared-${randomUUID()}@loadtest.invalid`);
  })();
  shared = next;
  next.then(
    (s) => {
      context.vars.token = s.token;
      done();
    },
    (error: Error) => {
      // Forget the failure so the next virtual user retries (e.g. after the API came back).
      if (shared === next) shared = undefined;
      done(error);
    },
  );
}
