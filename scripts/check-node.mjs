// Proves the toolchain agrees with itself: the Node pinned in scripts/node.sh is the Node this
// runs on and the one npm runs on; .nvmrc, .node-version and every package.json `engines.node`
// name its major; and every native module compiled at install time loads in it (a module built
// for another Node's ABI fails only when first required, often deep inside a test).
// Usage: node scripts/check-node.mjs [repository root]  (make check-node)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const problems = [];

const pinned = execFileSync('bash', [join(root, 'scripts/node.sh'), '--pinned'], { encoding: 'utf8' }).trim();
const major = pinned.split('.')[0];

for (const file of ['.nvmrc', '.node-version']) {
  const path = join(root, file);
  const value = existsSync(path) ? readFileSync(path, 'utf8').trim() : '(missing)';
  if (value !== major) problems.push(`${file} says ${value}, the pinned Node ${pinned} is major ${major}`);
}

// engines.node: required at the root, checked in every workspace that declares one.
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const rootPackage = readJson(join(root, 'package.json'));
const manifests = ['package.json', ...(rootPackage.workspaces ?? []).map((w) => join(w, 'package.json'))];
for (const manifest of manifests) {
  const engines = readJson(join(root, manifest)).engines?.node;
  if (engines === undefined && manifest !== 'package.json') continue;
  if (engines !== `^${major}`) {
    problems.push(
      `${manifest} engines.node is ${engines ?? '(missing)'}, expected ^${major} (pinned Node ${pinned})`,
    );
  }
}

if (process.version !== `v${pinned}`) {
  problems.push(
    `running on Node ${process.version} (${process.execPath}), not the pinned v${pinned}: run make tools`,
  );
}
// npm is a script run by the first `node` on PATH; it must be the pinned one too.
const npm = JSON.parse(execFileSync('npm', ['version', '--json'], { cwd: root, encoding: 'utf8' }));
if (npm.node !== pinned) problems.push(`npm ${npm.npm} runs on Node ${npm.node}, not the pinned ${pinned}`);

// Native modules compiled by npm ci (node-gyp output in <package>/build/Release) must load here.
function* packageDirs(nodeModules) {
  if (!existsSync(nodeModules)) return;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(nodeModules, entry.name);
    const packages = entry.name.startsWith('@')
      ? readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(dir, e.name))
      : [dir];
    for (const pkg of packages) {
      yield pkg;
      yield* packageDirs(join(pkg, 'node_modules'));
    }
  }
}
let addons = 0;
for (const pkg of packageDirs(join(root, 'node_modules'))) {
  const release = join(pkg, 'build', 'Release');
  if (!existsSync(release)) continue;
  for (const file of readdirSync(release).filter((f) => f.endsWith('.node'))) {
    addons++;
    try {
      process.dlopen({ exports: {} }, join(release, file));
    } catch (error) {
      problems.push(`${relative(root, join(release, file))} does not load: ${error.message.split('\n')[0]}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`check-node: the toolchain disagrees with the pinned Node ${pinned}:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(
  `check-node: Node ${process.version} (${process.execPath}) and npm ${npm.npm} on it; .nvmrc, .node-version, ` +
    `engines agree on ${major}; ${addons} compiled native module(s) load`,
);
