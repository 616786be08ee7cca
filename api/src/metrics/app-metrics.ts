import { EXEMPLAR_TRACE_ID_LABEL, type HistogramSpec, METRICS, type MetricSpec } from '@taskboard/contracts';
import { Counter, Gauge, Histogram, register } from 'prom-client';

const counter = <L extends string>(s: MetricSpec<L>) =>
  new Counter<L>({ name: s.name, help: s.help, labelNames: s.labels });
const gauge = <L extends string>(s: MetricSpec<L>) =>
  new Gauge<L>({ name: s.name, help: s.help, labelNames: s.labels });
const histogram = <L extends string>(s: HistogramSpec<L>) =>
  new Histogram<L>({ name: s.name, help: s.help, labelNames: s.labels, buckets: [...s.buckets] });

function registered<M extends Histogram<string>>(metric: M): M {
  register.registerMetric(metric);
  return metric;
}

/**
 * Every application metric, created once from the contract in @taskboard/contracts so names,
 * labels and buckets cannot drift from what dashboards and rules query.
 */
export class AppMetrics {
  /**
   * With exemplars: a sampled request's observation carries its trace id, shown only in the
   * OpenMetrics scrape (open-metrics.ts); the text scrape renders the same buckets without them.
   * prom-client refuses to construct an exemplar metric into a text-format registry, so it is
   * created unregistered and registered in the process-wide registry after construction.
   * Observed with the object form only (observeHttp): exemplars swap `observe`'s signature.
   */
  readonly httpDuration = registered(
    new Histogram({
      name: METRICS.httpRequestDuration.name,
      help: METRICS.httpRequestDuration.help,
      labelNames: METRICS.httpRequestDuration.labels,
      buckets: [...METRICS.httpRequestDuration.buckets],
      enableExemplars: true,
      registers: [],
    }),
  );
  readonly httpInFlight = gauge(METRICS.httpRequestsInFlight);
  readonly cacheOps = counter(METRICS.cacheOperations);
  readonly cacheUp = gauge(METRICS.cacheUp);
  /** Set once the database pool exists; read at scrape time so the gauges are never stale. */
  poolStats: (() => { total: number; idle: number; waiting: number; max: number }) | undefined;
  readonly dbPool = new Gauge({
    name: METRICS.dbPoolConnections.name,
    help: METRICS.dbPoolConnections.help,
    labelNames: METRICS.dbPoolConnections.labels,
    collect: () => {
      const s = this.poolStats?.();
      if (!s) return;
      this.dbPool.set({ state: 'total' }, s.total);
      this.dbPool.set({ state: 'idle' }, s.idle);
      this.dbPool.set({ state: 'waiting' }, s.waiting);
      this.dbPoolMax.set(s.max);
    },
  });
  readonly dbPoolMax = gauge(METRICS.dbPoolMax);
  readonly dbQueryDuration = histogram(METRICS.dbQueryDuration);
  readonly dbUp = gauge(METRICS.dbUp);
  readonly authAttempts = counter(METRICS.authAttempts);
  readonly tasksCreated = counter(METRICS.tasksCreated);
  readonly tasksCompleted = counter(METRICS.tasksCompleted);
  readonly rateLimited = counter(METRICS.rateLimited);

  /** One request's duration; `traceId` (a recorded trace) becomes the bucket's exemplar. */
  observeHttp(labels: Record<'method' | 'route' | 'status_code', string>, seconds: number, traceId?: string) {
    this.httpDuration.observe({
      labels,
      value: seconds,
      // prom-client types exemplar labels as the metric's own label names; they are free-form.
      exemplarLabels: traceId
        ? ({ [EXEMPLAR_TRACE_ID_LABEL]: traceId } as unknown as typeof labels)
        : undefined,
    });
  }

  /** Times one database operation of the service layer. `operation` is a fixed name. */
  async timeDb<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const end = this.dbQueryDuration.startTimer({ operation });
    try {
      const result = await fn();
      end({ outcome: 'ok' });
      return result;
    } catch (err) {
      end({ outcome: 'error' });
      throw err;
    }
  }

  /** prom-client keeps metrics in a process-wide registry; tests building several apps reset it. */
  static resetRegistry(): void {
    register.clear();
  }
}
