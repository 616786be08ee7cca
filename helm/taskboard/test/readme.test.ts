import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_DIR, REPO_ROOT } from './support/helm';

const GENERATOR = join(REPO_ROOT, 'node_modules', '@bitnami', 'readme-generator-for-helm', 'bin', 'index.js');
const scratch = mkdtempSync(join(tmpdir(), 'taskboard-chart-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Proof 6: the README's Parameters section is what `make readme-chart` generates today. */
describe('chart README', () => {
  it('is current with values.yaml (run `make readme-chart` after changing values)', () => {
    const copy = join(scratch, 'README.md');
    copyFileSync(join(CHART_DIR, 'README.md'), copy);
    const run = spawnSync(
      process.execPath,
      [GENERATOR, '--values', join(CHART_DIR, 'values.yaml'), '--readme', copy],
      {
        encoding: 'utf8',
      },
    );
    // The generator also fails when a value has no `## @param` line.
    expect(run.stdout + run.stderr).not.toContain('ERROR');
    expect(run.status).toBe(0);
    expect(
      readFileSync(join(CHART_DIR, 'README.md'), 'utf8'),
      'README.md is stale: run `make readme-chart`',
    ).toBe(readFileSync(copy, 'utf8'));
  });

  it('documents what only a cluster can verify', () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    expect(readme).toContain('## Verified only on a cluster');
    expect(readme).toContain('enableNetworkPolicy');
  });
});
