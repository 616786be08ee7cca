import { METRICS, RUM_METRICS } from '@taskboard/contracts';
import { HTTP_REQUESTS_TOTAL, USER_TRAFFIC } from '../promql';
import { SPA_PROBE_SELECTOR } from '../slo/catalogue';
import { dashboard, POD_FILTER, q, row, timeseries } from './kit';

const RATE = '$__rate_interval';
const VITALS = RUM_METRICS.webVitalsSeconds.name;
const CLS = RUM_METRICS.webVitalsCls.name;

/** What users experience: web vitals and errors from their browsers, the SPA probe, and failures they see. */
export function userExperience() {
  return dashboard(
    'taskboard-user-experience',
    'Taskboard / User experience',
    'Real-user monitoring from the SPA (web vitals, browser errors, reported to POST /api/rum), the blackbox probe of the SPA, and errors users receive.',
  )
    .withRow(row('Web vitals (real users)'))
    .withPanel(
      timeseries(
        'Web vitals p75 by vital',
        [
          q(
            `histogram_quantile(0.75, sum by (le, metric) (rate(${VITALS}_bucket{${POD_FILTER}}[${RATE}])))`,
            '{{metric}}',
          ),
        ],
        {
          unit: 's',
          description: 'p75 is what web.dev scores: LCP good under 2.5 s, INP under 0.2 s, TTFB under 0.8 s.',
        },
      ),
    )
    .withPanel(
      timeseries(
        'Web vitals p75 by page',
        [
          q(
            `histogram_quantile(0.75, sum by (le, metric, route) (rate(${VITALS}_bucket{${POD_FILTER}}[${RATE}])))`,
            '{{metric}} {{route}}',
          ),
        ],
        { unit: 's' },
      ),
    )
    .withPanel(
      timeseries(
        'Cumulative layout shift p75',
        [
          q(
            `histogram_quantile(0.75, sum by (le, route) (rate(${CLS}_bucket{${POD_FILTER}}[${RATE}])))`,
            '{{route}}',
          ),
        ],
        { description: 'Good under 0.1.' },
      ),
    )
    .withPanel(
      timeseries(
        'Browser errors per second by page and kind',
        [
          q(
            `sum by (route, kind) (rate(${RUM_METRICS.frontendErrors.name}{${POD_FILTER}}[${RATE}]))`,
            '{{kind}} {{route}}',
          ),
        ],
        { unit: 'reqps' },
      ),
    )
    .withRow(row('What users receive'))
    .withPanel(
      timeseries(
        'API errors users receive, per second',
        [
          q(
            `sum by (status_code) (rate(${HTTP_REQUESTS_TOTAL}{${USER_TRAFFIC},${POD_FILTER},status_code=~"4..|5.."}[${RATE}]))`,
            '{{status_code}}',
          ),
        ],
        { unit: 'reqps' },
      ),
    )
    .withPanel(
      timeseries(
        'Login attempts by result',
        [
          q(
            `sum by (result) (rate(${METRICS.authAttempts.name}{${POD_FILTER},action="login"}[${RATE}]))`,
            '{{result}}',
          ),
        ],
        { unit: 'reqps' },
      ),
    )
    .withRow(row('SPA delivery (blackbox probe)'))
    .withPanel(
      timeseries(
        'SPA probe success',
        [q(`avg by (instance) (probe_success{${SPA_PROBE_SELECTOR}})`, '{{instance}}')],
        {
          unit: 'percentunit',
          min: 0,
          max: 1,
        },
      ),
    )
    .withPanel(
      timeseries(
        'SPA probe duration by phase',
        [q(`sum by (phase) (probe_http_duration_seconds{${SPA_PROBE_SELECTOR}})`, '{{phase}}')],
        { unit: 's' },
      ),
    )
    .build();
}
