import { getRepositoryToken } from '@nestjs/typeorm';
import fc from 'fast-check';
import type { Repository } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionEntity } from '../../src/auth/session.entity';
import { MODE, REDIS_URL } from '../support/env';
import { claimsOf, directSession, reservedRedis, signHs256 } from '../support/jwt';
import { RACE_APP_ENV } from '../support/race-env';
import { client, startTestApp, type TestApp } from '../support/test-app';

/** This file's app keeps its cache on its own Redis database, which the FLUSHDB trials empty. */
const REDIS_DB = 13;
const redis = REDIS_URL ? reservedRedis(REDIS_URL, REDIS_DB) : undefined;
/** FLUSHDB needs a Redis; embedded mode runs every other trial against the in-process cache. */
const flushTrials = redis ? it : it.skip;
if (!redis)
  console.info('[skip] session FLUSHDB trials: need REDIS_URL (embedded mode has no Redis to flush)');

const TRIALS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`session races and token validation (${MODE})`, () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let user: Awaited<ReturnType<ReturnType<typeof client>['register']>>;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        REDIS_URL: redis?.url,
        ...RACE_APP_ENV,
      },
    });
    api = client(t.url);
    user = await api.register();
    // A slow database answer to the session check (a loaded database, a long network path): the
    // row is read, then its answer arrives a little later. This is what lets a logout land
    // between an in-flight check's read and its cache write, which the trials must survive.
    const sessions = t.app.get<Repository<SessionEntity>>(getRepositoryToken(SessionEntity));
    const findOne = sessions.findOne.bind(sessions);
    sessions.findOne = async (...args) => {
      const row = await findOne(...args);
      await sleep(Math.random() * 15);
      return row;
    };
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
  });

  const newSession = async () => (await directSession(t.app, user.userId)).token;
  const me = async (token: string) => (await api.send('GET', '/api/auth/me', { token })).status;

  /**
   * One trial: requests of a fresh session (cache misses) in flight while it logs out. After the
   * 204, and again once every in-flight request has finished (their late cache writes landed),
   * nothing with that token may succeed.
   */
  async function logoutTrial(flush: 'none' | 'during' | 'after'): Promise<string[] | undefined> {
    const token = await newSession();
    const inflight = Array.from({ length: 6 }, () => sleep(Math.random() * 4).then(() => me(token)));
    if (flush === 'during') void redis!.flush();
    await sleep(Math.random() * 3);
    const out = await api.send('POST', '/api/auth/logout', { token });
    if (out.status === 503) return undefined; // inconclusive: the machine timed the logout out
    expect(out.status).toBe(204);
    if (flush === 'after') await redis!.flush();
    // A violation is any success; a 503 (a loaded machine timing out the check) is not one.
    const violations: string[] = [];
    const right = await Promise.all([me(token), me(token)]);
    if (right.some((s) => s < 300)) violations.push(`right after logout: ${right}`);
    await Promise.all(inflight);
    for (const wait of [0, 20]) {
      await sleep(wait);
      const later = await me(token);
      if (later < 300) violations.push(`${wait} ms after the in-flight requests ended: ${later}`);
    }
    return violations;
  }

  it(`logout is immediate for every request that starts after its 204 (${TRIALS} trials, requests in flight)`, async () => {
    const failed: string[] = [];
    let conclusive = 0;
    for (let i = 0; i < TRIALS; i++) {
      const violations = await logoutTrial('none');
      if (violations) conclusive++;
      failed.push(...(violations ?? []).map((v) => `trial ${i}: ${v}`));
    }
    expect(failed).toEqual([]);
    expect(conclusive, 'trials whose logout answered (not 503)').toBeGreaterThanOrEqual(TRIALS * 0.8);
  });

  flushTrials('logout stays immediate when the cache is flushed during or after it', async () => {
    const failed: string[] = [];
    let conclusive = 0;
    for (let i = 0; i < 15; i++) {
      for (const flush of ['during', 'after'] as const) {
        const violations = await logoutTrial(flush);
        if (violations) conclusive++;
        failed.push(...(violations ?? []).map((v) => `trial ${i} (${flush}): ${v}`));
      }
    }
    expect(failed).toEqual([]);
    expect(conclusive, 'trials whose logout answered (not 503)').toBeGreaterThanOrEqual(24);
  });

  it("refuses a key-signed token naming one user with another user's session, and leaves that session alone", async () => {
    const a = await api.register();
    const b = await api.register();
    const bClaims = claimsOf(b.token);
    expect(await me(b.token)).toBe(200); // B's session is now cached as active
    const forged = signHs256({ ...bClaims, sub: a.userId });
    expect(await me(forged)).toBe(401);
    expect((await api.send('GET', '/api/tasks', { token: forged })).status).toBe(401);
    // And the other way round while B's entry is not cached: still refused, B unaffected.
    const c = await api.register();
    const cClaims = claimsOf(c.token);
    expect(await me(signHs256({ ...cClaims, sub: a.userId }))).toBe(401);
    expect(await me(c.token)).toBe(200);
    expect(await me(b.token)).toBe(200);
  });

  it('answers 401, never 500, for any malformed sub or sid in a key-signed token', async () => {
    const base = claimsOf(user.token);
    const notAUuid = fc.oneof(
      fc.string(),
      fc.uuid().map((u) => u.toUpperCase()),
      fc.uuid().map((u) => ` ${u}`),
      fc.uuid().map((u) => u.replaceAll('-', '')),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.uuid(), { maxLength: 2 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(notAUuid, fc.boolean(), async (bad, inSub) => {
        const token = signHs256({ ...base, [inSub ? 'sub' : 'sid']: bad });
        const res = await api.send('GET', '/api/tasks', { token });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ statusCode: 401 });
      }),
      { numRuns: 150 },
    );
    expect(await me(user.token)).toBe(200);
  });

  it('refuses key-signed tokens without exp or iat, issued in the future, or living longer than JWT_ACCESS_TTL_SECONDS', async () => {
    const ttl = t.core.config.auth.accessTtlSeconds;
    const { iat: _iat, exp: _exp, ...rest } = claimsOf(user.token);
    const now = Math.floor(Date.now() / 1000);
    expect(await me(signHs256({ ...rest, iat: now, exp: now + ttl }))).toBe(200); // the control
    for (const [why, claims] of [
      ['no exp', { ...rest, iat: now }],
      ['no iat', { ...rest, exp: now + 60 }],
      ['neither', rest],
      ['iat in the future', { ...rest, iat: now + 120, exp: now + 180 }],
      ['lifetime above the TTL', { ...rest, iat: now - 10, exp: now + ttl }],
      ['a year long', { ...rest, iat: now, exp: now + 365 * 86_400 }],
      ['string times', { ...rest, iat: String(now), exp: String(now + 60) }],
    ] as const) {
      expect(await me(signHs256(claims)), why).toBe(401);
    }
    // Every (iat, lifetime) pair: accepted exactly when our rules hold (boundaries kept clear of
    // the clock so a slow request cannot flip the expectation).
    const clear = (x: number, edge: number) => Math.abs(x - edge) > 3;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -2 * ttl, max: 600 }).filter((d) => clear(d, 5)),
        fc.integer({ min: -60, max: 2 * ttl }).filter((l) => clear(l, ttl) && clear(l, 0)),
        async (iatOffset, lifetime) => {
          const nowS = Math.floor(Date.now() / 1000);
          const iat = nowS + iatOffset;
          const exp = iat + lifetime;
          fc.pre(clear(exp, nowS));
          const valid = iatOffset <= 5 && lifetime > 0 && lifetime <= ttl && exp > nowS;
          expect(await me(signHs256({ ...rest, iat, exp }))).toBe(valid ? 200 : 401);
        },
      ),
      { numRuns: 120 },
    );
  });
});
