import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { ensureAppRole, scramMatches } from '../../src/database/app-role';
import { createDataSource, MIGRATIONS } from '../../src/database/data-source';
import { runMigrationsLocked } from '../../src/database/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ADMIN_DATABASE_URL, EMBEDDED } from '../support/env';
import { client, startTestApp } from '../support/test-app';

// Roles need a real server: PGlite is one session of one user. The real-service mode of
// `make test` (DATABASE_URL set) runs this file; the embedded mode skips it, saying why.
if (EMBEDDED) {
  console.log(
    'app-role.e2e: skipped in embedded mode (PGlite has a single user); runs with DATABASE_URL set, as `make test` does',
  );
}

// Unique per run: roles are cluster-wide and other test runs share the server.
const role = {
  user: `taskboard_app_${randomBytes(4).toString('hex')}`,
  password: randomBytes(24).toString('hex'),
};
let db: TestDatabase;

const urlAs = (url: string, user: string, password: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
};

/** Migrations and the app role, as the migration CLI does them: owner login, under the lock. */
async function migrateAsOwner(url: string): Promise<string[]> {
  const ds = createDataSource(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url }), url);
  await ds.initialize();
  try {
    return await runMigrationsLocked(ds, (runner) =>
      ensureAppRole((sql, params) => runner.query(sql, params), role),
    );
  } finally {
    await ds.destroy();
  }
}

async function asAppRole<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: urlAs(db.url, role.user, role.password) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe.skipIf(EMBEDDED)('least-privilege app database role (real PostgreSQL)', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role.user}`);
    await admin.end();
  });

  it('is created by the migration step, idempotently, even when two migrators race', async () => {
    const results = await Promise.all([migrateAsOwner(db.url), migrateAsOwner(db.url)]);
    // Exactly one of them applied the schema; both granted the role without error.
    expect(results.map((r) => r.length).sort()).toEqual([0, MIGRATIONS.length]);
    expect(await migrateAsOwner(db.url)).toEqual([]);
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        'SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolpassword FROM pg_authid WHERE rolname = $1',
        [role.user],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        rolcanlogin: true,
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
      });
      // Stored as a SCRAM verifier made from the password; the cleartext was never sent.
      expect(scramMatches(role.password, rows[0].rolpassword)).toBe(true);
      expect(scramMatches('not-the-password', rows[0].rolpassword)).toBe(false);
    } finally {
      await admin.end();
    }
  });

  it('computes SCRAM verifiers exactly as PostgreSQL does (so the server accepts them as-is)', async () => {
    const probe = `taskboard_scram_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query("SET password_encryption = 'scram-sha-256'");
      await admin.query(`CREATE ROLE ${probe} PASSWORD 'pencil and paper'`);
      const { rows } = await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [probe]);
      expect(scramMatches('pencil and paper', rows[0].rolpassword)).toBe(true);
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${probe}`);
      await admin.end();
    }
  });

  it('serves the API: register, create, list, update and delete tasks as the app role', async () => {
    const app = await startTestApp({ db, databaseUrl: (url) => urlAs(url, role.user, role.password) });
    try {
      const api = client(app.url);
      const u = await api.register();
      const created = await api.send<{ id: string }>('POST', '/api/tasks', {
        token: u.token,
        body: { title: 'least privilege' },
      });
      expect(created.status).toBe(201);
      expect((await api.send('GET', '/api/tasks', { token: u.token })).status).toBe(200);
      const patched = await api.send('PATCH', `/api/tasks/${created.body.id}`, {
        token: u.token,
        body: { status: 'DONE' },
      });
      expect(patched.status).toBe(200);
      expect((await api.send('DELETE', `/api/tasks/${created.body.id}`, { token: u.token })).status).toBe(
        204,
      );
    } finally {
      await app.close();
    }
    // The API really used the app role, not the owner.
    expect(await asAppRole(async (c) => (await c.query('SELECT current_user AS u')).rows[0].u)).toBe(
      role.user,
    );
  });

  it.each([
    ['DROP TABLE tasks'],
    ['ALTER TABLE tasks ADD COLUMN sneaky text'],
    ['CREATE TABLE sneaky (id int)'],
    ['TRUNCATE tasks'],
    ['DROP TYPE task_status CASCADE'],
    ['CREATE INDEX sneaky_idx ON tasks (title)'],
    ['DELETE FROM migrations'],
    ['INSERT INTO migrations (timestamp, name) VALUES (1, $$x$$)'],
    ['CREATE SCHEMA sneaky'],
    ['CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql AS $$SELECT 1$$'],
  ])('cannot run DDL or touch the migrations table: %s', async (sql) => {
    const error = await asAppRole((c) =>
      c.query(sql).then(
        () => undefined,
        (e: { code?: string }) => e,
      ),
    );
    expect(error?.code).toBe('42501'); // insufficient_privilege
  });

  it('gets DML on tables a later migration creates (default privileges of the owner)', async () => {
    const owner = new Client({ connectionString: db.url });
    await owner.connect();
    await owner.query('CREATE TABLE later_feature (id int PRIMARY KEY)');
    await owner.end();
    await asAppRole(async (c) => {
      await c.query('INSERT INTO later_feature VALUES (1)');
      await c.query('UPDATE later_feature SET id = 2');
      expect((await c.query('SELECT id FROM later_feature')).rows).toEqual([{ id: 2 }]);
      await c.query('DELETE FROM later_feature');
      const dropped = await c.query('DROP TABLE later_feature').then(
        () => undefined,
        (e: { code?: string }) => e,
      );
      expect(dropped?.code).toBe('42501');
    });
  });
});
