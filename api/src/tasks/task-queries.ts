import { daysInMonth, TASK_LIMITS, TASK_PRIORITIES, type Task, type TaskSort } from '@taskboard/contracts';
import type { ListTasksQuery } from './dto/task.dto';

/**
 * SQL for the hot paths (list, create), written by hand so the list query matches its index
 * and keyset pagination stays exact: cursors carry timestamps as text with the microseconds a
 * JS Date would drop, always in one UTC shape (independent of the session's TimeZone and
 * DateStyle) so the decoder can check every field of it.
 */
const UTC_KEY = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
export const TASK_COLUMNS = `id, owner_id, title, description, status, priority, due_date, created_at, updated_at,
  to_char(created_at AT TIME ZONE 'UTC', ${UTC_KEY}) AS created_key,
  to_char(due_date AT TIME ZONE 'UTC', ${UTC_KEY}) AS due_key`;

export interface TaskRow {
  id: string;
  owner_id: string;
  title: string;
  description: string | null;
  status: Task['status'];
  priority: Task['priority'];
  due_date: Date | null;
  created_at: Date;
  updated_at: Date;
  created_key: string;
  due_key: string | null;
}

export function toTask(r: TaskRow): Task {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    priority: r.priority,
    dueDate: r.due_date ? r.due_date.toISOString() : null,
    ownerId: r.owner_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

type Cursor =
  | { s: 'created'; k: [string, string] }
  | { s: 'priority'; k: [string, string, string] }
  | { s: 'dueDate'; k: [string | null, string] };

export class InvalidCursorError extends Error {}

/** Ids come from gen_random_uuid(): version 4, RFC 4122 variant, lower case. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KEY = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{6}Z$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * A cursor is client input: every field is checked for a value the database could have
 * written (a real calendar date in 1970-9999, a real time of day), so a forged one is a 400
 * and never reaches PostgreSQL as something it rejects.
 */
function isTimestampKey(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = KEY.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return (
    y >= 1970 &&
    y <= 9999 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, mo) &&
    h < 24 &&
    mi < 60 &&
    s < 60
  );
}

const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID_V4.test(v);

export function encodeCursor(sort: TaskSort, row: TaskRow): string {
  const k =
    sort === 'created'
      ? [row.created_key, row.id]
      : sort === 'priority'
        ? [row.priority, row.created_key, row.id]
        : [row.due_key, row.id];
  return Buffer.from(JSON.stringify({ s: sort, k })).toString('base64url');
}

export function decodeCursor(sort: TaskSort, raw: string): Cursor {
  let parsed: unknown;
  // Buffer's decoder skips characters outside the alphabet; a cursor holding any is not ours.
  if (!BASE64URL.test(raw)) throw new InvalidCursorError();
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursorError();
  const c = parsed as { s?: unknown; k?: unknown };
  const k = c.k;
  if (c.s !== sort || !Array.isArray(k)) throw new InvalidCursorError();
  const ok =
    (sort === 'created' && k.length === 2 && isTimestampKey(k[0]) && isUuid(k[1])) ||
    (sort === 'priority' &&
      k.length === 3 &&
      (TASK_PRIORITIES as readonly unknown[]).includes(k[0]) &&
      isTimestampKey(k[1]) &&
      isUuid(k[2])) ||
    (sort === 'dueDate' && k.length === 2 && (k[0] === null || isTimestampKey(k[0])) && isUuid(k[1]));
  if (!ok) throw new InvalidCursorError();
  return c as Cursor;
}

const ORDER: Record<TaskSort, string> = {
  created: 'created_at DESC, id DESC',
  priority: 'priority DESC, created_at DESC, id DESC',
  dueDate: 'due_date ASC NULLS LAST, id ASC',
};

export function buildListQuery(
  ownerId: string,
  q: ListTasksQuery,
): { sql: string; params: unknown[]; limit: number } {
  const sort = q.sort ?? 'created';
  const limit = q.limit ?? TASK_LIMITS.pageSizeDefault;
  const params: unknown[] = [ownerId];
  const where = ['owner_id = $1'];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (q.status) where.push(`status = ${p(q.status)}`);
  if (q.priority) where.push(`priority = ${p(q.priority)}`);
  if (q.cursor) {
    const c = decodeCursor(sort, q.cursor);
    if (c.s === 'created') where.push(`(created_at, id) < (${p(c.k[0])}::timestamptz, ${p(c.k[1])}::uuid)`);
    else if (c.s === 'priority')
      where.push(
        `(priority, created_at, id) < (${p(c.k[0])}::task_priority, ${p(c.k[1])}::timestamptz, ${p(c.k[2])}::uuid)`,
      );
    else if (c.k[0] === null) where.push(`(due_date IS NULL AND id > ${p(c.k[1])}::uuid)`);
    else {
      const due = p(c.k[0]);
      where.push(
        `(due_date > ${due}::timestamptz OR (due_date = ${due}::timestamptz AND id > ${p(c.k[1])}::uuid) OR due_date IS NULL)`,
      );
    }
  }
  const sql = `SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where.join(' AND ')} ORDER BY ${ORDER[sort]} LIMIT ${p(limit + 1)}`;
  return { sql, params, limit };
}
