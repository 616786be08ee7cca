/**
 * Which backing services the suite runs against: the real PostgreSQL/Redis named by
 * DATABASE_URL/REDIS_URL (CI exports both), or the embedded defaults (PGlite + in-process
 * cache) when they are unset or TASKBOARD_TEST_EMBEDDED=1.
 */
export const EMBEDDED = process.env.TASKBOARD_TEST_EMBEDDED === '1' || !process.env.DATABASE_URL;
export const ADMIN_DATABASE_URL = EMBEDDED ? undefined : process.env.DATABASE_URL;
export const REDIS_URL = EMBEDDED ? undefined : process.env.REDIS_URL;
export const MODE = EMBEDDED ? 'embedded PGlite + in-process cache' : 'real PostgreSQL + Redis';
