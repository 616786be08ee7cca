import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type EnvConfig, type EnvName, loadConfig } from '../config';
import { DataStack, databaseIdentifier } from '../data';
import type { Block, TfDocument } from '../policy/tf-json';
import { FIS_EXPERIMENTS, type FisTemplateName, nodeFailureAz, ResilienceStack } from '../resilience';
import { all, data, one, ref } from './helpers';

/** Testing.synth of the resilience stack, and of the data stack it derives the database from. */
function synthStacks(env: EnvConfig): { resilience: TfDocument; data: TfDocument } {
  const app = Testing.app();
  const resilience = new ResilienceStack(app, env);
  const dataStack = new DataStack(app, env);
  return {
    resilience: JSON.parse(Testing.synth(resilience)) as TfDocument,
    data: JSON.parse(Testing.synth(dataStack)) as TfDocument,
  };
}
const synthed = { dev: synthStacks(defaultConfig().dev), prod: synthStacks(defaultConfig().prod) };

const block = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Block;
const actions = (t: Block) => t.action as Block[];
const param = (a: Block, key: string) =>
  (a.parameter as Block[] | undefined)?.find((p) => p.key === key)?.value;
const stopArn = ref('aws_cloudwatch_metric_alarm.fis-stop-db-idle.arn');
const assertArn = ref('aws_cloudwatch_metric_alarm.fis-assert-db-connected.arn');

describe.each(['dev', 'prod'] as EnvName[])('%s: resilience (AWS FIS)', (env) => {
  const c = defaultConfig()[env];

  it('reboots the database with a forced failover where there is a standby (Multi-AZ), by its exact ARN', () => {
    const t = one(synthed[env].resilience, 'aws_fis_experiment_template', 'rds-failover');
    const target = block(t.target);
    expect(target).toMatchObject({ name: 'database', resource_type: 'aws:rds:db', selection_mode: 'ALL' });
    expect(target.resource_arns).toEqual([
      `arn:aws:rds:eu-west-1:${ref('data.aws_caller_identity.current.account_id')}:db:${databaseIdentifier(c)}`,
    ]);
    const failover = actions(t)[0]!;
    expect(failover).toMatchObject({ name: 'failover', action_id: 'aws:rds:reboot-db-instances' });
    expect(param(failover, 'forceFailover')).toBe(String(c.database.multiAz));
    expect(param(failover, 'forceFailover')).toBe(env === 'prod' ? 'true' : 'false');
  });

  it('the database it targets is the one the data stack creates', () => {
    const instance = one(synthed[env].data, 'aws_db_instance', 'postgres');
    expect(instance.identifier).toBe(databaseIdentifier(c));
  });

  it('terminates only running nodes of this cluster in one AZ', () => {
    const t = one(synthed[env].resilience, 'aws_fis_experiment_template', 'node-termination');
    const target = block(t.target);
    expect(target).toMatchObject({ resource_type: 'aws:ec2:instance', selection_mode: 'ALL' });
    expect(target.resource_tag).toEqual([{ key: 'eks:cluster-name', value: `taskboard-${env}` }]);
    expect(target.filter).toEqual([
      { path: 'Placement.AvailabilityZone', values: [nodeFailureAz(c)] },
      { path: 'State.Name', values: ['running'] },
    ]);
    expect(actions(t)[0]).toMatchObject({
      action_id: 'aws:ec2:terminate-instances',
      target: { key: 'Instances' },
    });
  });

  it.each(Object.keys(FIS_EXPERIMENTS) as FisTemplateName[])(
    '%s stops on one alarm and, after a wait, asserts another is OK',
    (name) => {
      const t = one(synthed[env].resilience, 'aws_fis_experiment_template', name);
      expect(t.stop_condition).toEqual([{ source: 'aws:cloudwatch:alarm', value: stopArn }]);
      const [fault, wait, assert] = actions(t);
      expect(wait).toMatchObject({ action_id: 'aws:fis:wait', start_after: [fault!.name] });
      expect(param(wait!, 'duration')).toBe(FIS_EXPERIMENTS[name].recoveryWait);
      expect(assert).toMatchObject({
        action_id: 'aws:cloudwatch:assert-alarm-state',
        start_after: [wait!.name],
      });
      expect(param(assert!, 'alarmArns')).toBe(assertArn);
      expect(param(assert!, 'alarmStates')).toBe('OK');
    },
  );

  it('its alarms watch the database connections of the right instance; missing data counts as down', () => {
    const alarms = all(synthed[env].resilience, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => [a.alarm_name, a.evaluation_periods])).toEqual([
      [`taskboard-${env}-fis-assert-db-connected`, 2],
      [`taskboard-${env}-fis-stop-db-idle`, 5],
    ]);
    for (const a of alarms) {
      expect(a).toMatchObject({
        namespace: 'AWS/RDS',
        metric_name: 'DatabaseConnections',
        dimensions: { DBInstanceIdentifier: databaseIdentifier(c) },
        comparison_operator: 'LessThanThreshold',
        threshold: 1,
        treat_missing_data: 'breaching',
      });
    }
  });

  it('its role is assumable by FIS of this account only and grants exactly what the two actions need', () => {
    const d = synthed[env].resilience;
    const docs = Object.fromEntries(
      Object.entries(d.data?.aws_iam_policy_document ?? {}).map(([k, v]) => [
        k.replace(/_[0-9A-F]{8}$/, ''),
        v,
      ]),
    );
    const trust = block(docs['fis-role_trust']!.statement);
    expect(block(trust.principals)).toEqual({ type: 'Service', identifiers: ['fis.amazonaws.com'] });
    expect((trust.condition as Block[]).map((x) => x.variable)).toEqual([
      'aws:SourceAccount',
      'aws:SourceArn',
    ]);
    const statements = docs['fis-role_permissions']!.statement as Block[];
    expect(statements.map((s) => [s.sid, s.actions])).toEqual([
      ['FailoverTheDatabase', ['rds:RebootDBInstance', 'rds:DescribeDBInstances']],
      ['TerminateClusterNodesInOneAz', ['ec2:TerminateInstances']],
      ['ResolveTargets', ['ec2:DescribeInstances']],
      ['ReadTheAlarms', ['cloudwatch:DescribeAlarms']],
    ]);
    const terminate = statements[1]!;
    expect((terminate.condition as Block[]).map((x) => [x.variable, x.values])).toEqual([
      ['aws:ResourceTag/eks:cluster-name', [`taskboard-${env}`]],
      ['ec2:AvailabilityZone', [nodeFailureAz(c)]],
    ]);
    expect(statements[3]!.resources).toEqual([stopArn, assertArn]);
    expect(data(d, 'aws_iam_policy_document')).toHaveLength(2);
  });
});

describe('resilience with Aurora', () => {
  it('fails over the Aurora cluster instead, with the matching permission and alarm dimension', () => {
    const config = loadConfig({ TASKBOARD_PROD_DB_ENGINE: 'aurora-serverless-v2' }).prod;
    const aurora = synthStacks(config);
    const d = aurora.resilience;
    const id = databaseIdentifier(config);
    expect(one(aurora.data, 'aws_rds_cluster').cluster_identifier).toBe(id);
    const t = one(d, 'aws_fis_experiment_template', 'rds-failover');
    expect(block(t.target)).toMatchObject({ resource_type: 'aws:rds:cluster' });
    expect(String(block(t.target).resource_arns)).toContain(`:cluster:${id}`);
    expect(actions(t)[0]).toMatchObject({
      action_id: 'aws:rds:failover-db-cluster',
      target: { key: 'Clusters' },
    });
    for (const a of all(d, 'aws_cloudwatch_metric_alarm'))
      expect(a.dimensions).toEqual({ DBClusterIdentifier: id });
  });
});
