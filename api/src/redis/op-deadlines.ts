import { AsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** A pending operation; `reject` is cleared once it has settled either way. */
interface Pending {
  readonly expiresAt: number;
  reject: ((err: Error) => void) | undefined;
}

/**
 * Deadlines for many short operations that share one timeout (the Redis calls of the cache and
 * the rate limiter), kept by one timer instead of a timer per operation.
 *
 * Why not `Promise.race` with a `setTimeout` per call: the race's timeout promise never settles
 * when the operation wins, and both it and the timer hold the async context they were created
 * in. Inside a traced request that context is a nested span's, and creating them there cost
 * measurably (docs/observability.md, "the deadline bisect"). Here a call costs one small record
 * in a FIFO queue; the one timer is armed from the constructor's (root) async context, so it
 * holds no request's context, and only when none is pending.
 *
 * Since every operation has the same timeout, deadlines expire in the order they were set: the
 * timer only ever needs to wait for the oldest unsettled one.
 */
export class OpDeadlines {
  private queue: Pending[] = [];
  private head = 0;
  private armed = false;
  private readonly arm: (delayMs: number) => void;

  constructor(
    readonly timeoutMs: number,
    private readonly message: string,
  ) {
    const sweep = () => this.sweep();
    this.arm = AsyncResource.bind((delayMs: number) => {
      this.armed = true;
      // unref: a pending deadline alone does not keep the process alive (the socket does).
      setTimeout(sweep, delayMs).unref();
    });
  }

  /** `op`'s outcome, or a rejection with this instance's message once the timeout has passed. */
  within<T>(op: Promise<T>): Promise<T> {
    const entry: Pending = { expiresAt: performance.now() + this.timeoutMs, reject: undefined };
    const result = new Promise<T>((resolve, reject) => {
      entry.reject = reject;
      op.then(
        (value) => {
          entry.reject = undefined;
          resolve(value);
        },
        (err: unknown) => {
          entry.reject = undefined;
          reject(err);
        },
      );
    });
    // The settle handlers above run later (a promise reaction), so the entry is still pending here.
    this.queue.push(entry);
    if (!this.armed) this.arm(this.timeoutMs);
    return result;
  }

  /** Operations not yet settled (for tests and diagnostics). */
  get pending(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) if (this.queue[i]!.reject) n++;
    return n;
  }

  private sweep(): void {
    this.armed = false;
    const now = performance.now();
    const q = this.queue;
    let i = this.head;
    for (; i < q.length; i++) {
      const entry = q[i]!;
      const reject = entry.reject;
      if (!reject) continue; // settled: just drop it
      if (entry.expiresAt > now) break; // the oldest pending one: wait for it
      entry.reject = undefined;
      reject(new Error(this.message));
    }
    if (i === q.length) {
      this.queue = [];
      this.head = 0;
      return;
    }
    // Drop the swept prefix in bulk, not one shift per entry.
    if (i > 1024 && i * 2 > q.length) {
      this.queue = q.slice(i);
      this.head = 0;
    } else {
      this.head = i;
    }
    this.arm(Math.max(1, q[i]!.expiresAt - now));
  }
}
