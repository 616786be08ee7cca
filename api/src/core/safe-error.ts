import pino from 'pino';
import { TypeORMError } from 'typeorm';

/**
 * What of a database error may be logged: the SQLSTATE and the names of the schema objects
 * involved. Never the bound parameters, the failing row (`detail`), the query's values or the
 * PL/pgSQL context (`where`), which carry user ids, session ids, emails and task text.
 */
const SAFE_DB_FIELDS = ['code', 'severity', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine'];

/** pg's DatabaseError (a SQLSTATE and a severity) or anything TypeORM threw about a query or entity. */
export function isDatabaseError(err: unknown): err is Error {
  if (err instanceof TypeORMError) return true;
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: unknown; severity?: unknown };
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

/**
 * PostgreSQL and TypeORM put the offending value after the first ": " ("invalid input syntax for
 * type uuid: "…"", "date/time field value out of range: "…"", "Could not find any entity of type
 * "X" matching: {…}"); the part before it names the kind of failure and the objects involved.
 */
export function redactDatabaseMessage(message: string): string {
  const cut = message.indexOf(': ');
  return cut < 0 ? message : `${message.slice(0, cut)}: [redacted]`;
}

/**
 * The `err` serializer of every logger: database errors are reduced to what is safe to keep
 * (their stack too: its first line repeats the message); other errors use pino's standard one.
 * Non-error values pass unchanged.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (!isDatabaseError(err)) {
    const cause = (err as { cause?: unknown }).cause;
    const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
    if (cause !== undefined) out.cause = serializeError(cause);
    return out;
  }
  const driver = (err as { driverError?: unknown }).driverError;
  const source = (driver instanceof Error ? driver : err) as unknown as Record<string, unknown>;
  const message = redactDatabaseMessage(err.message);
  const out: Record<string, unknown> = { type: err.constructor.name, message };
  for (const key of SAFE_DB_FIELDS) if (typeof source[key] === 'string') out[key] = source[key];
  if (err.stack) {
    const frames = err.stack.split('\n').filter((line) => /^\s+at /.test(line));
    out.stack = [`${err.constructor.name}: ${message}`, ...frames].join('\n');
  }
  return out;
}

/**
 * A stack as text (Nest passes those): its first line is "<Type>: <message>"; the message is
 * treated like a database error's, since the text no longer says where it came from.
 */
export function redactStackHead(stack: string): string {
  const [head = '', ...rest] = stack.split('\n');
  const m = /^([\w$.]*): (.*)$/s.exec(head);
  return [m ? `${m[1]}: ${redactDatabaseMessage(m[2] ?? '')}` : head, ...rest].join('\n');
}
