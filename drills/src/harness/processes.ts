import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Started {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/**
 * Every process a drill starts, so all of them are stopped at the end: on success, on a failed
 * assertion, on an exception and on Ctrl-C. Output goes to one log file per process in `logDir`.
 */
export class ProcessGroup {
  private readonly running = new Set<Started>();
  /** Set once stopping began: a start racing a Ctrl-C must not leave a process behind. */
  private closed = false;

  constructor(
    private readonly logDir: string,
    /** Added to every child's environment: marks the drill's processes for the leak check. */
    private readonly marker: Record<string, string>,
  ) {
    // Last resort if the drill process exits without running its cleanup (an uncaught throw).
    process.once('exit', () => {
      for (const p of this.running) p.child.kill('SIGKILL');
    });
  }

  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Started {
    if (this.closed) throw new Error(`not starting ${name}: the drill is stopping`);
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH, ...env, ...this.marker },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const started: Started = {
      name,
      child,
      exited: new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.once('error', () => resolve());
      }),
    };
    this.running.add(started);
    void started.exited.then(() => this.running.delete(started));
    return started;
  }

  isRunning(p: Started): boolean {
    return this.running.has(p) && p.child.exitCode === null && p.child.signalCode === null;
  }

  /** SIGKILL, as a crashed pod or the OOM killer would. */
  async kill(p: Started): Promise<void> {
    if (!this.isRunning(p)) return;
    p.child.kill('SIGKILL');
    await p.exited;
  }

  /** SIGTERM (graceful), SIGKILL after `graceMs`. */
  async stop(p: Started, graceMs = 8000): Promise<void> {
    if (!this.isRunning(p)) return;
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
    await p.exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running].reverse().map((p) => this.stop(p)));
  }

  /** The last lines of a process' log, for error messages. */
  logTail(name: string, lines = 5): string {
    try {
      return readFileSync(join(this.logDir, `${name}.log`), 'utf8')
        .trim()
        .split('\n')
        .slice(-lines)
        .join(' | ');
    } catch {
      return '(no log)';
    }
  }

  get names(): string[] {
    return [...this.running].map((p) => p.name);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thrown by a probe to stop waiting at once (the thing waited for cannot happen any more). */
export class GiveUp extends Error {}

/** Polls until `probe` returns a value (not undefined), or fails naming what it waited for. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** GET that answers the status code, or 0 when nothing answered (refused, reset, timed out). */
export async function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  const attempt = (async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  })();
  // Belt and braces: whatever the client does with a socket of a killed process, the probe ends.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(0), timeoutMs + 500);
  });
  return Promise.race([attempt, deadline]).finally(() => clearTimeout(timer));
}
