import { METRICS } from '@taskboard/contracts';
import { SYMPTOM_THRESHOLDS } from '../alerts/symptoms';
import { orZero } from '../promql';
import { dashboard, POD_FILTER, q, row, stat, timeseries } from './kit';

const RATE = '$__rate_interval';
const CACHE = METRICS.cacheOperations.name;
const QUERY = METRICS.dbQueryDuration.name;
const cacheRate = (result: string) => `sum(rate(${CACHE}{${POD_FILTER},result=~"${result}"}[${RATE}]))`;

/** PostgreSQL and Redis as the API sees them (RDS and ElastiCache internals live in CloudWatch). */
export function dependencies() {
  return dashboard(
    'taskboard-dependencies',
    'Taskboard / Dependencies',
    'PostgreSQL and Redis seen from the API: reachability, pool, query latency, cache hit ratio and errors.',
  )
    .withRow(row('PostgreSQL'))
    .withPanel(
      stat('Database reachable (all pods)', [q(`min(${METRICS.dbUp.name}{${POD_FILTER}})`, 'up')], {
        width: 6,
        lines: [1],
        higherIsBetter: true,
        description: 'From the readiness check: 0 means some pod cannot reach PostgreSQL.',
      }),
    )
    .withPanel(
      timeseries(
        'Pool connections by state',
        [
          q(`sum by (state) (${METRICS.dbPoolConnections.name}{${POD_FILTER}})`, '{{state}}'),
          q(`sum(${METRICS.dbPoolMax.name}{${POD_FILTER}})`, 'max'),
        ],
        { width: 18 },
      ),
    )
    .withPanel(
      timeseries(
        'Database operations per second',
        [
          q(
            `sum by (operation, outcome) (rate(${QUERY}_count{${POD_FILTER}}[${RATE}]))`,
            '{{operation}} {{outcome}}',
          ),
        ],
        { unit: 'ops' },
      ),
    )
    .withPanel(
      timeseries(
        'Database operation latency (p95)',
        [
          q(
            `histogram_quantile(0.95, sum by (le, operation) (rate(${QUERY}_bucket{${POD_FILTER}}[${RATE}])))`,
            '{{operation}}',
          ),
        ],
        { unit: 's' },
      ),
    )
    .withRow(row('Redis cache'))
    .withPanel(
      stat(
        'Cache backend up',
        [q(`min by (backend) (${METRICS.cacheUp.name}{${POD_FILTER}})`, '{{backend}}')],
        { width: 6, lines: [1], higherIsBetter: true },
      ),
    )
    .withPanel(
      timeseries('Cache hit ratio', [q(`${cacheRate('hit')} / ${cacheRate('hit|miss')}`, 'hit ratio')], {
        unit: 'percentunit',
        width: 9,
        min: 0,
        max: 1,
      }),
    )
    .withPanel(
      timeseries(
        'Cache error ratio',
        [q(`${orZero(cacheRate('error'))} / ${cacheRate('.+')}`, 'error ratio')],
        {
          unit: 'percentunit',
          width: 9,
          min: 0,
          lines: [SYMPTOM_THRESHOLDS.cacheErrorRatio],
        },
      ),
    )
    .withPanel(
      timeseries(
        'Cache operations per second by result',
        [q(`sum by (cache, result) (rate(${CACHE}{${POD_FILTER}}[${RATE}]))`, '{{cache}} {{result}}')],
        { unit: 'ops', width: 24 },
      ),
    )
    .build();
}
