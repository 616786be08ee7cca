import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const CHART_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const REPO_ROOT = join(CHART_DIR, '..', '..');
export const STACK_OUTPUTS = join(CHART_DIR, 'test', 'fixtures', 'stack-outputs.yaml');
/** The cluster stack's Kubernetes version: templates and lint run against it. */
export const KUBE_VERSION = '1.32';
export const RELEASE = 'taskboard';
export const NAMESPACE = 'taskboard';

/** The helm that `make tools` installs into ./bin, else the one on PATH. */
export const HELM = existsSync(join(REPO_ROOT, 'bin', 'helm')) ? join(REPO_ROOT, 'bin', 'helm') : 'helm';

export type Env = 'default' | 'dev' | 'prod';
export const ENVS: Env[] = ['default', 'dev', 'prod'];

/** The values files of one environment, in the order the installing stack passes them. */
export function valuesFiles(env: Env): string[] {
  const own = env === 'default' ? [] : [join(CHART_DIR, `values-${env}.yaml`)];
  return [...own, STACK_OUTPUTS];
}

export interface HelmRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmRun {
  const run = spawnSync(HELM, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  // Helm notes that files/generated is a symlink on every call; it is intended (see the README).
  const stderr = run.stderr
    .split('\n')
    .filter((l) => !l.includes('found symbolic link in path'))
    .join('\n');
  return { status: run.status, stdout: run.stdout, stderr };
}

export function template(files: string[], extraArgs: string[] = []): HelmRun {
  return helm([
    'template',
    RELEASE,
    CHART_DIR,
    '--namespace',
    NAMESPACE,
    '--kube-version',
    KUBE_VERSION,
    ...files.flatMap((f) => ['--values', f]),
    ...extraArgs,
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped YAML until validated
export type Json = any;
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: Json };
  [k: string]: Json;
};

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`rendered YAML does not parse: ${d.errors[0]?.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** Renders the chart for one environment (its values + the stack outputs) and parses it. */
export function render(env: Env, extraArgs: string[] = []): K8sObject[] {
  const run = template(valuesFiles(env), extraArgs);
  if (run.status !== 0) throw new Error(`helm template (${env}) failed: ${run.stderr}`);
  return parseManifests(run.stdout);
}

export const find = (objects: K8sObject[], kind: string, name?: string): K8sObject[] =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

export function one(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = find(objects, kind, name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0]!;
}
