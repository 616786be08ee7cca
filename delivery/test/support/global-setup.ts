import { Client } from 'pg';
import type { TestProject } from 'vitest/node';
import { ADMIN_DATABASE_URL } from './services';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the tests that need PostgreSQL skip ("" when it answers). */
    postgresMissing: string;
  }
}

/** Checks once, before any test file, whether PostgreSQL answers. */
export default async function setup(project: TestProject): Promise<void> {
  const c = new Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 3000 });
  let why = '';
  try {
    await c.connect();
    await c.end();
  } catch (err) {
    why = (err as Error).message;
    console.info(
      `[skip] the smoke and drill tests need PostgreSQL at DRILL_DATABASE_URL (${ADMIN_DATABASE_URL}): ${why}; start it, or run them where it runs (make test-delivery)`,
    );
  }
  project.provide('postgresMissing', why);
}
