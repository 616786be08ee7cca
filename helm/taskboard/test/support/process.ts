import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Json } from './helm';

/** An ephemeral loopback port (the tests never take the rendered fixed ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * A rendered container's env as the kubelet would give it: plain values as they are, secret
 * references from `secrets` (keyed `<secret>/<key>`). A reference the test does not know fails,
 * so a new secret key in the chart cannot go unnoticed here.
 */
export function resolveEnv(container: Json, secrets: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) {
      const ref = `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`;
      if (!(ref in secrets))
        throw new Error(`${container.name}: env ${e.name} reads ${ref}, which the test does not provide`);
      env[e.name] = secrets[ref]!;
    } else throw new Error(`${container.name}: env ${e.name} has a source the test does not model`);
  }
  return env;
}

/** The containerPort a probe's named (or numbered) port resolves to. */
export function probePort(container: Json, port: string | number): number {
  if (typeof port === 'number') return port;
  const found = (container.ports ?? []).find((p: Json) => p.name === port);
  if (!found) throw new Error(`${container.name}: probe port ${port} is not a named container port`);
  return found.containerPort;
}

export interface Started {
  proc: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Starts a command, collecting its output line by line. */
export function start(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; ignoreStdout?: boolean },
): Started {
  // nginx opens /dev/stdout for its access log, which fails on the socket Node pipes a child's
  // stdout through: such a process gets /dev/null, as a container's log driver would never fail.
  const proc = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', opts.ignoreStdout ? 'ignore' : 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  proc.stdout?.on('data', (d) => stdout.push(String(d)));
  proc.stderr!.on('data', (d) => stderr.push(String(d)));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, stdout, stderr, exited };
}

export async function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = start(cmd, args, opts);
  // A command that never ends (a wrong entry point, say) is killed rather than left behind.
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout.join(''), stderr: p.stderr.join('') };
}

/** Polls `url` until it answers `status`; returns the milliseconds it took, or throws after `budgetMs`. */
export async function waitFor(
  url: string,
  status: number,
  budgetMs: number,
  alive?: () => boolean,
): Promise<number> {
  const startedAt = Date.now();
  let last = 'no answer';
  while (Date.now() - startedAt < budgetMs) {
    if (alive && !alive()) throw new Error(`process exited while waiting for ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === status) return Date.now() - startedAt;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer ${status} within ${budgetMs} ms (last: ${last})`);
}
