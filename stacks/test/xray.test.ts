import { API_TRACE_SERVICE_NAME } from '@taskboard/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EnvName, loadConfig } from '../config';
import { XRAY_RESERVOIR_PER_SECOND } from '../observability/xray';
import type { Block } from '../policy/tf-json';
import type { SynthesizedFile } from '../synth';
import { all, doc, one, synthAll } from './helpers';

let files: Map<string, SynthesizedFile>;
beforeAll(() => {
  files = synthAll();
}, 180_000);

describe.each(['dev', 'prod'] as EnvName[])('%s: X-Ray group and sampling rule (alerting stack)', (env) => {
  const cfg = loadConfig({})[env];

  it("groups the API's traces by its OpenTelemetry service name, with Insights on", () => {
    const d = doc(files, env, 'alerting');
    const group = one(d, 'aws_xray_group');
    expect(group).toMatchObject({
      group_name: `taskboard-${env}-api`,
      filter_expression: `service("${API_TRACE_SERVICE_NAME}")`,
      insights_configuration: { insights_enabled: true, notifications_enabled: false },
    });
    expect(Object.keys(d.output as Block)).toContain('xray_group_arn');
  });

  it("samples the API at the environment's head-sampling ratio, before the Default rule", () => {
    const d = doc(files, env, 'alerting');
    const rules = all(d, 'aws_xray_sampling_rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    expect(rule).toMatchObject({
      rule_name: `taskboard-${env}-api`,
      service_name: API_TRACE_SERVICE_NAME,
      fixed_rate: cfg.app.tracingSampleRatio,
      reservoir_size: XRAY_RESERVOIR_PER_SECOND,
      version: 1,
      service_type: '*',
      host: '*',
      http_method: '*',
      url_path: '*',
      resource_arn: '*',
    });
    expect(rule.fixed_rate).toBe(env === 'prod' ? 0.1 : 1);
    // X-Ray's own Default rule has priority 10000; rule names hold at most 32 characters.
    expect(rule.priority as number).toBeLessThan(10_000);
    expect(String(rule.rule_name).length).toBeLessThanOrEqual(32);
  });
});
