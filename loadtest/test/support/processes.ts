import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');
export const API_MAIN = join(REPO, 'api', 'dist', 'src', 'main.js');
export const PG = { host: '127.0.0.1', port: 5432 };
export const REDIS = { host: '127.0.0.1', port: 6379 };
/** Our own Redis database (12-14 are taken by other suites). */
export const REDIS_DB = 11;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export function reachable({ host, port }: { host: string; port: number }): Promise<boolean> {
  return new Promise((done) => {
    const s = connect(port, host);
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', () => done(false));
    s.once('timeout', () => {
      s.destroy();
      done(false);
    });
  });
}

export const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

export function psql(sql: string) {
  return spawnSync(
    'psql',
    ['-h', PG.host, '-p', String(PG.port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    {
      encoding: 'utf8',
    },
  );
}

/** Why the live API cannot run here, or undefined when it can. */
export async function liveSkipReason(): Promise<string | undefined> {
  if (!existsSync(API_MAIN)) return `the API is not built (${API_MAIN} missing): run \`make build\``;
  if (!onPath('psql')) return 'psql is not installed (needed to create the test database)';
  if (!(await reachable(PG))) return `PostgreSQL is not reachable on ${PG.host}:${PG.port}`;
  if (!(await reachable(REDIS))) return `Redis is not reachable on ${REDIS.host}:${REDIS.port}`;
  return undefined;
}

export function start(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
  cwd?: string,
): ChildProcess {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(log);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return child;
}

export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Processes whose command line mentions `needle` (to prove a run left no load generator behind). */
export function processesMatching(needle: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'))
    .map((l) => l.trim());
}
