// Fakes for `make chaos`: a virtual clock, a scripted Prometheus and a recording kube.
import type { ChaosObject } from '../../src/experiments/types';
import type { Clock, Kube, Prometheus } from '../../src/run/ports';

export class VirtualClock implements Clock {
  t = Date.UTC(2026, 0, 1, 12, 0, 0);
  now() {
    return this.t;
  }
  async sleep(ms: number, signal: AbortSignal) {
    if (!signal.aborted) this.t += ms;
  }
}

/** Alerts firing as a function of virtual seconds since the clock's start. */
export class ScriptedPrometheus implements Prometheus {
  queries: string[][] = [];
  constructor(
    private readonly clock: VirtualClock,
    private readonly script: (seconds: number) => string[],
    private readonly failAt?: number,
  ) {}
  readonly start = Date.UTC(2026, 0, 1, 12, 0, 0);
  async firing(names: string[]) {
    this.queries.push(names);
    const s = (this.clock.now() - this.start) / 1000;
    if (this.failAt !== undefined && s >= this.failAt) throw new Error('connection refused');
    return new Set(this.script(s).filter((a) => names.includes(a)));
  }
  ranges: string[] = [];
  /** 10 req/s, 5xx only while any scripted alert fires, 120 ms at every percentile. */
  async range(query: string, start: Date, end: Date, step: number): Promise<[number, number][]> {
    this.ranges.push(query);
    const out: [number, number][] = [];
    for (let t = start.getTime() / 1000; t <= end.getTime() / 1000; t += step) {
      const s = t - this.start / 1000;
      const value = query.includes('histogram_quantile')
        ? 120
        : query.includes('status_code')
          ? this.script(s).length > 0
            ? 2
            : 0
          : 10;
      out.push([t, value]);
    }
    return out;
  }
}

export class RecordingKube implements Kube {
  calls: string[] = [];
  applied: ChaosObject[] = [];
  forwardClosed = false;
  context: string | null = 'arn:aws:eks:eu-west-1:123456789012:cluster/taskboard-dev';
  values: unknown = {
    database: { host: 'taskboard-dev.abc.eu-west-1.rds.amazonaws.com' },
    redis: { host: 'master.taskboard-dev.abc.euw1.cache.amazonaws.com' },
  };
  failApply = false;
  failRemove = false;
  async currentContext() {
    this.calls.push('context');
    return this.context;
  }
  async releaseValues(release: string, namespace: string) {
    this.calls.push(`values ${namespace}/${release}`);
    return this.values;
  }
  async apply(o: ChaosObject) {
    this.calls.push(`apply ${o.kind}/${o.metadata.name}`);
    if (this.failApply) throw new Error('the server could not find the requested resource');
    this.applied.push(o);
  }
  async remove(o: ChaosObject) {
    this.calls.push(`remove ${o.kind}/${o.metadata.name}`);
    if (this.failRemove) throw new Error('Unauthorized');
  }
  async portForwardPrometheus() {
    this.calls.push('port-forward');
    return {
      url: 'http://127.0.0.1:19090',
      close: async () => {
        this.forwardClosed = true;
      },
    };
  }
}
