import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED } from '../support/env';
import { useTestApp } from '../support/test-app';

const ctx = useTestApp();
const API_DIR = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'taskboard-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The served document, as a client generator would fetch it. */
async function servedDocument(): Promise<string> {
  const res = await fetch(`${ctx.t.url}/docs/json`);
  expect(res.status).toBe(200);
  const file = join(dir, 'openapi.json');
  writeFileSync(file, await res.text());
  return file;
}

/** A package's command-line entry point, run with this Node (no shell, no global install). */
function binOf(pkg: string, name: string): string {
  const require = createRequire(join(API_DIR, 'package.json'));
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name]!);
}

/** Runs a linter; a non-zero exit only means "found problems", which the assertions report. */
async function run(bin: string, args: string[]): Promise<string> {
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    NO_COLOR: '1',
  };
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: API_DIR,
      env,
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    if (!e.stdout) throw new Error(`${bin} failed without output: ${e.stderr}`);
    return e.stdout;
  }
}

interface Finding {
  rule: string;
  severity: 'error' | 'warn' | 'info';
  where: string;
  message: string;
}

// The document does not depend on the backing services: lint it once per `make test`, in the
// embedded mode every developer's plain `vitest run` also uses.
if (!EMBEDDED) {
  console.log('openapi-lint: skipped with real services (same document); runs in `make test-api-embedded`');
}

describe.skipIf(!EMBEDDED)('OpenAPI lint of the served document', () => {
  it('Spectral (spectral:oas, api/.spectral.yaml): no errors, no warnings', async () => {
    const file = await servedDocument();
    const out = await run(binOf('@stoplight/spectral-cli', 'spectral'), [
      'lint',
      file,
      '--ruleset',
      join(API_DIR, '.spectral.yaml'),
      '--format',
      'json',
      '--quiet',
      '--fail-severity',
      'warn',
    ]);
    const results = JSON.parse(out.slice(out.indexOf('['))) as {
      code: string;
      severity: number;
      path: string[];
      message: string;
    }[];
    const findings: Finding[] = results
      .filter((r) => r.severity <= 1)
      .map((r) => ({
        rule: r.code,
        severity: r.severity === 0 ? 'error' : 'warn',
        where: r.path.join('.'),
        message: r.message,
      }));
    expect(findings).toEqual([]);
  });

  it('Redocly (recommended, api/redocly.yaml): no errors, no warnings', async () => {
    const file = await servedDocument();
    const out = await run(binOf('@redocly/cli', 'redocly'), [
      'lint',
      file,
      '--config',
      join(API_DIR, 'redocly.yaml'),
      '--format',
      'json',
      '--max-problems',
      '1000',
    ]);
    const report = JSON.parse(out.slice(out.indexOf('{'))) as {
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };
    const findings: Finding[] = report.problems
      .filter((p) => p.severity === 'error' || p.severity === 'warn')
      .map((p) => ({
        rule: p.ruleId,
        severity: p.severity as Finding['severity'],
        where: p.location.map((l) => l.pointer).join(' '),
        message: p.message,
      }));
    expect(findings).toEqual([]);
  });
});
