import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpDeadlines } from './op-deadlines';

const TIMEOUT = 30;

/** A promise settled by hand, or never. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** How `p` settled and after how many ms. */
async function outcome<T>(p: Promise<T>) {
  const t0 = performance.now();
  try {
    return { ok: true as const, value: await p, ms: performance.now() - t0 };
  } catch (err) {
    return { ok: false as const, error: (err as Error).message, ms: performance.now() - t0 };
  }
}

afterEach(() => vi.restoreAllMocks());

describe('OpDeadlines', () => {
  it("passes an operation's value or error through when it settles in time", async () => {
    const d = new OpDeadlines(TIMEOUT, 'timed out');
    await expect(d.within(Promise.resolve(42))).resolves.toBe(42);
    await expect(d.within(Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(d.pending).toBe(0);
  });

  it('rejects with its message once the timeout has passed, and a late outcome changes nothing', async () => {
    const d = new OpDeadlines(TIMEOUT, 'cache operation timed out');
    const late = deferred<string>();
    const got = await outcome(d.within(late.promise));
    expect(got).toMatchObject({ ok: false, error: 'cache operation timed out' });
    expect(got.ms).toBeGreaterThanOrEqual(TIMEOUT - 1);
    // Settling afterwards is swallowed (no unhandled rejection fails the run).
    late.reject(new Error('too late'));
    await sleep(5);
    expect(d.pending).toBe(0);
  });

  it('keeps one timer for any number of pending operations, created outside the caller context', async () => {
    const als = new AsyncLocalStorage<string>();
    const timerContexts: (string | undefined)[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      timerContexts.push(als.getStore());
      return real(fn, ms);
    }) as typeof setTimeout);
    const d = new OpDeadlines(TIMEOUT, 'timed out');
    const never = deferred<never>().promise;
    const results = await als.run('request-7', () =>
      Promise.all(
        Array.from({ length: 500 }, () =>
          d.within(never).catch((err: Error) => ({ message: err.message, store: als.getStore() })),
        ),
      ),
    );
    // Every caller got the timeout, in its own context.
    expect(new Set(results.map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ message: 'timed out', store: 'request-7' })]),
    );
    // 500 operations set at once expire together: one timer, and it holds no request's context.
    expect(timerContexts.length).toBeGreaterThanOrEqual(1);
    expect(timerContexts.length).toBeLessThanOrEqual(3);
    expect(timerContexts.every((c) => c === undefined)).toBe(true);
  });

  it('waits again for the next pending operation when the oldest ones settled in time', async () => {
    const d = new OpDeadlines(TIMEOUT, 'timed out');
    const quick = d.within(sleep(1).then(() => 'quick'));
    await sleep(TIMEOUT / 2);
    const hung = outcome(d.within(deferred<never>().promise));
    expect(await quick).toBe('quick');
    const got = await hung;
    // Its own deadline, not the first operation's (which fired while it still had time).
    expect(got).toMatchObject({ ok: false, error: 'timed out' });
    expect(got.ms).toBeGreaterThanOrEqual(TIMEOUT - 1);
    // And the timer is armed again after a quiet spell.
    await sleep(TIMEOUT * 2);
    await expect(outcome(d.within(deferred<never>().promise))).resolves.toMatchObject({ ok: false });
  });

  it('gives every operation of a random mix its own outcome or its own timeout', async () => {
    // Settle delays stay clear of the timeout (within 10 ms, from 2x on, or never), so the
    // expected outcome does not depend on the machine's timer jitter.
    const op = fc.oneof(
      fc.record({ after: fc.integer({ min: 0, max: 10 }), fails: fc.boolean() }),
      fc.record({ after: fc.integer({ min: TIMEOUT * 2, max: TIMEOUT * 3 }), fails: fc.boolean() }),
      fc.constant({ after: Number.POSITIVE_INFINITY, fails: false }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ start: fc.integer({ min: 0, max: 40 }), op }), { maxLength: 30 }),
        async (plan) => {
          const d = new OpDeadlines(TIMEOUT, 'timed out');
          const runs = plan.map(async ({ start, op: { after, fails } }, i) => {
            await sleep(start);
            const p = Number.isFinite(after)
              ? sleep(after).then(() => (fails ? Promise.reject(new Error(`failed ${i}`)) : `value ${i}`))
              : deferred<string>().promise;
            return { got: await outcome(d.within(p)), after, fails, i };
          });
          for (const { got, after, fails, i } of await Promise.all(runs)) {
            if (after <= 10)
              expect(got).toMatchObject(
                fails ? { ok: false, error: `failed ${i}` } : { ok: true, value: `value ${i}` },
              );
            else {
              expect(got).toMatchObject({ ok: false, error: 'timed out' });
              expect(got.ms).toBeGreaterThanOrEqual(TIMEOUT - 1);
            }
          }
          expect(d.pending).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});
