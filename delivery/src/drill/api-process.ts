import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_PATHS } from '@taskboard/contracts';

/** The repository root: the nearest folder above this file holding the api workspace (from src/ or dist/). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'api', 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`drill: no api/ workspace above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** The compiled API (make build), as `make demo`, the container and the chart start it. */
export const API_MAIN = join(repoRoot(), 'api', 'dist', 'src', 'main.js');

export interface ApiProcess {
  version: string;
  port: number;
  url: string;
  pid: number;
  alive(): boolean;
  /** SIGTERM (the API drains), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function ready(url: string): Promise<boolean> {
  return new Promise((done) => {
    const req = get(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(false));
  });
}

/** Starts one version of the API on 127.0.0.1:port and resolves once /health/ready answers 200. */
export async function startApi(
  version: string,
  port: number,
  env: Record<string, string | undefined>,
  startTimeoutMs = 60_000,
  track?: (api: ApiProcess) => void,
): Promise<ApiProcess> {
  const proc: ChildProcess = spawn(process.execPath, ['--enable-source-maps', API_MAIN], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  const keep = (d: Buffer) => {
    output = (output + String(d)).slice(-4000);
  };
  proc.stderr!.on('data', keep);
  const api: ApiProcess = {
    version,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid!,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async stop(graceMs = 30_000) {
      if (!api.alive()) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  // Known to the caller's teardown before it is ready: Ctrl-C during a slow start stops it too.
  track?.(api);
  proc.stdout!.on('data', keep);
  // Logs stay at warn (no line per request under traffic), so readiness is polled, not logged.
  const deadline = Date.now() + startTimeoutMs;
  let started = false;
  while (!started && Date.now() < deadline && proc.exitCode === null) {
    started = await ready(`http://127.0.0.1:${port}${API_PATHS.ready}`);
    if (!started) await sleep(200);
  }
  if (!started) {
    await api.stop(1000);
    throw new Error(`drill: API ${version} did not start on port ${port}:\n${output}`);
  }
  return api;
}
