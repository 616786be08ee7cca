import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { type DrillConfig, portList, REPO_ROOT } from './config';

/** The external programs the harness runs, and the make target that installs each. */
export const TOOLS: { command: string; installedBy: string }[] = [
  { command: 'nginx', installedBy: 'make tools (Debian nginx-light)' },
  { command: 'prometheus', installedBy: 'make tools (Debian prometheus)' },
  { command: 'prometheus-alertmanager', installedBy: 'make tools (Debian prometheus-alertmanager)' },
  { command: 'toxiproxy-server', installedBy: 'make tools (go install of toxiproxy v2.5.0 into bin/)' },
];

export const API_MAIN = join(REPO_ROOT, 'api', 'dist', 'src', 'main.js');
export const API_MIGRATE = join(REPO_ROOT, 'api', 'dist', 'src', 'cli', 'migrate.js');

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function reachable(url: URL, fallbackPort: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(Number(url.port || fallbackPort), url.hostname);
    s.setTimeout(1000);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.once('timeout', () => done(false));
  });
}

/**
 * Everything a drill needs before it touches anything: tools, the built API, the real services and
 * free ports. Returns every problem found (empty: ready to start), so one run names them all.
 */
export async function preflight(config: DrillConfig): Promise<string[]> {
  const problems: string[] = [];
  for (const tool of TOOLS)
    if (!onPath(tool.command)) problems.push(`tool missing: ${tool.command} (install: ${tool.installedBy})`);
  if (!existsSync(API_MAIN)) problems.push(`the API is not built (${API_MAIN}): run \`make build\``);
  if (!(await reachable(config.databaseUrl, 5432)))
    problems.push(`PostgreSQL not reachable at ${config.databaseUrl.host} (DRILL_DATABASE_URL)`);
  if (!(await reachable(config.redisUrl, 6379)))
    problems.push(`Redis not reachable at ${config.redisUrl.host} (DRILL_REDIS_URL)`);
  for (const [name, port] of portList(config.ports))
    if (!(await portFree(port)))
      problems.push(`port 127.0.0.1:${port} (${name}) is taken: free it or set DRILL_PORT_BASE`);
  return problems;
}

export { portFree };
