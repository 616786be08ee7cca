import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder up holding cdktf.json (source or compiled, same answer). */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'cdktf.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no cdktf.json above ${from}: not inside the taskboard-sre repository`);
    dir = up;
  }
  return dir;
}

export const GENERATED_DIR = 'chaos/generated';
/** The example data-stack outputs the chart tests render with; the committed manifests use them too. */
export const EXAMPLE_STACK_OUTPUTS = 'helm/taskboard/test/fixtures/stack-outputs.yaml';
