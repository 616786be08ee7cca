import { type HistogramSpec, RUM_METRICS } from '@taskboard/contracts';
import { Counter, Histogram } from 'prom-client';

const histogram = <L extends string>(s: HistogramSpec<L>) =>
  new Histogram<L>({ name: s.name, help: s.help, labelNames: s.labels, buckets: [...s.buckets] });

/** The RUM metrics, created from the contract (names, labels, buckets) in prom-client's default registry. */
export class RumMetrics {
  readonly vitalsSeconds = histogram(RUM_METRICS.webVitalsSeconds);
  readonly vitalsCls = histogram(RUM_METRICS.webVitalsCls);
  readonly errors = new Counter({
    name: RUM_METRICS.frontendErrors.name,
    help: RUM_METRICS.frontendErrors.help,
    labelNames: RUM_METRICS.frontendErrors.labels,
  });
}
