import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The task columns enforce the same bounds as the shared field definitions
 * (contracts/src/fields.ts: FIELD_LIMITS, DUE_DATE_RANGE), so a row the API would refuse can
 * not be written by any other path either. Lengths are char_length: code points in UTF-8.
 * The literals are frozen here on purpose (a migration must not change when the contract
 * does); api/test/e2e/bad-input.e2e.test.ts checks they still match the contract.
 */
export class TaskFieldChecks1764633600000 implements MigrationInterface {
  name = 'TaskFieldChecks1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_title_length CHECK (char_length(title) BETWEEN 1 AND 200)`,
    );
    await q.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_description_length CHECK (char_length(description) <= 10000)`,
    );
    await q.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_due_date_range
         CHECK (due_date BETWEEN '1970-01-01T00:00:00.000Z' AND '9999-12-31T23:59:59.999Z')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE tasks DROP CONSTRAINT tasks_due_date_range');
    await q.query('ALTER TABLE tasks DROP CONSTRAINT tasks_description_length');
    await q.query('ALTER TABLE tasks DROP CONSTRAINT tasks_title_length');
  }
}
