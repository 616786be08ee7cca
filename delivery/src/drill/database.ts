import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A fresh database on the server named by the admin URL; both versions share it, as in production. */
export async function createDrillDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `taskboard_rollback_drill_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `drill: cannot reach PostgreSQL at DRILL_DATABASE_URL (${redact(adminUrl)}): ${(err as Error).message}`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
