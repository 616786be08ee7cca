import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from './config';

const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db:5432/app', JWT_SECRET: 'k'.repeat(48) };

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.database.url).toBeUndefined();
    expect(c.database.poolMax).toBe(1);
    expect(c.database.migrateOnBoot).toBe(true);
    expect(c.cache.redisUrl).toBeUndefined();
    expect(c.http.port).toBe(3000);
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.auth.accessTtlSeconds).toBeLessThanOrEqual(900);
    expect(c.auth.cookieSecure).toBe(false);
    expect(c.auth.refreshReuseGraceSeconds).toBe(5);
  });

  it('hardens production: secure cookies, no boot-time migrations, a drain delay', () => {
    const c = loadConfig(prod);
    expect(c.auth.cookieSecure).toBe(true);
    expect(c.database.migrateOnBoot).toBe(false);
    expect(c.shutdown.delayMs).toBeGreaterThan(0);
    expect(c.database.poolMax).toBe(10);
    expect(c.http.host).toBe('0.0.0.0');
  });

  it("bounds each request's database work against a real database, not the embedded one", () => {
    expect(loadConfig(prod).database.requestDeadlineMs).toBe(1250);
    expect(loadConfig({}).database.requestDeadlineMs).toBe(0);
    expect(loadConfig({ ...prod, DATABASE_REQUEST_DEADLINE_MS: '0' }).database.requestDeadlineMs).toBe(0);
    expect(loadConfig({ ...prod, DATABASE_REQUEST_DEADLINE_MS: '900' }).database.requestDeadlineMs).toBe(900);
  });

  it('keeps /docs and /metrics off the public listener in production unless configured', () => {
    expect(loadConfig(prod).exposure).toEqual({ docsEnabled: false, metricsPort: 9464 });
    expect(loadConfig({ ...prod, DOCS_ENABLED: 'true', METRICS_PORT: '9100' }).exposure).toEqual({
      docsEnabled: true,
      metricsPort: 9100,
    });
    // Outside production: everything on the main listener, as the local demo and tests expect.
    expect(loadConfig({}).exposure).toEqual({ docsEnabled: true, metricsPort: undefined });
    expect(loadConfig({ METRICS_PORT: '0', DOCS_ENABLED: 'false' }).exposure).toEqual({
      docsEnabled: false,
      metricsPort: 0,
    });
  });

  it.each([
    [{ ...prod, JWT_SECRET: DEV_JWT_SECRET }, 'JWT_SECRET'],
    [{ ...prod, JWT_SECRET: 'too-short' }, 'JWT_SECRET'],
    [{ ...prod, DATABASE_URL: undefined }, 'DATABASE_URL'],
    [{ JWT_ACCESS_TTL_SECONDS: '3600' }, 'JWT_ACCESS_TTL_SECONDS'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL'],
    [{ DATABASE_POOL_MAX: '0' }, 'DATABASE_POOL_MAX'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CACHE_ENABLED: 'yes' }, 'CACHE_ENABLED'],
    [{ REFRESH_REUSE_GRACE_SECONDS: '61' }, 'REFRESH_REUSE_GRACE_SECONDS'],
    [{ REFRESH_REUSE_GRACE_SECONDS: '-1' }, 'REFRESH_REUSE_GRACE_SECONDS'],
    [{ REFRESH_REUSE_GRACE_SECONDS: 'soon' }, 'REFRESH_REUSE_GRACE_SECONDS'],
    [{ DOCS_ENABLED: 'on' }, 'DOCS_ENABLED'],
    [{ DATABASE_REQUEST_DEADLINE_MS: '50' }, 'DATABASE_REQUEST_DEADLINE_MS'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT'],
    [{ ...prod, PORT: '9464' }, 'METRICS_PORT'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: '-1', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('PORT');
      expect((err as Error).message).toContain('LOG_LEVEL');
    }
  });

  it('parses TRUST_PROXY as hops or CIDRs', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 172.16.0.0/12' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '172.16.0.0/12',
    ]);
    expect(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
  });
});
