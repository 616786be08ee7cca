import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/paths';

export const ROOT = repoRoot(__dirname);
export const repoFileExists = (repoPath: string): boolean => existsSync(join(ROOT, repoPath));

/** A deep copy to break one thing in, leaving the catalogue itself untouched. */
export const clone = <T>(value: T): T => structuredClone(value);
