import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { createLogger, NestPinoLogger } from './logger';
import { redactStackHead, serializeError } from './safe-error';

const VALUE = 'alice@example.com-7f3c';

/** What pg's DatabaseError carries for a unique violation (values in `detail`, the message clean). */
function pgError(message: string, extra: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { severity: 'ERROR', ...extra });
}

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('info', sink), lines };
}

describe('database errors in logs', () => {
  const unique = pgError('duplicate key value violates unique constraint "users_email_key"', {
    code: '23505',
    detail: `Key (email)=(${VALUE}) already exists.`,
    table: 'users',
    constraint: 'users_email_key',
    where: `SQL statement "INSERT ... ${VALUE}"`,
  });
  const syntax = pgError(`invalid input syntax for type uuid: "${VALUE}"`, { code: '22P02' });
  const orm = new QueryFailedError('INSERT INTO "users" VALUES ($1)', [VALUE, 'hash'], syntax);

  it('keeps SQLSTATE and object names, drops detail, parameters and quoted values', () => {
    for (const err of [unique, syntax, orm]) {
      const out = JSON.stringify(serializeError(err));
      expect(out).not.toContain(VALUE);
      expect(out).toMatch(/"code":"(23505|22P02)"/);
    }
    expect(serializeError(unique)).toMatchObject({ table: 'users', constraint: 'users_email_key' });
    expect((serializeError(orm) as { message: string }).message).toBe(
      'invalid input syntax for type uuid: [redacted]',
    );
  });

  it('applies to every logger path: pino err, Nest errors and Nest stack traces', () => {
    const { log, lines } = capture();
    log.error({ err: orm }, 'unhandled error');
    log.warn({ err: unique }, 'query failed');
    const nest = new NestPinoLogger(log);
    nest.error(orm);
    nest.error('Unable to run', orm.stack, 'TypeOrmModule');
    const all = lines.join('');
    expect(lines).toHaveLength(4);
    expect(all).not.toContain(VALUE);
    expect(all).not.toContain('"parameters"');
    expect(all).not.toContain('"detail"');
  });

  it('leaves other errors and stacks readable', () => {
    const plain = new TypeError('Cannot read properties of undefined');
    expect(serializeError(plain)).toMatchObject({ type: 'TypeError', message: plain.message });
    expect(redactStackHead('Error: connect ECONNREFUSED 127.0.0.1:5432\n    at x')).toBe(
      'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at x',
    );
  });
});
