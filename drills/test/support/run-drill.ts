import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Runs `make drill SCENARIO=<scenario>` from the repository root, in its own process group (as a
 * terminal runs it), with `env` added. `onOutput` sees the output as it comes (to interrupt it).
 */
export function makeDrill(
  scenario: string,
  env: Record<string, string>,
  onOutput: (soFar: string, pgid: number) => void = () => undefined,
): Promise<Run> {
  return new Promise((done) => {
    const child = spawn('make', ['--no-print-directory', 'drill', `SCENARIO=${scenario}`], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const take = (d: Buffer) => {
      output += String(d);
      onOutput(output, child.pid!);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code, signal) => done({ code, signal, output }));
  });
}
