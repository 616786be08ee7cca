import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool, PoolClient } from 'pg';

/**
 * One database deadline per request's use of a connection. It starts when the request asks the
 * pool for a connection and covers everything done on it until it is released: waiting for a
 * pool slot, opening a connection, every statement, BEGIN/COMMIT of any transaction (ours and
 * the ones TypeORM opens for `save`). It does not start at arrival: CPU work before the database
 * (argon2 on a loaded replica) must not spend the budget and turn a healthy database into 503s.
 * When it passes, the connection in use is destroyed instead of waiting for ROLLBACK on a
 * database that no longer answers (which used to cost a second read timeout), so the request
 * fails at once with a "database unavailable" error (a 503 with Retry-After).
 */
export class DatabaseDeadlineError extends Error {
  /** A network-level timeout: `isDatabaseUnavailable` classifies it as an outage. */
  readonly code = 'ETIMEDOUT';
  constructor(what: string) {
    super(`Database deadline exceeded (${what})`);
    this.name = 'DatabaseDeadlineError';
  }
}

interface Deadline {
  /** performance.now() value after which no database work may continue. */
  at: number;
  /** The budget each pool checkout gets (the checkout restarts `at`). */
  budgetMs: number;
}

const current = new AsyncLocalStorage<Deadline>();
const DEADLINE = Symbol('databaseDeadline');

/** Runs `fn` with a database deadline `ms` from now (outside HTTP requests, e.g. a job). */
export function withDatabaseDeadline<T>(ms: number, fn: () => T): T {
  return current.run({ at: performance.now() + ms, budgetMs: ms }, fn);
}

/** Milliseconds left for database work in this request; undefined when no deadline applies. */
export function remainingDatabaseMs(): number | undefined {
  const deadline = current.getStore();
  return deadline ? deadline.at - performance.now() : undefined;
}

/**
 * Starts each request's deadline on arrival and makes it the async context of the handler
 * (Nest's guards, pipes, controller and services all run inside Fastify's handler). It is
 * entered in preHandler, after the body was read: body parsing runs in the socket's context.
 */
export function registerRequestDeadline(app: FastifyInstance, budgetMs: number): void {
  type WithDeadline = FastifyRequest & { [DEADLINE]?: Deadline };
  app.addHook('onRequest', (req: WithDeadline, _reply, done) => {
    req[DEADLINE] = { at: performance.now() + budgetMs, budgetMs };
    done();
  });
  app.addHook('preHandler', (req: WithDeadline, _reply, done) => {
    const deadline = req[DEADLINE];
    if (deadline) current.run(deadline, done);
    else done();
  });
}

const BOUND = Symbol('deadlineBound');
type BoundClient = PoolClient & { [BOUND]?: true; connection?: { stream?: { destroy(err?: Error): void } } };

/**
 * Makes a pg pool honour the current deadline: checking a client out waits at most the time
 * left, and a statement still running when the deadline passes has its connection destroyed
 * (pg then fails it and anything queued behind it, such as TypeORM's ROLLBACK, at once, and
 * the pool discards the client). Work outside a deadline is left exactly as before.
 */
export function applyRequestDeadlines(pool: Pool): void {
  const connect = pool.connect.bind(pool) as (
    cb: (
      err: Error | undefined,
      client: PoolClient | undefined,
      release: (err?: Error | boolean) => void,
    ) => void,
  ) => void;

  const bounded = (
    cb: (
      err: Error | undefined,
      client: PoolClient | undefined,
      release: (err?: Error | boolean) => void,
    ) => void,
  ) => {
    const deadline = current.getStore();
    // pg-pool hands a freed client to the next waiter from inside the releasing request's
    // callbacks, so without this the waiter would run (and time its statements) under another
    // request's deadline: the callback runs in the context of the request that asked.
    if (deadline === undefined)
      return connect((err, client, release) => current.exit(() => cb(err, client && bind(client), release)));
    // Each checkout (one statement, or one whole transaction) gets the full budget.
    deadline.at = performance.now() + deadline.budgetMs;
    const left = deadline.budgetMs;
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      cb(new DatabaseDeadlineError('pool checkout'), undefined, noop);
    }, left);
    connect((err, client, release) => {
      clearTimeout(timer);
      if (settled) {
        // Too late for this request: give the connection straight back.
        if (!err && client) release();
        return;
      }
      settled = true;
      current.run(deadline, () => cb(err, client && bind(client), release));
    });
  };

  // pg-pool's own query() calls this.connect(callback), so both paths are bounded.
  (pool as unknown as { connect: unknown }).connect = (cb?: Parameters<typeof bounded>[0]) => {
    if (cb) return void bounded(cb);
    return new Promise<PoolClient>((resolve, reject) =>
      bounded((err, client) => (err || !client ? reject(err) : resolve(client))),
    );
  };
}

function noop(): void {}

/** Wraps a client's query once; each call reads the deadline of the request issuing it. */
function bind(client: PoolClient): PoolClient {
  const c = client as BoundClient;
  if (c[BOUND]) return client;
  c[BOUND] = true;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (c as unknown as { query: unknown }).query = (...args: unknown[]) => {
    const left = remainingDatabaseMs();
    if (left === undefined) return query(...args);
    if (left <= 0) {
      destroy(c, new DatabaseDeadlineError('statement'));
      return query(...args); // fails at once: the client is no longer queryable
    }
    const timer = setTimeout(() => destroy(c, new DatabaseDeadlineError('statement')), left);
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last] as (...r: unknown[]) => void;
      args[last] = (...r: unknown[]) => {
        clearTimeout(timer);
        cb(...r);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result && typeof (result as Promise<unknown>).finally === 'function') {
      return (result as Promise<unknown>).finally(() => clearTimeout(timer));
    }
    clearTimeout(timer);
    return result;
  };
  return client;
}

/** Drops the socket: pg fails the running and queued statements with `err` and stops being queryable. */
function destroy(client: BoundClient, err: Error): void {
  // Whoever holds the client (pg-pool's query, TypeORM's runner) listens; this guards the gap.
  client.once('error', noop);
  client.connection?.stream?.destroy(err);
}
