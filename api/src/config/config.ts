import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Development-only signing secret; production mode refuses it (and anything shorter than 32 chars). */
export const DEV_JWT_SECRET = 'taskboard-local-development-secret-do-not-use-in-prod';

const API_ROOT = resolve(__dirname, '..', '..', '..');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with protocol ${protocols.join(' or ')}`,
  );

/** TRUST_PROXY: "false", "true", a hop count, or a comma-separated list of addresses/CIDRs. */
const trustProxy = z
  .string()
  .transform((v): boolean | number | string[] => {
    if (v === 'false' || v === '') return false;
    if (v === 'true') return true;
    if (/^\d+$/.test(v)) return Number(v);
    return v.split(',').map((s) => s.trim());
  })
  .refine(
    (v) => v !== true,
    'use a hop count or the proxy CIDRs, not "true": trusting every hop lets clients spoof X-Forwarded-For',
  );

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).optional(),
    PORT: int(0, 65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: trustProxy.default(false),
    BODY_LIMIT_BYTES: int(1024, 10 * 1024 * 1024).default(128 * 1024),

    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    DATABASE_POOL_MAX: int(1, 200).default(10),
    DATABASE_CONNECT_TIMEOUT_MS: int(100, 60_000).default(1000),
    DATABASE_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(1000),
    /** All of one request's database work (pool wait, connect, statements, transaction) ends by then. */
    DATABASE_REQUEST_DEADLINE_MS: z.union([z.literal('0').transform(() => 0), int(100, 600_000)]).optional(),
    EMBEDDED_DATA_DIR: z
      .string()
      .min(1)
      .default(resolve(API_ROOT, '..', '.data', 'pglite')),
    MIGRATE_ON_BOOT: bool.optional(),

    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    CACHE_TTL_SECONDS: int(1, 86_400).default(60),
    CACHE_OP_TIMEOUT_MS: int(5, 5000).default(100),
    CACHE_ENABLED: bool.default(true),

    JWT_SECRET: z.string().min(1).default(DEV_JWT_SECRET),
    JWT_ISSUER: z.string().min(1).default('taskboard-api'),
    JWT_AUDIENCE: z.string().min(1).default('taskboard'),
    JWT_ACCESS_TTL_SECONDS: int(30, 900).default(900),
    REFRESH_TTL_DAYS: int(1, 90).default(14),
    REFRESH_REUSE_GRACE_SECONDS: int(0, 60).default(5),
    COOKIE_SECURE: bool.optional(),

    AUTH_RATE_LIMIT: int(1, 1_000_000).default(10),
    AUTH_RATE_WINDOW_SECONDS: int(1, 3600).default(60),

    /** The built SPA to serve (local mode); "" turns serving off. Default: frontend/dist when built. */
    SPA_DIR: z.string().optional(),
    RUM_RATE_LIMIT: int(1, 1_000_000).default(60),
    RUM_RATE_WINDOW_SECONDS: int(1, 3600).default(60),

    SHUTDOWN_DELAY_MS: int(0, 60_000).optional(),
    SHUTDOWN_TIMEOUT_MS: int(1000, 120_000).default(25_000),

    // What the public listener exposes (see `exposure` below).
    DOCS_ENABLED: bool.optional(),
    METRICS_PORT: int(0, 65535).optional(),

    // Tracing (OTLP over HTTP); unset endpoint = off, at no cost on the request path.
    TRACING_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
    TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.JWT_SECRET === DEV_JWT_SECRET || env.JWT_SECRET.length < 32) {
      fail(
        'JWT_SECRET',
        'production needs a random secret of at least 32 characters (not the development default)',
      );
    }
    if (!env.DATABASE_URL)
      fail('DATABASE_URL', 'production needs a real PostgreSQL (the embedded one is local-only)');
    if (env.COOKIE_SECURE === false) fail('COOKIE_SECURE', 'refresh cookies must be Secure in production');
  })
  .superRefine((env, ctx) => {
    const metricsPort =
      env.METRICS_PORT ?? (env.NODE_ENV === 'production' ? PRODUCTION_METRICS_PORT : undefined);
    if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === env.PORT) {
      ctx.addIssue({
        code: 'custom',
        path: ['METRICS_PORT'],
        message: `must differ from PORT (${env.PORT}): /metrics is kept off the public listener`,
      });
    }
  });

export type Env = z.input<typeof schema>;

/** The conventional port of a Prometheus exporter (OpenTelemetry's), the chart's ServiceMonitor scrapes it. */
export const PRODUCTION_METRICS_PORT = 9464;

export interface AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly http: {
    host: string;
    port: number;
    trustProxy: boolean | number | string[];
    bodyLimit: number;
    logLevel: string;
  };
  readonly database: {
    /** Unset: the embedded PGlite server is started and its URL filled in at boot. */
    url: string | undefined;
    poolMax: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    /** 0: no per-request deadline. */
    requestDeadlineMs: number;
    embeddedDataDir: string;
    migrateOnBoot: boolean;
  };
  readonly cache: { redisUrl: string | undefined; ttlSeconds: number; opTimeoutMs: number; enabled: boolean };
  readonly auth: {
    jwtSecret: string;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlDays: number;
    /** A rotated refresh token presented again within this many seconds is a duplicate, not a replay. */
    refreshReuseGraceSeconds: number;
    cookieSecure: boolean;
    rateLimit: number;
    rateWindowSeconds: number;
  };
  readonly shutdown: { delayMs: number; timeoutMs: number };
  /** `dir` unset: the API serves no SPA (in the cluster nginx does). */
  readonly spa: { dir: string | undefined };
  readonly rum: { rateLimit: number; rateWindowSeconds: number };
  /**
   * What the public listener serves besides the API. `metricsPort` set: /metrics only on its own
   * listener (same host), so the public one answers 404 there; unset: /metrics on the main one.
   */
  readonly exposure: { docsEnabled: boolean; metricsPort: number | undefined };
  /** `endpoint` unset: no tracer is installed at all (tracing off). */
  readonly tracing: { endpoint: string | undefined; sampleRatio: number };
}

/** The frontend workspace's build output, when it has been built. */
export const DEFAULT_SPA_DIR = resolve(API_ROOT, '..', 'frontend', 'dist');

export class ConfigError extends Error {}

/** Parses and validates the environment once; every problem is reported with its variable name. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  return {
    env: e.NODE_ENV,
    // Loopback on a laptop (the demo is not exposed to the network); all interfaces in a pod.
    http: {
      host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
      port: e.PORT,
      trustProxy: e.TRUST_PROXY,
      bodyLimit: e.BODY_LIMIT_BYTES,
      logLevel: e.LOG_LEVEL,
    },
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DATABASE_URL ? e.DATABASE_POOL_MAX : 1, // PGlite is one session: one connection.
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      // Off (0) for the embedded database: it is in-process, cannot stall on a network, and a
      // cold PGlite on a busy laptop would only turn slowness into 503s.
      requestDeadlineMs: e.DATABASE_REQUEST_DEADLINE_MS ?? (e.DATABASE_URL ? 1250 : 0),
      embeddedDataDir: e.EMBEDDED_DATA_DIR,
      // In the cluster a Helm pre-upgrade Job migrates; locally the app does it at boot.
      migrateOnBoot: e.MIGRATE_ON_BOOT ?? !production,
    },
    cache: {
      redisUrl: e.REDIS_URL,
      ttlSeconds: e.CACHE_TTL_SECONDS,
      opTimeoutMs: e.CACHE_OP_TIMEOUT_MS,
      enabled: e.CACHE_ENABLED,
    },
    auth: {
      jwtSecret: e.JWT_SECRET,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTtlSeconds: e.JWT_ACCESS_TTL_SECONDS,
      refreshTtlDays: e.REFRESH_TTL_DAYS,
      refreshReuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
      cookieSecure: e.COOKIE_SECURE ?? production,
      rateLimit: e.AUTH_RATE_LIMIT,
      rateWindowSeconds: e.AUTH_RATE_WINDOW_SECONDS,
    },
    // The delay lets the load balancer see readiness fail before connections are refused.
    shutdown: { delayMs: e.SHUTDOWN_DELAY_MS ?? (production ? 5000 : 0), timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    spa: {
      dir:
        e.SPA_DIR === undefined
          ? existsSync(resolve(DEFAULT_SPA_DIR, 'index.html'))
            ? DEFAULT_SPA_DIR
            : undefined
          : e.SPA_DIR || undefined,
    },
    rum: { rateLimit: e.RUM_RATE_LIMIT, rateWindowSeconds: e.RUM_RATE_WINDOW_SECONDS },
    // Production: no /docs unless asked for, metrics on a port the load balancer never routes to.
    exposure: {
      docsEnabled: e.DOCS_ENABLED ?? !production,
      metricsPort: e.METRICS_PORT ?? (production ? PRODUCTION_METRICS_PORT : undefined),
    },
    // 10 % of new traces in production (the collector's tail sampling keeps errors and slow ones
    // among them); every trace locally. A caller's sampling decision always wins (parent-based).
    tracing: {
      endpoint: e.TRACING_OTLP_ENDPOINT,
      sampleRatio: e.TRACING_SAMPLE_RATIO ?? (production ? 0.1 : 1),
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
