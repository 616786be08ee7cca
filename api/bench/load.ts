import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface LoadResult {
  /** Completed 2xx responses per second over the run. */
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** One body, or a sequence cycled per connection (e.g. a user journey). */
  body?: string;
  requests?: { method: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> }[];
  connections?: number;
  seconds: number;
}

export interface RateSpec {
  origin: string;
  /** Cycled in order: a journey of 4 reads and 1 write gives an 80/20 mix. */
  requests: { method: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> }[];
  rate: number;
  seconds: number;
  connections?: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Closed loop: every connection sends as fast as answers come back (the saturation throughput). */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let done!: (r: autocannon.Result) => void;
  let fail!: (e: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: spec.url,
      method: spec.method ?? 'GET',
      headers: spec.headers,
      body: spec.body,
      requests: spec.requests,
      connections: spec.connections ?? 64,
      duration: spec.seconds,
      pipelining: 1,
    },
    (err, res) => (err ? fail(err) : done(res)),
  );
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
  });
  const result = await finished;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: latencies.length / spec.seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Open loop at a constant arrival rate: request i is due at start + i/rate, whatever the
 * server does, and its latency counts from that due time (so a stall is not hidden by the
 * client waiting politely: no coordinated omission). autocannon's rate limit sends each
 * second's quota in a burst, which measures its own queueing rather than the server.
 */
export async function runAtRate(spec: RateSpec): Promise<LoadResult> {
  const pool = new Pool(spec.origin, { connections: spec.connections ?? 64, pipelining: 1 });
  const total = Math.round(spec.rate * spec.seconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  const fire = (i: number) => {
    const due = start + (i * 1000) / spec.rate;
    const r = spec.requests[i % spec.requests.length]!;
    return pool
      .request({ method: r.method, path: r.path, headers: r.headers, body: r.body })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - due);
        else non2xx++;
      })
      .catch(() => {
        errors++;
      });
  };
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * spec.rate) / 1000) + 1);
      while (sent < due) inflight.push(fire(sent++));
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    non2xx,
    errors,
  };
}
