/**
 * Runs one Artillery scenario as a child process, bounded in time, and returns its parsed JSON and
 * the verdict of its `ensure` checks. The CLI (not the programmatic API) is used because it is
 * Artillery's stable interface and the same command a user or `run-fargate` runs.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { stringify } from 'yaml';
import { type ArtilleryResult, parseArtilleryResult } from './result';
import type { ArtilleryScript } from './script';

/** Environment every Artillery process gets: no telemetry, no colours in the output we parse. */
export const ARTILLERY_ENV = {
  ARTILLERY_DISABLE_TELEMETRY: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
} as const;

export const ARTILLERY_BIN = join(dirname(require.resolve('artillery/package.json')), 'bin', 'run');

export interface EnsureCheck {
  /** The expression as Artillery printed it, e.g. `http.response_time.p95 < 500`. */
  readonly expression: string;
  readonly passed: boolean;
  /** Non-strict checks are reported but do not fail the run. */
  readonly optional: boolean;
}

export interface RunOptions {
  /** The scenario, as an object (written to `<outputDir>/script.yml`) or the path of a script file. */
  readonly script: ArtilleryScript | string;
  /** Overrides `config.target` (Artillery's `--target`). */
  readonly target?: string;
  /** Folder for `script.yml`, `result.json`, `checks.json` and `artillery.log`; created if missing. */
  readonly outputDir: string;
  /** Hard bound: the run is killed after this long and reported as timed out. */
  readonly timeoutMs: number;
  /** Extra environment for the Artillery process (the processor reads its settings from it). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunOutcome {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** The parsed JSON; undefined when Artillery wrote none (it failed to start or was killed). */
  readonly result: ArtilleryResult | undefined;
  readonly checks: readonly EnsureCheck[];
  /** Exit code 0, not timed out, a result, and every strict check passed. */
  readonly passed: boolean;
  readonly resultPath: string;
  readonly scriptPath: string;
  readonly output: string;
}

/** Parses the `Checks:` block the ensure plugin prints (`ok: expr` / `fail: expr (optional)`). */
export function parseEnsureChecks(output: string): EnsureCheck[] {
  const start = output.lastIndexOf('Checks:');
  if (start < 0) return [];
  const checks: EnsureCheck[] = [];
  for (const raw of output.slice(start).split('\n').slice(1)) {
    const line = stripVTControlCharacters(raw).trim();
    const match = /^(ok|fail): (.+?)( \(optional\))?$/.exec(line);
    if (!match) continue;
    checks.push({ expression: match[2] ?? '', passed: match[1] === 'ok', optional: Boolean(match[3]) });
  }
  return checks;
}

export async function runArtillery(options: RunOptions): Promise<RunOutcome> {
  const outputDir = resolve(options.outputDir);
  mkdirSync(outputDir, { recursive: true });
  const scriptPath =
    typeof options.script === 'string' ? resolve(options.script) : join(outputDir, 'script.yml');
  if (typeof options.script !== 'string') writeFileSync(scriptPath, stringify(options.script));
  const resultPath = join(outputDir, 'result.json');
  const args = [ARTILLERY_BIN, 'run', '--output', resultPath];
  if (options.target) args.push('--target', options.target);
  args.push(scriptPath);

  // Own process group, so the bound kills Artillery's workers with it.
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env, ...ARTILLERY_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let timedOut = false;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const bound = setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    setTimeout(() => killGroup('SIGKILL'), 5_000).unref();
  }, options.timeoutMs);
  // Stop the run if the caller is interrupted, so no load generator outlives it.
  const onSignal = () => killGroup('SIGKILL');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const exitCode = await new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  clearTimeout(bound);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  killGroup('SIGKILL');

  writeFileSync(join(outputDir, 'artillery.log'), output);
  let result: ArtilleryResult | undefined;
  try {
    result = parseArtilleryResult(readFileSync(resultPath, 'utf8'), resultPath);
  } catch {
    result = undefined;
  }
  const checks = parseEnsureChecks(output);
  writeFileSync(join(outputDir, 'checks.json'), `${JSON.stringify(checks, null, 2)}\n`);
  const passed =
    exitCode === 0 && !timedOut && result !== undefined && checks.every((c) => c.passed || c.optional);
  return { exitCode, timedOut, result, checks, passed, resultPath, scriptPath, output };
}
