import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildListQuery, decodeCursor, encodeCursor, InvalidCursorError, type TaskRow } from './task-queries';

const row: TaskRow = {
  id: '0b5e6c8e-1f1a-4a59-9d36-3b8c0f6f4a10',
  owner_id: '1b5e6c8e-1f1a-4a59-9d36-3b8c0f6f4a10',
  title: 't',
  description: null,
  status: 'TODO',
  priority: 'HIGH',
  due_date: null,
  created_at: new Date(),
  updated_at: new Date(),
  created_key: '2026-11-24T17:02:43.123456Z',
  due_key: null,
};

describe('cursors', () => {
  it('round-trip per sort, keeping microseconds', () => {
    for (const sort of ['created', 'priority', 'dueDate'] as const) {
      expect(decodeCursor(sort, encodeCursor(sort, row)).s).toBe(sort);
    }
    expect(decodeCursor('created', encodeCursor('created', row)).k[0]).toBe('2026-11-24T17:02:43.123456Z');
  });

  it('reject cursors from another sort, garbage and injection attempts', () => {
    const created = encodeCursor('created', row);
    const bad = [
      'x',
      Buffer.from('{"s":"created","k":["2026-01-01T00:00:00.000000Z","1; DROP TABLE tasks"]}').toString(
        'base64url',
      ),
      Buffer.from(
        '{"s":"priority","k":["SUPER","2026-01-01T00:00:00.000000Z","0b5e6c8e-1f1a-4a59-9d36-3b8c0f6f4a10"]}',
      ).toString('base64url'),
      Buffer.from('[]').toString('base64url'),
    ];
    expect(() => decodeCursor('priority', created)).toThrow(InvalidCursorError);
    for (const c of bad) expect(() => decodeCursor('created', c)).toThrow(InvalidCursorError);
  });

  it('parameterizes every value and scopes by owner', () => {
    const q = buildListQuery(row.owner_id, {
      status: 'DONE',
      priority: 'LOW',
      limit: 5,
      cursor: encodeCursor('created', row),
    });
    expect(q.sql).toMatch(
      /^SELECT .* FROM tasks WHERE owner_id = \$1 AND status = \$2 AND priority = \$3 AND/s,
    );
    expect(q.sql).not.toContain('DONE');
    expect(q.params).toEqual([row.owner_id, 'DONE', 'LOW', row.created_key, row.id, 6]);
    expect(q.limit).toBe(5);
  });

  const forge = (s: string, k: unknown[]) => Buffer.from(JSON.stringify({ s, k })).toString('base64url');
  const id = row.id;

  it('reject well-formed cursors holding values the database could never have written', () => {
    for (const ts of [
      '2026-13-01T00:00:00.000000Z',
      '2026-00-01T00:00:00.000000Z',
      '2026-02-29T00:00:00.000000Z',
      '2026-04-31T00:00:00.000000Z',
      '2026-01-01T24:00:00.000000Z',
      '2026-01-01T23:61:00.000000Z',
      '2026-01-01T23:59:60.000000Z',
      '1969-12-31T23:59:59.999999Z',
      '10000-01-01T00:00:00.000000Z',
      '0000-01-01T00:00:00.000000Z',
      '2026-01-01 00:00:00+00',
      '2026-01-01T00:00:00Z',
    ]) {
      expect(() => decodeCursor('created', forge('created', [ts, id])), ts).toThrow(InvalidCursorError);
      expect(() => decodeCursor('dueDate', forge('dueDate', [ts, id])), ts).toThrow(InvalidCursorError);
    }
    for (const bad of [
      '0b5e6c8e-1f1a-1a59-9d36-3b8c0f6f4a10', // version 1
      '0b5e6c8e-1f1a-4a59-7d36-3b8c0f6f4a10', // NCS variant
      '0B5E6C8E-1F1A-4A59-9D36-3B8C0F6F4A10', // upper case: never what PostgreSQL prints
    ])
      expect(() => decodeCursor('created', forge('created', ['2026-01-01T00:00:00.000000Z', bad]))).toThrow(
        InvalidCursorError,
      );
    // Characters outside base64url (which Buffer would silently skip) and non-object JSON.
    expect(() => decodeCursor('created', `${encodeCursor('created', row)}!`)).toThrow(InvalidCursorError);
    expect(() => decodeCursor('created', Buffer.from('null').toString('base64url'))).toThrow(
      InvalidCursorError,
    );
    expect(decodeCursor('dueDate', forge('dueDate', ['9999-12-31T23:59:59.999999Z', id])).k[0]).toBe(
      '9999-12-31T23:59:59.999999Z',
    );
  });

  it('accept a timestamp key exactly when it is a real instant in 1970-9999 (property)', () => {
    const n = (max: number, width: number) =>
      fc.integer({ min: 0, max }).map((v) => String(v).padStart(width, '0'));
    const key = fc
      .tuple(n(10999, 4), n(99, 2), n(99, 2), n(99, 2), n(99, 2), n(99, 2), n(999999, 6))
      .map(([y, mo, d, h, mi, s, us]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${us}Z`);
    fc.assert(
      fc.property(key, (ts) => {
        const ms = Date.parse(`${ts.slice(0, 23)}Z`);
        // A real instant prints back to the same calendar fields (JS rolls 02-30 over to 03-02).
        const real =
          Number.isFinite(ms) &&
          new Date(ms).toISOString().slice(0, 19) === ts.slice(0, 19) &&
          Number(ts.slice(0, 4)) >= 1970 &&
          Number(ts.slice(0, 4)) <= 9999;
        let accepted = true;
        try {
          decodeCursor('created', forge('created', [ts, id]));
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidCursorError);
          accepted = false;
        }
        expect(accepted).toBe(real);
      }),
      { seed: 15_07, numRuns: 5_000 },
    );
  });

  it('never throw anything but InvalidCursorError on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
        ),
        (raw) => {
          for (const sort of ['created', 'priority', 'dueDate'] as const) {
            try {
              decodeCursor(sort, raw);
            } catch (err) {
              expect(err).toBeInstanceOf(InvalidCursorError);
            }
          }
        },
      ),
      { seed: 15_08, numRuns: 2_000 },
    );
  });
});
