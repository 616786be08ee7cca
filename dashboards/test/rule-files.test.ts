/** Static checks of the generated Prometheus rule files: promtool accepts them, and every alert is actionable. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ruleFiles } from '../src/outputs';
import { type AlertingRule, isAlertingRule, type RuleFile, SEVERITIES } from '../src/rules/types';
import { SLO_CATALOGUE } from '../src/slo/catalogue';
import { BURN_TIERS } from '../src/slo/windows';
import { WORKSPACE } from './promtool/run';

const paths = [...ruleFiles().keys()];
const committed = paths.map((p) => load(readFileSync(join(WORKSPACE, p), 'utf8')) as RuleFile);
const alerts: AlertingRule[] = committed.flatMap((f) =>
  f.groups.flatMap((g) => g.rules.filter(isAlertingRule)),
);

describe('Prometheus rule files', () => {
  for (const path of paths) {
    it(`promtool check rules ${path}`, () => {
      const run = spawnSync('promtool', ['check', 'rules', join(WORKSPACE, path)], { encoding: 'utf8' });
      if (run.error)
        throw new Error(`promtool could not run (install it with \`make tools\`): ${run.error.message}`);
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('SUCCESS');
    });
  }

  it('every alert has a severity we route, a summary, a description and a runbook link', () => {
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      expect(SEVERITIES, alert.alert).toContain(alert.labels.severity);
      expect(alert.annotations.summary?.length, alert.alert).toBeGreaterThan(10);
      expect(alert.annotations.description?.length, alert.alert).toBeGreaterThan(20);
      expect(alert.annotations.runbook_url, alert.alert).toMatch(/^docs\/runbooks\/[a-z0-9-]+\.md$/);
    }
  });

  it('each SLO has one alert per burn tier, labelled with its SLO and windows, and an absent alert', () => {
    for (const slo of SLO_CATALOGUE) {
      const mine = alerts.filter((a) => a.labels.slo === slo.target.name);
      const tiers = mine.filter((a) => a.labels.burn_tier).map((a) => a.labels.burn_tier);
      expect(tiers.sort()).toEqual(BURN_TIERS.map((t) => t.name).sort());
      for (const a of mine.filter((x) => x.labels.burn_tier)) {
        expect(a.labels.long_window).toBeTruthy();
        expect(a.labels.short_window).toBeTruthy();
        // Multi-window: both windows appear in the expression, with the low-traffic guard.
        expect(a.expr).toContain(`ratio_rate${a.labels.long_window}{`);
        expect(a.expr).toContain(`ratio_rate${a.labels.short_window}{`);
        expect(a.expr).toContain(`slo:sli_events:rate${a.labels.long_window}{`);
      }
      expect(mine.filter((a) => a.expr.startsWith('absent('))).toHaveLength(1);
    }
  });

  it('records every SLI window, the 30-day ratio and budget remaining for every SLO', () => {
    const records = committed.flatMap((f) =>
      f.groups.flatMap((g) =>
        g.rules
          .filter((r) => !isAlertingRule(r))
          .map((r) => `${'record' in r ? r.record : ''}|${r.labels?.slo}`),
      ),
    );
    expect(new Set(records).size, 'a series is recorded twice').toBe(records.length);
    for (const slo of SLO_CATALOGUE) {
      for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']) {
        expect(records).toContain(`slo:sli_error:ratio_rate${w}|${slo.target.name}`);
      }
      expect(records).toContain(`slo:error_budget_remaining:ratio|${slo.target.name}`);
    }
  });
});
