import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { Client } from 'pg';
import type { DrillPorts } from '../../src/harness/config';
import { portList } from '../../src/harness/config';

/** PIDs of live processes whose environment carries DRILL_RUN_ID=<runId> (every process a drill starts does). */
export function processesOf(runId: string): number[] {
  const needle = `DRILL_RUN_ID=${runId}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1');
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // A zombie has exited already (its parent has not reaped it yet): it holds nothing.
      if (`${env}\0`.includes(needle) && !/\) Z /.test(stat)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function takenPorts(ports: DrillPorts): Promise<string[]> {
  const taken: string[] = [];
  for (const [name, port] of portList(ports)) if (!(await portFree(port))) taken.push(`${name}:${port}`);
  return taken;
}

export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.setTimeout(1000);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.once('timeout', () => done(false));
  });
}

/** Databases the drills created and did not drop. */
export async function drillDatabases(adminUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const res = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'taskboard_drill_%'",
    );
    return res.rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}
