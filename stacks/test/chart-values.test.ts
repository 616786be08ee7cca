import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHARTS, type ChartName, SUBCHARTS } from '../platform/charts';
import { checkKeys, hasPath, keyPaths } from '../platform/values-keys';
import type { Block } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, doc, synthAll } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHARED_DIR = resolve(process.env.TASKBOARD_SHARED_DIR ?? join(ROOT, '..', 'shared'));
const VALUES_DIR = join(SHARED_DIR, 'upstream-chart-values');
const present = existsSync(join(VALUES_DIR, 'SOURCES.txt'));
if (!present) {
  console.info(
    `[skip] upstream chart defaults not found in ${VALUES_DIR} (set TASKBOARD_SHARED_DIR); \`make chart-values\` fetches them with helm show values into .cache/shared and prints the TASKBOARD_SHARED_DIR to use`,
  );
}

/**
 * Free-form maps, by chart and key path: what sits below them is data the chart passes through
 * (Kubernetes objects, a config file), not chart keys, so only the map's own key is checked.
 */
const FREE_FORM: Partial<Record<ChartName, string[][]>> = {
  'kube-prometheus-stack': [
    ['prometheus', 'prometheusSpec', 'storageSpec'], // a prometheus-operator StorageSpec (default {})
    ['prometheus', 'prometheusSpec', 'resources'], // Kubernetes ResourceRequirements
    ['alertmanager', 'alertmanagerSpec', 'storage'], // a prometheus-operator StorageSpec
    ['alertmanager', 'config'], // alertmanager.yml itself (dashboards/src/alertmanager, checked there)
    ['alertmanager', 'serviceAccount', 'annotations'], // Kubernetes annotations
    ['grafana', 'grafana.ini'], // grafana.ini sections and settings
  ],
  'fluent-bit': [
    ['resources'], // Kubernetes ResourceRequirements
    ['serviceAccount', 'annotations'], // Kubernetes annotations
  ],
  'aws-load-balancer-controller': [
    ['podDisruptionBudget'], // a PodDisruptionBudget spec (default {})
    ['serviceAccount', 'annotations'], // Kubernetes annotations
  ],
  'cluster-autoscaler': [
    ['extraArgs'], // command-line flags of cluster-autoscaler
    ['rbac', 'serviceAccount', 'annotations'], // Kubernetes annotations
  ],
  'external-secrets': [['serviceAccount', 'annotations']], // Kubernetes annotations
  'prometheus-blackbox-exporter': [['config', 'modules']], // blackbox.yml modules, by our names
  'opentelemetry-collector': [
    // The collector's own configuration (receivers, processors, exporters, pipelines by our names),
    // merged by the chart over its defaults; its shape is asserted in platform.test.ts.
    ['config'],
    ['resources'], // Kubernetes ResourceRequirements
    ['serviceAccount', 'annotations'], // Kubernetes annotations
    ['podDisruptionBudget'], // a PodDisruptionBudget spec (minAvailable is commented out upstream)
  ],
};

const readDefaults = (name: string, version: string) =>
  parse(readFileSync(join(VALUES_DIR, `${name}-${version}.yaml`), 'utf8')) as unknown;

let files: Map<string, SynthesizedFile>;
// A whole-app synth takes seconds on a loaded shared machine: a generous hook timeout.
beforeAll(() => {
  files = synthAll();
}, 180_000);

describe('values-key helpers', () => {
  it('finds leaf paths and refuses a key the defaults do not have, or one below a scalar', () => {
    expect(keyPaths({ a: { b: 1, c: [] }, d: {} })).toEqual([['a', 'b'], ['a', 'c'], ['d']]);
    expect(hasPath({ a: { b: null } }, ['a', 'b'])).toBe(true);
    expect(hasPath({ a: { b: 'x' } }, ['a', 'b', 'c'])).toBe(false);
    const result = checkKeys(
      { prometheus: { retention: '7d' }, grafana: { admin: { existingSecret: 's' } }, extra: { x: 1 } },
      { prometheus: { prometheusSpec: { retention: '10d' } }, grafana: { enabled: true }, extra: {} },
      { grafana: { admin: { existingSecret: '' } } },
      [['extra'], ['unused', 'map']],
    );
    expect(result).toEqual({
      unknown: ['prometheus.retention'],
      unusedAllowed: ['unused.map'],
    });
  });
});

describe.skipIf(!present)('every values key the platform sets exists in the pinned chart defaults', () => {
  it('pins exactly the versions recorded in SOURCES.txt', () => {
    const sources = new Map(
      readFileSync(join(VALUES_DIR, 'SOURCES.txt'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ').slice(0, 2) as [string, string]),
    );
    for (const [chart, { version }] of Object.entries(CHARTS))
      expect([chart, sources.get(chart)]).toEqual([chart, version]);
    for (const [sub, version] of Object.entries(SUBCHARTS['kube-prometheus-stack'])) {
      expect([sub, sources.get(sub)]).toEqual([sub, version]);
    }
  });

  it.each(['dev', 'prod'] as const)('%s: no misplaced key in any release', (env) => {
    const d = doc(files, env, 'platform');
    let checked = 0;
    for (const r of all(d, 'helm_release') as Block[]) {
      const chart = r.chart as string;
      if (!(chart in CHARTS)) continue; // our local chart has its own values.yaml and render test
      const name = chart as ChartName;
      const subcharts: Record<string, unknown> = {};
      for (const [sub, version] of Object.entries(
        (SUBCHARTS as Record<string, Record<string, string>>)[name] ?? {},
      )) {
        subcharts[sub] = readDefaults(sub, version);
      }
      const values = parse((r.values as string[])[0]!) as object;
      const result = checkKeys(
        values,
        readDefaults(name, CHARTS[name].version),
        subcharts,
        FREE_FORM[name] ?? [],
      );
      expect({ chart: name, ...result }).toEqual({ chart: name, unknown: [], unusedAllowed: [] });
      checked += keyPaths(values).length;
    }
    expect(checked).toBeGreaterThan(50);
  });
});
