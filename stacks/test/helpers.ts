import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EnvName, loadConfig } from '../config';
import type { Block, TfDocument } from '../policy/tf-json';
import { type SynthesizedFile, synthesize } from '../synth';

/** Synthesizes the whole app with the defaults plus `vars` (TASKBOARD_* overrides) into a temp dir. */
export function synthAll(vars: Record<string, string> = {}): Map<string, SynthesizedFile> {
  const dir = mkdtempSync(join(tmpdir(), 'taskboard-synth-'));
  try {
    return new Map(synthesize(loadConfig(vars), dir).map((f) => [f.name, f]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function doc(files: Map<string, SynthesizedFile>, env: EnvName, stack: string): TfDocument {
  const file = files.get(`${env}-${stack}`);
  if (!file) throw new Error(`no stack ${env}-${stack}`);
  return file.doc;
}

/** All resources of a type (bodies), in logical-id order. */
export function all(d: TfDocument, type: string): Block[] {
  return Object.values(d.resource?.[type] ?? {});
}

/** The single resource of a type; fails loudly when there are zero or several. */
export function one(d: TfDocument, type: string, nameIncludes = ''): Block {
  const matches = Object.entries(d.resource?.[type] ?? {}).filter(([n]) => n.includes(nameIncludes));
  if (matches.length !== 1)
    throw new Error(`expected one ${type} matching "${nameIncludes}", found ${matches.length}`);
  return matches[0]![1];
}

export function data(d: TfDocument, type: string): Block[] {
  return Object.values(d.data?.[type] ?? {});
}

/** A Terraform interpolation `${expr}`, as it appears in the synthesized JSON. */
export const ref = (expr: string): string => `\${${expr}}`;

/**
 * The helm binary the chart tests run: the project's pinned ./bin/helm (make tools), else a helm on
 * PATH (make tools leaves one there alone: it installs only what is missing); undefined when there
 * is none, so a test can skip and say why.
 */
export function helmBinary(root: string): string | undefined {
  const pinned = join(root, 'bin', 'helm');
  if (existsSync(pinned)) return pinned;
  return spawnSync('helm', ['version', '--short'], { stdio: 'ignore' }).status === 0 ? 'helm' : undefined;
}
