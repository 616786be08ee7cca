import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '../generate';
import { GENERATED_DIR, repoRoot } from '../paths';

const root = repoRoot();
mkdirSync(join(root, GENERATED_DIR), { recursive: true });
// A removed experiment must not leave its manifest behind.
for (const f of readdirSync(join(root, GENERATED_DIR))) rmSync(join(root, GENERATED_DIR, f));
const files = generatedFiles(root);
for (const [path, content] of files) writeFileSync(join(root, path), content);
console.log(`generate-chaos: ${files.size} manifests in ${join(root, GENERATED_DIR)}`);
