import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config';
import { appRoleFromEnv, scramMatches, scramVerifier } from './app-role';

const owner = 'postgres://taskboard:secret@db.internal:5432/taskboard';
const error = (env: Record<string, string>) => {
  try {
    appRoleFromEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return '';
};

describe('APP_DB_USER / APP_DB_PASSWORD', () => {
  it('are optional together', () => {
    expect(appRoleFromEnv({ DATABASE_URL: owner })).toBeUndefined();
    expect(
      appRoleFromEnv({ DATABASE_URL: owner, APP_DB_USER: 'taskboard_app', APP_DB_PASSWORD: 'x'.repeat(16) }),
    ).toEqual({
      user: 'taskboard_app',
      password: 'x'.repeat(16),
    });
  });

  it.each([
    [
      { APP_DB_USER: 'taskboard_app' },
      'APP_DB_PASSWORD: must be set together with the other APP_DB_ variable',
    ],
    [{ APP_DB_PASSWORD: 'x'.repeat(20) }, 'APP_DB_USER: must be set together'],
    [
      { APP_DB_USER: 'Taskboard-App', APP_DB_PASSWORD: 'x'.repeat(20) },
      'APP_DB_USER: must be a lower-case PostgreSQL role name',
    ],
    [
      { APP_DB_USER: 'taskboard_app', APP_DB_PASSWORD: 'short' },
      'APP_DB_PASSWORD: must be at least 16 characters',
    ],
    [
      { APP_DB_USER: 'taskboard', APP_DB_PASSWORD: 'x'.repeat(20) },
      'APP_DB_USER: must differ from the owner user in DATABASE_URL',
    ],
  ])('reject %o, naming the variable (and never printing the password)', (vars, message) => {
    const text = error({ DATABASE_URL: owner, ...vars });
    expect(text).toContain(message);
    expect(text).not.toContain('x'.repeat(16));
  });

  it('need DATABASE_URL (the owner login) to create the role', () => {
    expect(error({ APP_DB_USER: 'taskboard_app', APP_DB_PASSWORD: 'x'.repeat(20) })).toContain(
      'DATABASE_URL: must name the real PostgreSQL',
    );
  });
});

describe('SCRAM-SHA-256 verifier (checked against PostgreSQL itself in test/e2e/app-role.e2e.test.ts)', () => {
  it('verifies only the password it was made from, with a fresh salt each time', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (a, b) => {
          const v = scramVerifier(a, undefined, 64);
          expect(scramMatches(a, v)).toBe(true);
          if (a.normalize('NFKC') !== b.normalize('NFKC')) expect(scramMatches(b, v)).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
    expect(scramVerifier('same')).not.toBe(scramVerifier('same'));
  });
});
