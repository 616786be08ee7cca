// `make bench-infra`: times our synth (precompiled JS, deep provider imports) against the same
// stacks imported the naive way (root `@cdktf/provider-aws` import, run by the cdktf CLI), in the
// same run, checks both produce identical JSON, and enforces the targets.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const TARGETS = { synthMs: 3000, speedup: 5, peakMb: 400 };
const RUNS = { ours: 3, oursCli: 1, naive: 2 };

const root = process.cwd();
const work = join(root, '.cache', 'bench-infra');
const cdktfBin = join(root, 'node_modules', '.bin', 'cdktf');

/** Maps `lib/<dir>` to the namespace the root index exports it as (`export * as vpc from './vpc'`). */
function rootNamespaces(): Map<string, string> {
  const index = readFileSync(join(root, 'node_modules/@cdktf/provider-aws/lib/index.d.ts'), 'utf8');
  return new Map([...index.matchAll(/export \* as (\w+) from '\.\/([\w-]+)'/g)].map((m) => [m[2]!, m[1]!]));
}

/** Copies the compiled app, rewriting every deep provider import into a root import. */
function buildNaiveApp(dir: string): number {
  const namespaces = rootNamespaces();
  cpSync(join(root, 'dist', 'infra'), dir, { recursive: true });
  // The app-alarms stack reads the canary bundle's manifest from the app's root (make synth builds it).
  cpSync(join(root, 'delivery', 'dist', 'canary'), join(dir, 'delivery', 'dist', 'canary'), {
    recursive: true,
  });
  let rewritten = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const file = join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.js')) {
        const text = readFileSync(file, 'utf8').replace(
          /require\("@cdktf\/provider-aws\/lib\/([\w-]+)"\)/g,
          (_m, lib: string) => {
            const ns = namespaces.get(lib);
            if (!ns) throw new Error(`no root export for @cdktf/provider-aws/lib/${lib}`);
            rewritten += 1;
            return `require("@cdktf/provider-aws").${ns}`;
          },
        );
        writeFileSync(file, text);
      }
    }
  };
  walk(dir);
  writeFileSync(
    join(dir, 'cdktf.json'),
    JSON.stringify({
      language: 'typescript',
      app: 'node main.js',
      terraformProviders: [],
      sendCrashReports: 'false',
    }),
  );
  return rewritten;
}

interface Run {
  ms: number;
  peakMb: number;
}

/** Runs a command; peak memory is the largest maxRSS any node process of it reported at exit. */
function timed(
  label: string,
  cmd: string,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string>,
): Run {
  const rssFile = join(work, `${label}.rss`);
  rmSync(rssFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      ...extraEnv,
      CHECKPOINT_DISABLE: '1',
      BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `--require ${join(work, 'rss.js')}`,
    },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${label}: ${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  const rss = readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  return { ms, peakMb: Math.max(...rss) / 1024 };
}

function best(runs: Run[]): Run {
  return { ms: Math.min(...runs.map((r) => r.ms)), peakMb: Math.max(...runs.map((r) => r.peakMb)) };
}

function sameJson(a: string, b: string): string[] {
  const stacks = readdirSync(join(a, 'stacks')).sort();
  const other = readdirSync(join(b, 'stacks')).sort();
  if (stacks.join() !== other.join()) return [`stack lists differ: ${stacks} vs ${other}`];
  return stacks.filter(
    (s) =>
      readFileSync(join(a, 'stacks', s, 'cdk.tf.json'), 'utf8') !==
      readFileSync(join(b, 'stacks', s, 'cdk.tf.json'), 'utf8'),
  );
}

function main(): number {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // maxRSS is in KiB; appended by every node process started under NODE_OPTIONS.
  writeFileSync(
    join(work, 'rss.js'),
    "process.on('exit', () => require('node:fs').appendFileSync(process.env.BENCH_RSS_FILE, process.resourceUsage().maxRSS + '\\n'));\n",
  );
  const naiveDir = join(work, 'naive');
  const rewritten = buildNaiveApp(naiveDir);

  const ours = best(
    [...Array(RUNS.ours).keys()].map(() =>
      timed('ours', 'node', ['dist/infra/main.js'], root, { CDKTF_OUTDIR: join(work, 'out-ours') }),
    ),
  );
  const oursCli = best(
    [...Array(RUNS.oursCli).keys()].map(() =>
      timed('ours-cli', cdktfBin, ['synth', '--output', join(work, 'out-ours-cli')], root, {}),
    ),
  );
  const naive = best(
    [...Array(RUNS.naive).keys()].map(() =>
      timed('naive', cdktfBin, ['synth', '--output', join(work, 'out-naive')], naiveDir, {}),
    ),
  );
  const mismatches = [
    ...sameJson(join(work, 'out-ours'), join(work, 'out-naive')),
    ...sameJson(join(work, 'out-ours'), join(work, 'out-ours-cli')),
  ];
  const stacks = readdirSync(join(work, 'out-ours', 'stacks')).length;
  const speedup = naive.ms / ours.ms;

  const row = (name: string, r: Run, note: string) =>
    console.log(
      `  ${name.padEnd(44)} ${r.ms.toFixed(0).padStart(7)} ms  ${r.peakMb.toFixed(0).padStart(5)} MB  ${note}`,
    );
  console.log(
    `bench-infra: full synth of ${stacks} stacks (dev + prod), best of N runs, same machine, same run`,
  );
  row('ours: node dist/infra/main.js (make synth)', ours, `best of ${RUNS.ours}`);
  row('ours under the cdktf CLI (cdktf synth)', oursCli, `best of ${RUNS.oursCli}`);
  row(
    'naive: root import under the cdktf CLI',
    naive,
    `best of ${RUNS.naive}; ${rewritten} imports rewritten`,
  );
  console.log(
    `  speedup naive / ours: ${speedup.toFixed(1)}x   (naive / ours-under-CLI: ${(naive.ms / oursCli.ms).toFixed(1)}x)`,
  );
  console.log(
    `  identical JSON from all three paths: ${mismatches.length === 0 ? 'yes' : `NO: ${mismatches.join(', ')}`}`,
  );

  const failures = [
    ours.ms > TARGETS.synthMs && `synth ${ours.ms.toFixed(0)} ms > ${TARGETS.synthMs} ms`,
    speedup < TARGETS.speedup && `speedup ${speedup.toFixed(1)}x < ${TARGETS.speedup}x`,
    ours.peakMb > TARGETS.peakMb && `peak ${ours.peakMb.toFixed(0)} MB > ${TARGETS.peakMb} MB`,
    mismatches.length > 0 && 'the naive path produced different JSON',
  ].filter((f): f is string => typeof f === 'string');
  console.log(
    `bench-infra: targets synth <= ${TARGETS.synthMs} ms, speedup >= ${TARGETS.speedup}x, peak <= ${TARGETS.peakMb} MB: ${
      failures.length === 0 ? 'met' : `MISSED (${failures.join('; ')})`
    }`,
  );
  console.log(`bench-infra: work files in ${relative(root, work)}/`);
  return failures.length === 0 ? 0 : 1;
}

process.exit(main());
