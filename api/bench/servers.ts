import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The processes a benchmark starts (the API builds and the ceilings), and how it reads their cost. */
export interface Server {
  url: string;
  proc: ChildProcess;
}

/** Starts `node <script>` (or node with these arguments) and waits for its ready line on stdout. */
export async function start(
  script: string | string[],
  env: Record<string, string>,
  readyLine: (l: Record<string, unknown>) => string | undefined,
): Promise<Server> {
  const proc = spawn(process.execPath, Array.isArray(script) ? script : [script], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += String(d);
      for (const line of buf.split('\n')) {
        try {
          const u = readyLine(JSON.parse(line));
          if (u) {
            proc.stdout!.off('data', onData);
            proc.stdout!.resume(); // keep draining the request log without storing it
            resolve(u);
            return;
          }
        } catch {}
      }
    };
    proc.stdout!.on('data', onData);
    proc.on('exit', (c) => reject(new Error(`${script} exited ${c}`)));
  });
  return { url, proc };
}

export const byPort = (l: Record<string, unknown>) =>
  typeof l.port === 'number' ? `http://127.0.0.1:${l.port}` : undefined;
export const byListening = (l: Record<string, unknown>) =>
  l.msg === 'listening' ? String(l.url) : undefined;

export async function stop(s: Server): Promise<void> {
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await exited;
}

/** User + system CPU milliseconds a process has used so far (Linux /proc; NaN elsewhere). */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** A memory figure of a process from /proc/<pid>/status in MiB (VmRSS now, VmHWM = peak so far). */
export function memMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'),
    );
    return line ? Number(line[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** A figure for the printed tables: 2 decimals below 10, none above. */
export const f = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 0) : '-');
