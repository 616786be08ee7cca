import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../src/generate';
import { GENERATED_DIR } from '../src/paths';
import { ROOT } from './support/repo';

describe('chaos/generated', () => {
  const expected = generatedFiles(ROOT);

  it('holds exactly one manifest per catalogue entry (run `make generate-chaos` after a change)', () => {
    expect(readdirSync(join(ROOT, GENERATED_DIR)).sort()).toEqual(
      [...expected.keys()].map((p) => p.slice(GENERATED_DIR.length + 1)).sort(),
    );
  });

  it.each([...expected.keys()])('%s is up to date (run `make generate-chaos`)', (path) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(expected.get(path));
  });
});
