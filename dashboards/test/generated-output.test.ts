/** The committed files under generated/ must be exactly what the generator produces now. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, generatedFiles } from '../src/outputs';
import { WORKSPACE } from './promtool/run';

const STALE = 'stale: run `make generate-observability` and commit dashboards/generated';

describe('generated output is committed and current', () => {
  const expected = generatedFiles();

  for (const [path, content] of expected) {
    it(`${path} matches the generator`, () => {
      let committed: string;
      try {
        committed = readFileSync(join(WORKSPACE, path), 'utf8');
      } catch {
        throw new Error(`${path} is missing; ${STALE}`);
      }
      expect(committed === content, `${path} is ${STALE}`).toBe(true);
    });
  }

  it('holds no file the generator no longer writes', () => {
    const onDisk = readdirSync(join(WORKSPACE, GENERATED_DIR), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => relative(WORKSPACE, join(e.parentPath, e.name)));
    expect(
      onDisk.filter((p) => !expected.has(p)),
      STALE,
    ).toEqual([]);
  });
});
