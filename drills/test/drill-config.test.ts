/**
 * The drill's Prometheus and Alertmanager run OUR generated config, changed only in time: the same
 * rule expressions, labels and annotations with `for:` divided by the scale, the same routes and
 * inhibit rules with receivers pointed at the local webhook. promtool/amtool accept what we write.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  drillAlertmanagerConfig,
  GENERATED_ALERTMANAGER_CONFIG,
  writeAlertmanagerConfig,
} from '../src/harness/alertmanager';
import { DrillConfigError, loadDrillConfig, portList } from '../src/harness/config';
import {
  alertNames,
  drillRuleFiles,
  durationSeconds,
  GENERATED_RULES_DIR,
  scaleDuration,
  writePrometheusConfig,
} from '../src/harness/prometheus';
import { SCENARIOS } from '../src/scenarios/catalogue';

const work = mkdtempSync(join(tmpdir(), 'drill-config-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: unknown;
  annotations?: unknown;
}

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('drill rules', () => {
  it('parses and scales durations', () => {
    expect(durationSeconds('5m')).toBe(300);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(scaleDuration('3m', 30)).toBe('6s');
    expect(scaleDuration('10s', 30)).toBe('1s');
    expect(() => durationSeconds('5 minutes')).toThrow(/not a duration/);
  });

  it('keeps every rule identical except the group interval and scaled `for:`', () => {
    const drill = drillRuleFiles(30);
    const files = readdirSync(GENERATED_RULES_DIR).filter((f) => f.endsWith('.rules.yaml'));
    expect([...drill.keys()].sort()).toEqual(files.sort());
    let scaled = 0;
    for (const name of files) {
      const original = parse(readFileSync(join(GENERATED_RULES_DIR, name), 'utf8')) as {
        groups: { name: string; rules: Rule[] }[];
      };
      const copy = drill.get(name)!;
      expect(copy.groups.map((g) => g.name)).toEqual(original.groups.map((g) => g.name));
      original.groups.forEach((group, gi) => {
        expect(copy.groups[gi]!.interval).toBe('1s');
        group.rules.forEach((rule, ri) => {
          const mine = copy.groups[gi]!.rules[ri]!;
          expect({ ...mine, for: undefined }).toEqual({ ...rule, for: undefined });
          if (rule.for) {
            expect(mine.for).toBe(scaleDuration(rule.for, 30));
            scaled++;
          } else expect(mine.for).toBeUndefined();
        });
      });
    }
    expect(scaled).toBeGreaterThan(5);
  });

  it.skipIf(!onPath('promtool'))('writes rule files and a config promtool accepts', () => {
    const config = writePrometheusConfig(work, 30, [{ pod: 'taskboard-api-a', port: 1 }], 2);
    const check = spawnSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});

describe('drill Alertmanager config', () => {
  it('keeps the generated route tree and inhibit rules; every receiver delivers to the local webhook', () => {
    const original = parse(readFileSync(GENERATED_ALERTMANAGER_CONFIG, 'utf8')) as {
      route: { routes: { matchers: string[]; receiver: string }[] };
      receivers: { name: string }[];
      inhibit_rules: unknown;
    };
    const drill = drillAlertmanagerConfig('http://127.0.0.1:9', 30) as unknown as typeof original;
    expect(drill.inhibit_rules).toEqual(original.inhibit_rules);
    expect(drill.route.routes.map((r) => [r.matchers, r.receiver])).toEqual(
      original.route.routes.map((r) => [r.matchers, r.receiver]),
    );
    expect(drill.receivers.map((r) => r.name)).toEqual(original.receivers.map((r) => r.name));
    for (const r of drill.receivers)
      expect(r).toEqual({
        name: r.name,
        webhook_configs: [{ url: `http://127.0.0.1:9/${encodeURIComponent(r.name)}`, send_resolved: true }],
      });
  });

  it.skipIf(!onPath('amtool'))('is a config amtool accepts', () => {
    const path = writeAlertmanagerConfig(work, 'http://127.0.0.1:9', 30);
    const check = spawnSync('amtool', ['check-config', path], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});

describe('scenario catalogue', () => {
  const alerts = new Set(alertNames());
  const receivers = new Set(drillAlertmanagerConfig('http://x', 30).receivers.map((r) => r.name));

  it.each(SCENARIOS.map((s) => [s.name, s]))('%s names only alerts and receivers that exist', (_, s) => {
    for (const a of [...s.expect.alerts.map((x) => x.name), ...s.expect.silent]) expect(alerts).toContain(a);
    for (const n of s.expect.notified) {
      expect(receivers).toContain(n.receiver);
      expect(s.expect.alerts.map((a) => a.name)).toContain(n.alert);
    }
    expect(s.minFaultSeconds).toBeLessThanOrEqual(s.maxFaultSeconds);
  });

  it('has unique names', () => {
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
  });
});

describe('drill configuration', () => {
  it('derives every port from DRILL_PORT_BASE, below the ephemeral range', () => {
    const ports = portList(loadDrillConfig({ DRILL_PORT_BASE: '25000' }).ports).map(([, p]) => p);
    expect(ports[0]).toBe(25000);
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.max(...ports)).toBeLessThan(32768);
  });

  it('fails naming the variable', () => {
    expect(() => loadDrillConfig({ DRILL_PORT_BASE: '40000' })).toThrow(DrillConfigError);
    expect(() => loadDrillConfig({ DRILL_PORT_BASE: '40000' })).toThrow(/DRILL_PORT_BASE=40000/);
    expect(() => loadDrillConfig({ DRILL_DATABASE_URL: 'mysql://x' })).toThrow(/DRILL_DATABASE_URL/);
    expect(() => loadDrillConfig({ DRILL_TIME_SCALE: '0' })).toThrow(/DRILL_TIME_SCALE/);
  });
});
