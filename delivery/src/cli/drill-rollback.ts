import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeDrill, drillViolations, ROLLBACK_TARGET_MS } from '../drill/checks';
import { runRollbackDrill } from '../drill/drill';
import { Teardown } from '../drill/teardown';

/**
 * `make drill-rollback` (and, with --bench, `make bench-rollback`): runs the drill, prints the
 * figures, exits 1 when a correctness check fails (or, with --bench, when the rollback took
 * longer than the 3-minute target). Ctrl-C stops every process it started.
 */
function config() {
  const fail = (name: string, why: string): never => {
    console.error(`drill-rollback: ${name} ${why}`);
    process.exit(2);
  };
  const url = (name: string, fallback: string | undefined, protocols: string[]) => {
    const value = process.env[name] || fallback;
    if (value === undefined) return undefined;
    try {
      if (!protocols.includes(new URL(value).protocol)) throw new Error();
    } catch {
      fail(name, `must be a ${protocols.join(' or ')} URL, got "${value}"`);
    }
    return value;
  };
  return {
    adminDatabaseUrl: url('DRILL_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres', [
      'postgres:',
      'postgresql:',
    ])!,
    redisUrl: url('DRILL_REDIS_URL', undefined, ['redis:', 'rediss:']),
    historyFile: resolve(process.env.DRILL_HISTORY || 'artifacts/drill-rollback/history.json'),
  };
}

async function main(): Promise<number> {
  const bench = process.argv.includes('--bench');
  const options = config();
  // Each drill starts a fresh history: its checks read exactly the records this run wrote.
  rmSync(options.historyFile, { force: true });
  mkdirSync(dirname(options.historyFile), { recursive: true });
  const teardown = new Teardown();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      console.error(`drill-rollback: ${signal}, stopping everything the drill started`);
      teardown.run().finally(() => process.exit(130));
    });

  const report = await runRollbackDrill({
    ...options,
    teardown,
    log: (line) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`),
  });
  for (const line of describeDrill(report)) console.log(line);
  console.log(`drill: history in ${options.historyFile}`);
  const violations = drillViolations(report);
  for (const v of violations) console.error(`drill-rollback: FAIL ${v}`);
  if (violations.length) return 1;
  console.log('drill-rollback: PASS (rolled back automatically, zero failed requests, history recorded)');
  if (bench) {
    const within = report.rollbackMs <= ROLLBACK_TARGET_MS;
    console.log(
      `bench-rollback: rollback ${(report.rollbackMs / 1000).toFixed(2)} s vs target ${ROLLBACK_TARGET_MS / 1000} s: ${within ? 'PASS' : 'FAIL'}`,
    );
    if (!within) return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`drill-rollback: ${(err as Error).message}`);
    process.exit(1);
  },
);
