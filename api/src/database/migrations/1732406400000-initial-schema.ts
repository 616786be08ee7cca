import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1732406400000 implements MigrationInterface {
  name = 'InitialSchema1732406400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id)');
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)');
    await q.query(`CREATE TYPE task_status AS ENUM ('TODO', 'IN_PROGRESS', 'DONE')`);
    await q.query(`CREATE TYPE task_priority AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'URGENT')`);
    await q.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        title varchar(200) NOT NULL,
        description text,
        status task_status NOT NULL DEFAULT 'TODO',
        priority task_priority NOT NULL DEFAULT 'MEDIUM',
        due_date timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Every list query is scoped by owner; these serve each sort order's keyset pagination.
    await q.query('CREATE INDEX tasks_owner_created_idx ON tasks (owner_id, created_at DESC, id DESC)');
    await q.query(
      'CREATE INDEX tasks_owner_priority_idx ON tasks (owner_id, priority DESC, created_at DESC, id DESC)',
    );
    await q.query('CREATE INDEX tasks_owner_due_idx ON tasks (owner_id, due_date ASC NULLS LAST, id ASC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tasks');
    await q.query('DROP TYPE task_priority');
    await q.query('DROP TYPE task_status');
    await q.query('DROP TABLE refresh_tokens');
    await q.query('DROP TABLE auth_sessions');
    await q.query('DROP TABLE users');
  }
}
