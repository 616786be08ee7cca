// `make chart-values`: fetches the default values of every chart the platform stack pins (and of
// kube-prometheus-stack's subcharts) with `helm show values`, into the git-ignored
// .cache/shared/upstream-chart-values, with a SOURCES.txt in the format of ../shared's. The
// values-key test (stacks/test/chart-values.test.ts) reads them with TASKBOARD_SHARED_DIR set to
// .cache/shared. Needs network access to the chart repositories.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHARTS, SUBCHART_REPOSITORIES, SUBCHARTS } from '../platform/charts';

const shared = resolve('.cache', 'shared');
const dir = join(shared, 'upstream-chart-values');
mkdirSync(dir, { recursive: true });

const wanted = [
  ...Object.entries(CHARTS).map(([name, c]) => ({ name, ...c })),
  ...Object.entries(SUBCHARTS['kube-prometheus-stack']).map(([name, version]) => ({
    name,
    version,
    repository: SUBCHART_REPOSITORIES[name]!,
  })),
];
const sources: string[] = [];
for (const c of wanted) {
  const r = spawnSync('helm', ['show', 'values', c.name, '--repo', c.repository, '--version', c.version], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    const reason = (r.error?.message ?? r.stderr ?? '').trim().split('\n')[0];
    console.error(
      `chart-values: helm show values ${c.name} ${c.version} from ${c.repository} failed: ${reason}`,
    );
    process.exit(2);
  }
  writeFileSync(join(dir, `${c.name}-${c.version}.yaml`), r.stdout);
  sources.push(`${c.name} ${c.version} ${c.repository} (helm show values)`);
  console.log(`chart-values: ${c.name} ${c.version}`);
}
writeFileSync(join(dir, 'SOURCES.txt'), `${sources.join('\n')}\n`);
console.log(`chart-values: run the values-key test with TASKBOARD_SHARED_DIR=${shared}`);
