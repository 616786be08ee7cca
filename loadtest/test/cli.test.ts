/**
 * The make entry points' CLI: an unknown scenario lists the valid ones and exits non-zero (as
 * `make loadtest SCENARIO=…` does), `validate` dry-parses every scenario, and `compare` writes a
 * side-by-side report of two saved runs with their deltas.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPARE_FILES } from '../src/report/compare';
import { RUN_FILES, type RunMeta, writeMeta } from '../src/run/saved-run';
import { REPO } from './support/processes';
import { syntheticResult } from './support/synthetic-result';

const CLI = join(REPO, 'loadtest', 'dist', 'src', 'cli', 'loadtest.js');
const built = existsSync(CLI);
if (!built)
  console.info(
    `[skip] CLI tests need the compiled CLI (${CLI}); run \`make build-loadtest\` (make test does)`,
  );
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });

const work = mkdtempSync(join(tmpdir(), 'loadtest-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!built)('loadtest CLI', () => {
  it('an unknown scenario prints the valid names and exits 2', () => {
    const r = cli('run', 'nosuch');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'unknown scenario "nosuch"; valid scenarios: smoke, baseline, stress, spike, soak, journey',
    );
  });

  it('perf-baseline refuses a target that is not ready before any run, naming it', () => {
    // Port 9 (discard) on 127.0.0.1: nothing listens there.
    const r = spawnSync(process.execPath, [CLI, 'perf-baseline', '--out', join(work, 'never')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LOADTEST_TARGET: 'http://127.0.0.1:9' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the target is not ready: GET http://127.0.0.1:9/health/ready failed');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('make loadtest with an unknown SCENARIO fails and lists the valid names', () => {
    const r = spawnSync('make', ['-s', 'loadtest', 'SCENARIO=nosuch'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('valid scenarios: smoke, baseline, stress, spike, soak, journey');
  });

  it('bad configuration exits 2 naming the variable', () => {
    const r = spawnSync(process.execPath, [CLI, 'validate'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', LOADTEST_RATE: '-5' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('LOADTEST_RATE');
  });

  it('validate dry-parses every scenario', () => {
    const r = cli('validate');
    expect(r.status, r.stderr).toBe(0);
    for (const name of ['smoke', 'baseline', 'stress', 'spike', 'soak', 'journey'])
      expect(r.stdout).toContain(`${name}: valid`);
  });

  it('script writes a self-contained script and processor for run-fargate', () => {
    const dir = join(work, 'fargate');
    const r = cli('script', 'baseline', dir);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'baseline.yml'), 'utf8')).toContain('processor: ./processor.js');
    expect(readFileSync(join(dir, 'processor.js'), 'utf8')).toContain('useSharedUser');
  });

  it('compare renders side-by-side charts and deltas of two saved runs', () => {
    const save = (name: string, meta: Partial<RunMeta>, badCount: number) => {
      const dir = join(work, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, RUN_FILES.result), JSON.stringify(syntheticResult({ badCount })));
      writeMeta(dir, {
        scenario: 'baseline',
        target: 'http://127.0.0.1:3000',
        startedAt: '2026-01-01T12:00:00.000Z',
        finishedAt: '2026-01-01T12:01:00.000Z',
        passed: true,
        timedOut: false,
        exitCode: 0,
        cache: { hits: 0, misses: 0, hitRatio: null },
        ...meta,
      });
      return dir;
    };
    const before = save('off', { label: 'cache off', cache: { hits: 0, misses: 0, hitRatio: null } }, 40);
    const after = save('on', { label: 'cache on', cache: { hits: 900, misses: 100, hitRatio: 0.9 } }, 10);
    const out = join(work, 'compare');
    const r = cli('compare', before, after, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'comparison.md'), 'utf8');
    expect(md).toContain('# Comparison: cache off vs cache on');
    expect(md).toContain('| Cache hit ratio | no lookups | 90.0 % |');
    // 45 of 6000 bad before, 15 of 6000 after.
    expect(md).toContain('| Error ratio | 0.750 % | 0.250 % | -66.7 % |');
    for (const file of Object.values(COMPARE_FILES)) {
      expect(md).toContain(`](${file})`);
      const svg = readFileSync(join(out, file), 'utf8');
      expect(svg).toContain('cache off');
      expect(svg).toContain('cache on');
    }
    expect(cli('compare', before, join(work, 'missing')).stderr).toContain('is not a load-test run folder');
  });
});
