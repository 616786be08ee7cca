// Proves the toolchain agrees with itself: the Node pinned in scripts/node.sh is the Node this
// runs on and the one npm runs on; .nvmrc, .node-version and every package.json `engines.node`
// name its major; and every native module compiled at install time loads in it (a module built
// for another Node's ABI fails only when first required, often deep inside a test).
// Before checking the repository it checks broken copies of it, so each rule is shown to bite.
// Usage: node scripts/check-node.mjs [repository root]  (make check-node)
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

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

/** Every way the repository at `root` disagrees with its pinned Node; empty when it agrees. */
function check(root, { runtime = true } = {}) {
  const problems = [];
  const pinned = execFileSync('bash', [join(root, 'scripts/node.sh'), '--pinned'], {
    encoding: 'utf8',
  }).trim();
  const major = pinned.split('.')[0];

  for (const file of ['.nvmrc', '.node-version']) {
    const path = join(root, file);
    const value = existsSync(path) ? readFileSync(path, 'utf8').trim() : '(missing)';
    if (value !== major) problems.push(`${file} says ${value}, the pinned Node ${pinned} is major ${major}`);
  }

  // engines.node: required at the root, checked in every workspace that declares one.
  const rootPackage = readJson(join(root, 'package.json'));
  const manifests = ['package.json', ...(rootPackage.workspaces ?? []).map((w) => join(w, 'package.json'))];
  for (const manifest of manifests) {
    const path = join(root, manifest);
    const engines = existsSync(path) ? readJson(path).engines?.node : undefined;
    if (engines === undefined && manifest !== 'package.json') continue;
    if (engines !== `^${major}`) {
      problems.push(
        `${manifest} engines.node is ${engines ?? '(missing)'}, expected ^${major} (pinned Node ${pinned})`,
      );
    }
  }

  // Native modules compiled by npm ci (node-gyp output in <package>/build/Release) must load here.
  let addons = 0;
  for (const pkg of packageDirs(join(root, 'node_modules'))) {
    const release = join(pkg, 'build', 'Release');
    if (!existsSync(release)) continue;
    for (const file of readdirSync(release).filter((f) => f.endsWith('.node'))) {
      addons++;
      try {
        process.dlopen({ exports: {} }, join(release, file));
      } catch (error) {
        problems.push(
          `${relative(root, join(release, file))} does not load: ${error.message.replace(/\s+/g, ' ')}`,
        );
      }
    }
  }

  // The running Node and npm: skipped for the broken copies, which only differ in files.
  if (!runtime) return { problems, pinned, major, addons };
  if (process.version !== `v${pinned}`) {
    problems.push(
      `running on Node ${process.version} (${process.execPath}), not the pinned v${pinned}: run make tools`,
    );
  }
  // npm is a script run by the first `node` on PATH; it must be the pinned one too.
  const npm = JSON.parse(execFileSync('npm', ['version', '--json'], { cwd: root, encoding: 'utf8' }));
  if (npm.node !== pinned) problems.push(`npm ${npm.npm} runs on Node ${npm.node}, not the pinned ${pinned}`);
  return { problems, pinned, major, npm: npm.npm, addons };
}

/** Checks broken copies of the repository's toolchain files; returns the rules that did not bite. */
function selfTest(root, major) {
  const copyOf = (breakIt) => {
    const dir = mkdtempSync(join(tmpdir(), 'check-node-'));
    for (const file of ['scripts/node.sh', 'package.json', '.nvmrc', '.node-version']) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(root, file), join(dir, file));
    }
    breakIt(dir);
    return dir;
  };
  const otherMajor = String(Number(major) - 4);
  // An addon built for another Node's ABI (not Node-API): node-pty ships prebuilt ones for older Nodes.
  const foreignAddon = [...packageDirs(join(root, 'node_modules'))]
    .map((pkg) => join(pkg, 'prebuilds', `${process.platform}-${process.arch}`))
    .filter(existsSync)
    .flatMap((dir) => readdirSync(dir).map((f) => join(dir, f)))
    .find(
      (f) =>
        /^node\.abi\d+\.node$/.test(f.split('/').pop()) && !f.endsWith(`abi${process.versions.modules}.node`),
    );
  const cases = [
    ['.nvmrc', (dir) => writeFileSync(join(dir, '.nvmrc'), `${otherMajor}\n`)],
    ['.node-version', (dir) => writeFileSync(join(dir, '.node-version'), `${otherMajor}\n`)],
    [
      'package.json engines.node',
      (dir) => {
        const pkg = readJson(join(dir, 'package.json'));
        pkg.engines.node = `>=${otherMajor}`;
        writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
      },
    ],
  ];
  if (foreignAddon) {
    cases.push([
      'does not load',
      (dir) => {
        mkdirSync(join(dir, 'node_modules/probe/build/Release'), { recursive: true });
        copyFileSync(foreignAddon, join(dir, 'node_modules/probe/build/Release/probe.node'));
      },
    ]);
  } else {
    console.log(
      'check-node: no addon built for another Node ABI in node_modules; the native-module rule is not probed',
    );
  }
  const missed = [];
  for (const [expected, breakIt] of cases) {
    const dir = copyOf(breakIt);
    try {
      if (!check(dir, { runtime: false }).problems.some((p) => p.includes(expected))) missed.push(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return missed;
}

const root = resolve(process.argv[2] ?? '.');
const result = check(root);
const missed = selfTest(root, result.major);
if (missed.length > 0) {
  console.error(`check-node: a broken ${missed.join(', ')} was not reported; the check itself is broken`);
  process.exit(1);
}
if (result.problems.length > 0) {
  console.error(`check-node: the toolchain disagrees with the pinned Node ${result.pinned}:`);
  for (const problem of result.problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(
  `check-node: Node ${process.version} (${process.execPath}) and npm ${result.npm} on it; .nvmrc, .node-version, ` +
    `engines agree on ${result.major}; ${result.addons} compiled native module(s) load; each rule bites on a broken copy`,
);
