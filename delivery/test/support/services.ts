/** The PostgreSQL the drill and the smoke tests create their databases on (make passes DRILL_DATABASE_URL). */
export const ADMIN_DATABASE_URL =
  process.env.DRILL_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.DRILL_REDIS_URL || undefined;
