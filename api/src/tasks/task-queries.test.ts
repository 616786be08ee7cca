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
  created_key: '2026-11-24 17:02:43.123456+00',
  due_key: null,
};

describe('cursors', () => {
  it('round-trip per sort, keeping microseconds', () => {
    for (const sort of ['created', 'priority', 'dueDate'] as const) {
      expect(decodeCursor(sort, encodeCursor(sort, row)).s).toBe(sort);
    }
    expect(decodeCursor('created', encodeCursor('created', row)).k[0]).toBe('2026-11-24 17:02:43.123456+00');
  });

  it('reject cursors from another sort, garbage and injection attempts', () => {
    const created = encodeCursor('created', row);
    const bad = [
      'x',
      Buffer.from('{"s":"created","k":["2026-01-01 00:00:00+00","1; DROP TABLE tasks"]}').toString(
        'base64url',
      ),
      Buffer.from(
        '{"s":"priority","k":["SUPER","2026-01-01 00:00:00+00","0b5e6c8e-1f1a-4a59-9d36-3b8c0f6f4a10"]}',
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
});
