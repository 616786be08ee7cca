import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET } from '../../src/config/config';
import { MODE, REDIS_URL } from '../support/env';
import { client, refreshCookie, startTestApp, type TestApp, useTestApp } from '../support/test-app';

// No duplicate grace here: these tests replay a rotated token at once and expect reuse detection
// (the grace window is proven in refresh-races.e2e.test.ts).
const ctx = useTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function sign(header: object, payload: object, secret = DEV_JWT_SECRET): string {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
function claimsOf(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
}

describe(`auth (${MODE})`, () => {
  it('registers, sets an httpOnly SameSite refresh cookie scoped to /api/auth, and answers 409 for a taken email', async () => {
    const email = `Mixed.Case-${Date.now()}@Example.com`;
    const res = await ctx.api.send<{ accessToken: string; expiresIn: number; user: { email: string } }>(
      'POST',
      '/api/auth/register',
      { body: { email, password: 'long enough password' } },
    );
    expect(res.status).toBe(201);
    expect(res.body.user.email).toBe(email.toLowerCase());
    expect(res.body.expiresIn).toBeLessThanOrEqual(900);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('taskboard_refresh='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    expect(cookie).not.toMatch(/Secure/); // local/test mode; production forces Secure (config tests)
    expect(JSON.stringify(res.body)).not.toContain(cookie.split(';')[0]!.split('=')[1]!);

    const again = await ctx.api.send('POST', '/api/auth/register', {
      body: { email, password: 'another password' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ statusCode: 409, fields: { email: expect.any(Array) } });
  });

  it('issues short HS256 access tokens with issuer and audience', async () => {
    const { token } = await ctx.api.register();
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    const claims = claimsOf(token);
    expect(header.alg).toBe('HS256');
    expect(claims.iss).toBe('taskboard-api');
    expect(claims.aud).toBe('taskboard');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(900);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const user = await ctx.api.register();
    const wrong = await ctx.api.send('POST', '/api/auth/login', {
      body: { email: user.email, password: 'wrong password!' },
    });
    const unknown = await ctx.api.send('POST', '/api/auth/login', {
      body: { email: `nobody-${Date.now()}@example.com`, password: 'wrong password!' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: unknown) => ({ ...(b as object), requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });

  it('logs in and answers /me', async () => {
    const user = await ctx.api.register();
    const login = await ctx.api.send<{ accessToken: string }>('POST', '/api/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(login.status).toBe(200);
    const me = await ctx.api.send('GET', '/api/auth/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.userId, email: user.email });
  });

  it('rejects tampered, expired, alg:none, wrong-audience, wrong-issuer and foreign-key tokens', async () => {
    const { token } = await ctx.api.register();
    const claims = claimsOf(token);
    const now = Math.floor(Date.now() / 1000);
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${b64({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${s}`;
    const badSig = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith('AA') ? 'BB' : 'AA'}`;
    const expired = sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 2000, exp: now - 1000 });
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const wrongAud = sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'someone-else' });
    const wrongIss = sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'evil' });
    const foreignKey = sign(
      { alg: 'HS256', typ: 'JWT' },
      claims,
      'a-completely-different-secret-of-enough-length',
    );
    const hs512 = (() => {
      const head = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims)}`;
      return `${head}.${createHmac('sha512', DEV_JWT_SECRET).update(head).digest('base64url')}`;
    })();
    expect((await ctx.api.send('GET', '/api/auth/me', { token })).status).toBe(200);
    for (const bad of [tampered, badSig, expired, none, wrongAud, wrongIss, foreignKey, hs512, 'garbage']) {
      const res = await ctx.api.send('GET', '/api/tasks', { token: bad });
      expect(res.status, bad).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401 });
    }
    expect((await ctx.api.send('GET', '/api/tasks')).status).toBe(401);
  });

  it('rotates the refresh token on every use; reusing an old one revokes the whole session', async () => {
    const user = await ctx.api.register();
    const first = user.cookie!;
    const r1 = await ctx.api.send<{ accessToken: string }>('POST', '/api/auth/refresh', {
      headers: { cookie: first },
    });
    expect(r1.status).toBe(200);
    const second = refreshCookie(r1.headers)!;
    expect(second).not.toEqual(first);
    const r2 = await ctx.api.send<{ accessToken: string }>('POST', '/api/auth/refresh', {
      headers: { cookie: second },
    });
    expect(r2.status).toBe(200);
    const third = refreshCookie(r2.headers)!;
    const access = r2.body.accessToken;
    expect((await ctx.api.send('GET', '/api/auth/me', { token: access })).status).toBe(200);

    // The leaked first token is replayed: refused, and the family (third token, live access token) dies.
    const replay = await ctx.api.send('POST', '/api/auth/refresh', { headers: { cookie: first } });
    expect(replay.status).toBe(401);
    expect((await ctx.api.send('POST', '/api/auth/refresh', { headers: { cookie: third } })).status).toBe(
      401,
    );
    expect((await ctx.api.send('GET', '/api/auth/me', { token: access })).status).toBe(401);
    // Other sessions of the same user are untouched.
    const other = await ctx.api.send<{ accessToken: string }>('POST', '/api/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect((await ctx.api.send('GET', '/api/auth/me', { token: other.body.accessToken })).status).toBe(200);
  });

  it('logout makes the access and refresh tokens unusable at once', async () => {
    const user = await ctx.api.register();
    expect((await ctx.api.send('GET', '/api/tasks', { token: user.token })).status).toBe(200);
    const out = await ctx.api.send('POST', '/api/auth/logout', {
      token: user.token,
      headers: { cookie: user.cookie! },
    });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/taskboard_refresh=;/);
    expect((await ctx.api.send('GET', '/api/tasks', { token: user.token })).status).toBe(401);
    expect(
      (await ctx.api.send('POST', '/api/auth/refresh', { headers: { cookie: user.cookie! } })).status,
    ).toBe(401);
  });

  it('refresh without or with a garbage cookie is 401', async () => {
    expect((await ctx.api.send('POST', '/api/auth/refresh')).status).toBe(401);
    const garbage = await ctx.api.send('POST', '/api/auth/refresh', {
      headers: { cookie: 'taskboard_refresh=abc.def' },
    });
    expect(garbage.status).toBe(401);
  });

  it('never logs passwords or tokens', async () => {
    const password = 'this-password-must-not-be-logged';
    const user = await ctx.api.register(undefined, password);
    await ctx.api.send('POST', '/api/auth/login', {
      body: { email: user.email, password: 'wrong-and-also-secret' },
    });
    await ctx.api.send('POST', '/api/auth/refresh', { headers: { cookie: user.cookie! } });
    await ctx.api.send('GET', '/api/auth/me', { token: user.token });
    const all = ctx.t.rawLogs.join('\n');
    expect(all).not.toContain(password);
    expect(all).not.toContain('wrong-and-also-secret');
    expect(all).not.toContain(user.token);
    expect(all).not.toContain(user.cookie!.split('=')[1]!);
  });
});

describe(`rate limiting (${MODE})`, () => {
  let limited: TestApp;
  beforeAll(async () => {
    // Behind one proxy hop: the limiter must key on the real client from X-Forwarded-For.
    limited = await startTestApp({ env: { AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' } });
  });
  afterAll(() => limited.close());

  it('limits login and register per real client address', async () => {
    const c = client(limited.url);
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const login = (addr: string) =>
      c.send('POST', '/api/auth/login', {
        body: { email: 'nobody@example.com', password: 'whatever1' },
        headers: { 'x-forwarded-for': addr },
      });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(ip)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const blocked = await login(ip);
    expect(blocked.body).toMatchObject({ statusCode: 429 });
    expect(Number(blocked.headers.get('retry-after-auth'))).toBeGreaterThan(0);
    // Another client behind the same proxy is not affected.
    expect((await login(`198.51.100.${Math.floor(Math.random() * 250) + 1}`)).status).toBe(401);

    const regIp = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    const reg = [];
    for (let i = 0; i < 4; i++) {
      reg.push(
        (
          await c.send('POST', '/api/auth/register', {
            body: { email: `r${i}-${Date.now()}@example.com`, password: 'password123' },
            headers: { 'x-forwarded-for': regIp },
          })
        ).status,
      );
    }
    expect(reg).toEqual([201, 201, 201, 429]);
  });
});

describe(`cookie outside local mode (${MODE})`, () => {
  const secure = useTestApp({ env: { COOKIE_SECURE: 'true' } });
  it('marks the refresh cookie Secure', async () => {
    const res = await secure.api.send('POST', '/api/auth/register', {
      body: { email: `secure-${Date.now()}@example.com`, password: 'long enough password' },
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('taskboard_refresh='))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
  });
});

// Two replicas share counters only through Redis; the embedded mode has none.
const replicas = REDIS_URL ? describe : describe.skip;
if (!REDIS_URL)
  console.info(
    '[skip] shared rate limit across replicas: needs REDIS_URL (embedded mode counts per process)',
  );

replicas(`rate limits shared across replicas (${MODE})`, () => {
  const a = useTestApp({ env: { AUTH_RATE_LIMIT: '4', TRUST_PROXY: '1' } });
  const b = useTestApp({ env: { AUTH_RATE_LIMIT: '4', TRUST_PROXY: '1' } });
  it('counts one client’s attempts on every replica together', async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const attempt = (ctx: typeof a) =>
      ctx.api.send('POST', '/api/auth/login', {
        body: { email: 'nobody@example.com', password: 'whatever1' },
        headers: { 'x-forwarded-for': ip }, // as the one trusted proxy appends it
      });
    const statuses = [];
    for (const ctx of [a, b, a, b, a, b]) statuses.push((await attempt(ctx)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});
