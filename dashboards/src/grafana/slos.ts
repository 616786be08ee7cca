import { SLO_CATALOGUE } from '../slo/catalogue';
import { SLO_COMPLIANCE_WINDOW, SLO_SERIES } from '../slo/rules';
import { BURN_TIERS, SLI_WINDOWS } from '../slo/windows';
import { dashboard, q, row, stat, timeseries } from './kit';

/** One row per SLO: the SLI per window, the 30-day budget left, and burn rates against the alert tiers. */
export function slos() {
  let board = dashboard(
    'taskboard-slos',
    'Taskboard / SLOs and error budgets',
    'Each SLO of the catalogue: current SLI per window, request-weighted 30-day budget remaining, and burn rates with the alert thresholds drawn.',
  );
  const tierRates = [...new Set(BURN_TIERS.map((t) => t.burnRate))];
  for (const slo of SLO_CATALOGUE) {
    const sel = `{slo="${slo.target.name}"}`;
    board = board
      .withRow(row(`${slo.title}: ${slo.target.description}`))
      .withPanel(
        stat(
          'SLI per window',
          SLI_WINDOWS.map((w) => q(`1 - ${SLO_SERIES.errorRatio(w)}${sel}`, w)),
          {
            unit: 'percentunit',
            width: 10,
            description: 'Share of good events over each window; compare with the objective.',
          },
        ),
      )
      .withPanel(
        stat('Objective', [q(`${SLO_SERIES.objective}${sel}`, 'objective')], {
          unit: 'percentunit',
          width: 4,
        }),
      )
      .withPanel(
        stat(
          `Error budget remaining (${SLO_COMPLIANCE_WINDOW})`,
          [q(`${SLO_SERIES.budgetRemaining}${sel}`, 'remaining')],
          {
            unit: 'percentunit',
            width: 10,
            lines: [0, 0.25],
            higherIsBetter: true,
            description:
              'Request-weighted: 1 - (bad events / events over 30 days) / budget. Below 0 the budget is spent.',
          },
        ),
      )
      .withPanel(
        timeseries(
          `Error budget remaining over ${SLO_COMPLIANCE_WINDOW}`,
          [q(`${SLO_SERIES.budgetRemaining}${sel}`, 'remaining')],
          {
            unit: 'percentunit',
          },
        ),
      )
      .withPanel(
        timeseries(
          'Burn rate per window',
          SLI_WINDOWS.map((w) => q(`${SLO_SERIES.burnRate(w)}${sel}`, w)),
          {
            lines: tierRates,
            description: `Dashed lines are the burn-rate tiers (${BURN_TIERS.map((t) => `${t.name}: ${t.burnRate}x over ${t.longWindow} and ${t.shortWindow}`).join('; ')}). Runbook: ${slo.runbook}.`,
          },
        ),
      );
  }
  return board.build();
}
