import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { ADMIN_DATABASE_URL } from './env';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database per test file: a new database on the real server, or a new PGlite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!ADMIN_DATABASE_URL) {
    const dir = mkdtempSync(join(tmpdir(), 'taskboard-pglite-'));
    const embedded = await startEmbeddedPostgres(dir);
    return {
      url: embedded.url,
      async drop() {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `taskboard_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
