import { REFRESH_COOKIE } from '@taskboard/contracts';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRefreshToken, newRefreshSecret } from '../../src/auth/tokens';
import { MODE } from '../support/env';
import { directSession } from '../support/jwt';
import { RACE_APP_ENV } from '../support/race-env';
import { client, refreshCookie, startTestApp, type TestApp } from '../support/test-app';

/** Short, so a replay "after the window" costs the suite little. */
const GRACE_SECONDS = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Auth = { accessToken: string };

/**
 * The same refresh cookie sent several times at once (two tabs; a retry after a lost response)
 * must not end the session; a replay after the grace window still revokes the whole family.
 * Guarantee proven here: every duplicate within the window answers 200 with tokens of the same
 * session, and every access token and refresh cookie so returned works.
 */
describe(`duplicate refreshes (${MODE})`, () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS),
        ...RACE_APP_ENV,
      },
    });
    api = client(t.url);
  });
  afterAll(() => t?.close());

  /** A session with a fresh refresh cookie, as login makes them (without argon2 per trial). */
  async function newFamily(): Promise<{ cookie: string; token: string }> {
    const { sessionId, token } = await directSession(t.app);
    const next = newRefreshSecret();
    const [row] = (await t.app
      .get(DataSource)
      .query('INSERT INTO refresh_tokens (session_id, token_hash) VALUES ($1, $2) RETURNING id', [
        sessionId,
        next.hash,
      ])) as { id: string }[];
    return { cookie: `${REFRESH_COOKIE.name}=${formatRefreshToken(row!.id, next.secret)}`, token };
  }
  const refresh = (cookie: string) => api.send<Auth>('POST', '/api/auth/refresh', { headers: { cookie } });
  const me = async (token: string) => (await api.send('GET', '/api/auth/me', { token })).status;

  it.each([2, 5])(
    '%i parallel refreshes with one cookie all succeed and leave one live session',
    async (n) => {
      const trials = n === 2 ? 12 : 8;
      const problems: string[] = [];
      for (let i = 0; i < trials; i++) {
        const family = await newFamily();
        const answers = await Promise.all(Array.from({ length: n }, () => refresh(family.cookie)));
        const statuses = answers.map((a) => a.status);
        if (statuses.some((s) => s !== 200)) {
          problems.push(`trial ${i}: statuses ${statuses}`);
          continue;
        }
        // Every access token returned works, and so does every cookie (each one's first use).
        for (const [k, a] of answers.entries()) {
          const access = await me(a.body.accessToken);
          if (access !== 200) problems.push(`trial ${i}: access token ${k} answered ${access}`);
        }
        for (const [k, a] of answers.entries()) {
          const again = await refresh(refreshCookie(a.headers)!);
          if (again.status !== 200) problems.push(`trial ${i}: cookie ${k} answered ${again.status}`);
          else if ((await me(again.body.accessToken)) !== 200) problems.push(`trial ${i}: session ended`);
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it(`a replay after the ${GRACE_SECONDS} s window still revokes the whole family`, async () => {
    const family = await newFamily();
    const rotated = await refresh(family.cookie);
    expect(rotated.status).toBe(200);
    const latest = refreshCookie(rotated.headers)!;
    await sleep(GRACE_SECONDS * 1000 + 600);
    const replay = await refresh(family.cookie);
    expect(replay.status).toBe(401);
    expect((await refresh(latest)).status).toBe(401);
    expect(await me(rotated.body.accessToken)).toBe(401);
    expect(await me(family.token)).toBe(401);
  });
});
