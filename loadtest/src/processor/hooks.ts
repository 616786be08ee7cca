/**
 * Artillery processor (loaded by every Artillery worker; self-contained, global fetch only).
 * - `setCredentials`: a fresh email/password per virtual user (the journey registers them).
 * - `prepareSharedUser` + `stampToken`: the script's `before` flow (run once, in Artillery's main
 *   thread, before any phase) registers one shared user; its token reaches every virtual user as
 *   a variable. Registering up front keeps argon2 and the first users' wait out of the figures.
 * - `useSharedUser`: keeps that token while it is fresh; before it expires, each worker logs the
 *   shared user in again (once per worker), so a soak longer than the token lifetime keeps working.
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

export function prepareSharedUser(context: Context, _events: unknown, done: Done): void {
  context.vars.sharedEmail = `load-shared-${randomUUID()}@loadtest.invalid`;
  context.vars.password = PASSWORD;
  done();
}

export function stampToken(context: Context, _events: unknown, done: Done): void {
  context.vars.tokenExpiresAt = Date.now() + Number(context.vars.tokenExpiresIn) * 1000;
  done();
}

interface Session {
  readonly token: string;
  readonly expiresAt: number;
}
let renewed: Promise<Session> | undefined;

async function login(target: string, email: string): Promise<Session> {
  const response = await fetch(new URL('/api/auth/login', target), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login of the shared load-test user answered ${response.status}`);
  const body = (await response.json()) as { accessToken: string; expiresIn: number };
  return { token: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000 };
}

const fresh = (expiresAt: number) => expiresAt - REFRESH_MARGIN_MS > Date.now();

export function useSharedUser(context: Context, _events: unknown, done: Done): void {
  if (typeof context.vars.token === 'string' && fresh(Number(context.vars.tokenExpiresAt))) {
    done();
    return;
  }
  if (typeof context.vars.sharedEmail !== 'string') {
    done(new Error('no shared user: the script needs the before flow (sharedUserSetup)'));
    return;
  }
  const email = context.vars.sharedEmail;
  const current = renewed;
  const next = (async () => {
    const s = await current?.catch(() => undefined);
    return s && fresh(s.expiresAt) ? s : login(String(context.vars.target), email);
  })();
  renewed = next;
  next.then(
    (s) => {
      context.vars.token = s.token;
      context.vars.tokenExpiresAt = s.expiresAt;
      done();
    },
    (error: Error) => {
      // Forget the failure so the next virtual user retries (e.g. after the API came back).
      if (renewed === next) renewed = undefined;
      done(error);
    },
  );
}
