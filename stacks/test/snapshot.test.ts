import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSnapshots, synthesizeDefaults } from '../snapshots';

const SNAPSHOT_DIR = fileURLToPath(new URL('../__snapshots__', import.meta.url));

describe('committed synth snapshot (stacks/__snapshots__)', () => {
  const fresh = new Map(synthesizeDefaults().map((f) => [f.name, f.text]));
  const committed = readSnapshots(SNAPSHOT_DIR);

  it('holds exactly one file per synthesized stack', () => {
    expect([...committed.keys()].sort(), 'stale: run `make snapshot-infra` and commit').toEqual(
      [...fresh.keys()].sort(),
    );
  });

  it.each([...fresh.keys()])('%s matches what synth produces now', (name) => {
    // Compared as text: the snapshot is byte-for-byte the cdk.tf.json an operator would apply.
    expect(committed.get(name), `stale ${name}: run \`make snapshot-infra\` and commit`).toBe(
      fresh.get(name),
    );
  });
});
