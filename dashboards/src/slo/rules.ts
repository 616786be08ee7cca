import type { AlertingRule, RecordingRule, RuleFile } from '../rules/types';
import { runbookUrl } from '../runbooks';
import { complianceWindow, errorBudget, type Slo } from './catalogue';
import { BURN_TIERS, type BurnTier, SLI_WINDOWS, type SliWindow, WINDOW_SECONDS } from './windows';

/** Recorded series names, shared with the dashboards so a panel never names a rule that is not generated. */
export const SLO_SERIES = {
  errorRatio: (w: string) => `slo:sli_error:ratio_rate${w}`,
  events: (w: SliWindow) => `slo:sli_events:rate${w}`,
  badEvents5m: 'slo:sli_bad_events:rate5m',
  burnRate: (w: SliWindow) => `slo:error_budget_burn_rate:ratio_rate${w}`,
  budgetRemaining: 'slo:error_budget_remaining:ratio',
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
} as const;

export const SLO_COMPLIANCE_WINDOW = '30d';

function sloLabel(slo: Slo): string {
  return `slo="${slo.target.name}"`;
}

function ratioRules(slo: Slo): RecordingRule[] {
  const labels = { slo: slo.target.name };
  const budget = errorBudget(slo.target);
  const perWindow = SLI_WINDOWS.flatMap((w): RecordingRule[] => [
    { record: SLO_SERIES.events(w), expr: slo.sli.eventsPerSecond(w), labels },
    {
      record: SLO_SERIES.errorRatio(w),
      expr: `(${slo.sli.badEventsPerSecond(w)})\n/\n(${slo.sli.eventsPerSecond(w)})`,
      labels,
    },
    {
      record: SLO_SERIES.burnRate(w),
      expr: `${SLO_SERIES.errorRatio(w)}{${sloLabel(slo)}} / ${budget}`,
      labels,
    },
  ]);
  if (complianceWindow(slo.target) !== SLO_COMPLIANCE_WINDOW) {
    throw new Error(`${slo.target.name}: dashboards and rules assume a ${SLO_COMPLIANCE_WINDOW} window`);
  }
  const sel = `{${sloLabel(slo)}}`;
  return [
    { record: SLO_SERIES.objective, expr: `vector(${slo.target.objective})`, labels },
    { record: SLO_SERIES.errorBudget, expr: `vector(${budget})`, labels },
    ...perWindow,
    { record: SLO_SERIES.badEvents5m, expr: slo.sli.badEventsPerSecond('5m'), labels },
    // Request-weighted: total bad events over total events across the compliance window. The
    // mean of 5-minute ratios would weigh a quiet night's single error like a busy hour's.
    {
      record: SLO_SERIES.errorRatio(SLO_COMPLIANCE_WINDOW),
      expr: `sum_over_time(${SLO_SERIES.badEvents5m}${sel}[${SLO_COMPLIANCE_WINDOW}])\n/\nsum_over_time(${SLO_SERIES.events('5m')}${sel}[${SLO_COMPLIANCE_WINDOW}])`,
      labels,
    },
    {
      record: SLO_SERIES.budgetRemaining,
      expr: `1 - ${SLO_SERIES.errorRatio(SLO_COMPLIANCE_WINDOW)}${sel} / ${budget}`,
      labels,
    },
  ];
}

/** Events the long window must hold so that a firing tier means at least `minBadEventsToAlert` bad ones. */
export function lowTrafficGuard(slo: Slo, tier: BurnTier): number {
  return Math.ceil(slo.minBadEventsToAlert / (tier.burnRate * errorBudget(slo.target)));
}

function budgetShare(tier: BurnTier): string {
  const share = (tier.burnRate * WINDOW_SECONDS[tier.longWindow]) / (30 * 86_400);
  return `${Number((share * 100).toPrecision(3))}%`;
}

export function burnAlertName(slo: Slo): string {
  return `${slo.alertPrefix}ErrorBudgetBurn`;
}

function burnAlert(slo: Slo, tier: BurnTier): AlertingRule {
  const sel = `{${sloLabel(slo)}}`;
  const { longWindow: long, shortWindow: short, burnRate } = tier;
  return {
    alert: burnAlertName(slo),
    expr: [
      `(`,
      `  ${SLO_SERIES.burnRate(long)}${sel} > ${burnRate}`,
      `  and`,
      `  ${SLO_SERIES.burnRate(short)}${sel} > ${burnRate}`,
      `)`,
      `and`,
      `${SLO_SERIES.events(long)}${sel} * ${WINDOW_SECONDS[long]} >= ${lowTrafficGuard(slo, tier)}`,
    ].join('\n'),
    for: tier.for,
    labels: {
      severity: tier.severity,
      slo: slo.target.name,
      burn_tier: tier.name,
      long_window: long,
      short_window: short,
      burn_rate: String(burnRate),
    },
    annotations: {
      summary: `${slo.title} SLO is burning its error budget ${burnRate}x too fast (${long}/${short}).`,
      description:
        `${slo.target.description} Over both the last ${long} and ${short} the error ratio exceeded ` +
        `${burnRate}x the budget of the ${slo.target.objective * 100}% objective; if it continues, ` +
        `${budgetShare(tier)} of the 30-day budget is gone within ${long}.`,
      runbook_url: runbookUrl(slo.runbook),
    },
  };
}

export function absentAlertName(): string {
  return 'SLIMetricAbsent';
}

function absentAlert(slo: Slo): AlertingRule {
  return {
    alert: absentAlertName(),
    expr: `absent(${slo.sli.presence})`,
    for: '10m',
    labels: { severity: slo.absentSeverity, slo: slo.target.name },
    annotations: {
      summary: `${slo.title} SLI has no data: its burn-rate alerts are blind.`,
      description:
        `No ${slo.sli.presence} series has been scraped for 10 minutes, so the ${slo.target.name} ` +
        'SLO cannot be measured or alert. Either the service is down everywhere or its scrape is broken.',
      runbook_url: runbookUrl('slo-sli-absent'),
    },
  };
}

export function sloRuleFile(slo: Slo): RuleFile {
  return {
    groups: [
      { name: `slo-${slo.target.name}-sli`, rules: ratioRules(slo) },
      {
        name: `slo-${slo.target.name}-alerts`,
        rules: [...BURN_TIERS.map((tier) => burnAlert(slo, tier)), absentAlert(slo)],
      },
    ],
  };
}
