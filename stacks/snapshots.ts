import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { type SynthesizedFile, synthesize } from './synth';

/**
 * The committed copy of the synthesized JSON (defaults, no TASKBOARD_* overrides): reviewers
 * read infrastructure changes as JSON diffs, and a test fails when it is stale.
 * Regenerate with `make snapshot-infra`.
 */
export const SNAPSHOT_SUFFIX = '.snap.json';

/** Synthesizes the reviewed defaults (environment overrides deliberately ignored). */
export function synthesizeDefaults(): SynthesizedFile[] {
  const dir = mkdtempSync(join(tmpdir(), 'taskboard-snapshot-'));
  try {
    return synthesize(loadConfig({}), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readSnapshots(dir: string): Map<string, string> {
  const names = readdirSync(dir).filter((f) => f.endsWith(SNAPSHOT_SUFFIX));
  return new Map(names.map((f) => [f.slice(0, -SNAPSHOT_SUFFIX.length), readFileSync(join(dir, f), 'utf8')]));
}
