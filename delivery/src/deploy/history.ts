import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type DeployAction = 'deploy' | 'rollback';

/**
 * How a deploy or rollback ended. `rolled-back`: the new version failed its smoke test and the
 * previous good one serves again (verified by its own smoke test); `rollback-failed`: that
 * verification failed too (page someone); `failed`: nothing to roll back to, or a manual rollback
 * whose smoke test failed.
 */
export type DeployResult = 'succeeded' | 'rolled-back' | 'rollback-failed' | 'failed';

export interface SmokeOutcome {
  ok: boolean;
  /** The journey step (or "switch") that failed. */
  failedStep?: string;
  reason?: string;
  ms: number;
}

export interface DeployRecord {
  action: DeployAction;
  version: string;
  actor: string;
  /** ISO times. */
  startedAt: string;
  finishedAt: string;
  result: DeployResult;
  /** What served before, and what serves now. */
  previous: string | null;
  live: string | null;
  smoke: SmokeOutcome;
  /** Present when an automatic rollback ran: to which version, its smoke test, and how long it took. */
  rollback?: { to: string; smoke: SmokeOutcome; ms: number };
  durationMs: number;
}

/** Where records are kept: a JSON file locally (the drill), GitHub deployments in CI (docs/delivery.md). */
export interface DeployHistory {
  list(): Promise<DeployRecord[]>;
  append(record: DeployRecord): Promise<void>;
}

/**
 * The version a rollback returns to: the newest one that passed its smoke test as the live
 * version (a successful deploy or rollback), skipping `except` (the version being replaced).
 */
export function lastGoodVersion(records: readonly DeployRecord[], except?: string): string | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.result === 'succeeded' && r.version !== except) return r.version;
    if (r.result === 'rolled-back' && r.live !== null && r.live !== except) return r.live;
  }
  return undefined;
}

/** The history as one JSON array in a file, replaced atomically (write then rename) on each append. */
export class JsonFileHistory implements DeployHistory {
  constructor(readonly file: string) {}

  async list(): Promise<DeployRecord[]> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error(`${this.file}: deploy history must be a JSON array`);
    return parsed as DeployRecord[];
  }

  async append(record: DeployRecord): Promise<void> {
    const records = [...(await this.list()), record];
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(records, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}

export class MemoryHistory implements DeployHistory {
  readonly records: DeployRecord[] = [];
  async list(): Promise<DeployRecord[]> {
    return [...this.records];
  }
  async append(record: DeployRecord): Promise<void> {
    this.records.push(record);
  }
}
