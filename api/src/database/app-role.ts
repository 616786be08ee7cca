import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { z } from 'zod';
import { ConfigError } from '../config/config';

/**
 * The API's own PostgreSQL login: DML on the app tables only. The migration step (which alone
 * holds the owner/master credentials in DATABASE_URL) creates it, sets its password and grants
 * it, idempotently, under the migration advisory lock. The API then connects as this role, so
 * a compromised API cannot DROP, ALTER, TRUNCATE or CREATE anything.
 */
export interface AppRole {
  user: string;
  password: string;
}

const settings = z
  .object({
    APP_DB_USER: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL role name (a-z, 0-9, _; max 63)')
      .optional(),
    APP_DB_PASSWORD: z.string().min(16, 'must be at least 16 characters').optional(),
    DATABASE_URL: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    const set = [e.APP_DB_USER, e.APP_DB_PASSWORD].filter((v) => v !== undefined).length;
    if (set === 1) {
      const missing = e.APP_DB_USER === undefined ? 'APP_DB_USER' : 'APP_DB_PASSWORD';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'must be set together with the other APP_DB_ variable',
      });
    }
    if (set === 2 && !e.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'must name the real PostgreSQL (as its owner) when APP_DB_USER is set',
      });
    }
    if (set === 2 && e.DATABASE_URL) {
      const owner = decodeURIComponent(safeUrl(e.DATABASE_URL)?.username ?? '');
      if (owner === e.APP_DB_USER) {
        ctx.addIssue({
          code: 'custom',
          path: ['APP_DB_USER'],
          message: 'must differ from the owner user in DATABASE_URL (the app role gets DML only)',
        });
      }
    }
  });

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/** APP_DB_USER + APP_DB_PASSWORD, validated (both or neither); undefined when neither is set. */
export function appRoleFromEnv(env: NodeJS.ProcessEnv = process.env): AppRole | undefined {
  const parsed = settings.safeParse({
    APP_DB_USER: blank(env.APP_DB_USER),
    APP_DB_PASSWORD: blank(env.APP_DB_PASSWORD),
    DATABASE_URL: blank(env.DATABASE_URL),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const { APP_DB_USER: user, APP_DB_PASSWORD: password } = parsed.data;
  return user && password ? { user, password } : undefined;
}

/**
 * The password as a SCRAM-SHA-256 verifier (RFC 5802/7677, the format PostgreSQL stores): the
 * server accepts it as-is, so the cleartext never appears in a statement a log could record.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** True when `verifier` (as stored in pg_authid) was made from `password`. */
export function scramMatches(password: string, verifier: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(verifier);
  if (!m) return false;
  return scramVerifier(password, Buffer.from(m[2] ?? '', 'base64'), Number(m[1])) === verifier;
}

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const DML = 'SELECT, INSERT, UPDATE, DELETE';

/**
 * Creates the role (or resets its password), and grants it DML on every app table of the
 * schema, USAGE on the schema, its enum types and sequences, and the same on what the owner
 * creates later (default privileges). The migrations bookkeeping table stays owner-only.
 * Idempotent; run it under the migration lock (roles are cluster-wide, grants per database).
 */
export async function ensureAppRole(
  query: Query,
  role: AppRole,
  options: { schema?: string; migrationsTable?: string } = {},
): Promise<void> {
  const schema = options.schema ?? 'public';
  const migrations = options.migrationsTable ?? 'migrations';
  const r = escapeIdentifier(role.user);
  const s = escapeIdentifier(schema);
  const password = escapeLiteral(scramVerifier(role.password));
  const [exists] = await query('SELECT 1 AS found FROM pg_roles WHERE rolname = $1', [role.user]);
  if (!exists) {
    try {
      await query(`CREATE ROLE ${r} LOGIN PASSWORD ${password}`);
    } catch (err) {
      // Another database's migration created it first (roles are cluster-wide): fall through.
      if ((err as { code?: string }).code !== '42710') throw err;
    }
  }
  await query(`ALTER ROLE ${r} WITH LOGIN PASSWORD ${password}`);

  const [db] = await query('SELECT current_database() AS name');
  await query(`GRANT CONNECT ON DATABASE ${escapeIdentifier(String(db?.name))} TO ${r}`);
  await query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
  // Before PostgreSQL 15 every role may CREATE in public; the app role must not.
  await query(`REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC`);
  const tables = await query(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> $2 ORDER BY 1`,
    [schema, migrations],
  );
  for (const t of tables) await query(`GRANT ${DML} ON ${s}.${escapeIdentifier(String(t.name))} TO ${r}`);
  const ownerOnly = await query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2`, [
    schema,
    migrations,
  ]);
  if (ownerOnly.length > 0) await query(`REVOKE ALL ON ${s}.${escapeIdentifier(migrations)} FROM ${r}`);
  const sequences = await query(
    `SELECT sequence_name AS name FROM information_schema.sequences
      WHERE sequence_schema = $1 AND sequence_name NOT LIKE $2 ORDER BY 1`,
    [schema, `${migrations}\\_%`],
  );
  for (const q of sequences)
    await query(`GRANT USAGE, SELECT ON SEQUENCE ${s}.${escapeIdentifier(String(q.name))} TO ${r}`);
  const types = await query(
    `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 AND t.typtype = 'e' ORDER BY 1`,
    [schema],
  );
  for (const t of types) await query(`GRANT USAGE ON TYPE ${s}.${escapeIdentifier(String(t.name))} TO ${r}`);
  // Tables and types a later migration creates (as this same owner) are granted automatically.
  await query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT ${DML} ON TABLES TO ${r}`);
  await query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${r}`);
  await query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT USAGE ON TYPES TO ${r}`);
}
