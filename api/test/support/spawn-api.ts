import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const MAIN_JS = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
export const MIGRATE_JS = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'migrate.js');
export const BUILT = existsSync(MAIN_JS);
if (!BUILT)
  console.info(
    `[skip] process tests need the compiled API (${MAIN_JS}); run \`make build\` (make test does)`,
  );

export interface SpawnedApi {
  url: string;
  proc: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Runs the compiled API as its own process (as `make demo` and the container do). */
export async function spawnApi(env: Record<string, string | undefined>): Promise<SpawnedApi> {
  const proc = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  proc.stderr!.on('data', (d) => stderr.push(String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    proc.stdout!.on('data', (d) => {
      buffer += String(d);
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        stdout.push(line);
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'listening') resolve(entry.url);
        } catch {
          // not JSON: kept in stdout for the assertion messages
        }
        nl = buffer.indexOf('\n');
      }
    });
    exited.then((code) => reject(new Error(`api exited (${code}) before listening: ${stderr.join('')}`)));
    setTimeout(() => reject(new Error(`api did not start in 60 s: ${stderr.join('')}`)), 60_000).unref();
  });
  return { url, proc, stdout, stderr, exited };
}

/** Runs a compiled entry point to completion and returns its exit code and output. */
export function runNode(
  script: string,
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [script], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
