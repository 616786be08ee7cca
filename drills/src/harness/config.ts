import { resolve } from 'node:path';

/** The repository root (drills/dist/src/harness → four levels up; drills/src/harness → three). */
export const REPO_ROOT = resolve(__dirname, __dirname.includes('/dist/') ? '../../../..' : '../../..');

/** Every port the harness binds, from one base (all on 127.0.0.1, below the ephemeral range). */
export interface DrillPorts {
  proxy: number;
  apiA: number;
  apiB: number;
  metricsA: number;
  metricsB: number;
  toxiproxy: number;
  postgresProxy: number;
  redisProxy: number;
  prometheus: number;
  alertmanager: number;
  notificationSink: number;
}

export interface DrillConfig {
  ports: DrillPorts;
  /** An admin URL of the real PostgreSQL: the drill creates (and drops) its own database there. */
  databaseUrl: URL;
  /** The real Redis; the drill uses its own logical database number. */
  redisUrl: URL;
  /** `for:` durations and Alertmanager waits are divided by this (rule expressions never change). */
  timeScale: number;
  /** Where the incident report is written (per scenario folder). */
  reportDir: string;
  /** Marks every process the drill starts (env DRILL_RUN_ID), so a test can prove none is left. */
  runId: string;
}

export class DrillConfigError extends Error {}

/** Linux's default ephemeral range starts here; fixed ports below it never collide with client sockets. */
const EPHEMERAL_START = 32768;
const PORT_NAMES: (keyof DrillPorts)[] = [
  'proxy',
  'apiA',
  'apiB',
  'metricsA',
  'metricsB',
  'toxiproxy',
  'postgresProxy',
  'redisProxy',
  'prometheus',
  'alertmanager',
  'notificationSink',
];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new DrillConfigError(`${name}=${raw}: must be an integer from ${min} to ${max}`);
  return value;
}

function serviceUrl(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): URL {
  const raw = env[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DrillConfigError(`${name}=${raw}: not a URL`);
  }
  if (!protocols.includes(url.protocol))
    throw new DrillConfigError(`${name}=${raw}: protocol must be ${protocols.join(' or ')}`);
  return url;
}

/** Reads and validates the drill's environment once; a bad value fails naming the variable. */
export function loadDrillConfig(env: NodeJS.ProcessEnv = process.env): DrillConfig {
  const base = integer(env, 'DRILL_PORT_BASE', 24100, 1024, EPHEMERAL_START - PORT_NAMES.length);
  const ports = Object.fromEntries(PORT_NAMES.map((name, i) => [name, base + i])) as unknown as DrillPorts;
  return {
    ports,
    databaseUrl: serviceUrl(env, 'DRILL_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres', [
      'postgres:',
      'postgresql:',
    ]),
    redisUrl: serviceUrl(env, 'DRILL_REDIS_URL', 'redis://127.0.0.1:6379/11', ['redis:']),
    timeScale: integer(env, 'DRILL_TIME_SCALE', 30, 1, 600),
    reportDir: resolve(env.DRILL_REPORT_DIR || resolve(REPO_ROOT, 'artifacts', 'drills')),
    runId: env.DRILL_RUN_ID || `drill-${process.pid}-${Date.now()}`,
  };
}

export const portList = (ports: DrillPorts): [string, number][] => PORT_NAMES.map((n) => [n, ports[n]]);
