/**
 * Writes every generated file under dashboards/generated and removes ones no longer produced,
 * so the committed folder is exactly the generator's output.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GENERATED_DIR, generatedFiles } from '../outputs';

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const root = join(__dirname, '..', '..', '..');
const files = generatedFiles();
mkdirSync(join(root, GENERATED_DIR), { recursive: true });
for (const existing of listFiles(join(root, GENERATED_DIR))) {
  if (!files.has(relative(root, existing))) rmSync(existing);
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
console.log(`generate: wrote ${files.size} files under dashboards/${GENERATED_DIR}`);
