import { METRICS } from '@taskboard/contracts';
import { HTTP_REQUESTS_TOTAL, USER_TRAFFIC } from '../promql';
import { SPA_PROBE_SELECTOR } from '../slo/catalogue';
import { dashboard, POD_FILTER, q, row, timeseries } from './kit';

const RATE = '$__rate_interval';

/** What users experience: the errors they receive, logins, and the SPA probe. */
export function userExperience() {
  return dashboard(
    'taskboard-user-experience',
    'Taskboard / User experience',
    'Errors users receive, login results, and the blackbox probe of the SPA.',
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
