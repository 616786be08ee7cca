// `make snapshot-infra`: rewrites stacks/__snapshots__/ from a fresh synth of the defaults.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSnapshots, SNAPSHOT_SUFFIX, synthesizeDefaults } from '../snapshots';

const dir = join(process.cwd(), 'stacks', '__snapshots__');
mkdirSync(dir, { recursive: true });
const files = synthesizeDefaults();
const wanted = new Set(files.map((f) => f.name));
for (const name of readSnapshots(dir).keys()) {
  if (!wanted.has(name)) rmSync(join(dir, `${name}${SNAPSHOT_SUFFIX}`));
}
for (const f of files) writeFileSync(join(dir, `${f.name}${SNAPSHOT_SUFFIX}`), f.text);
console.log(`snapshot-infra: wrote ${files.length} files to stacks/__snapshots__/`);
