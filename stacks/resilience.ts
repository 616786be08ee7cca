import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import {
  FisExperimentTemplate,
  type FisExperimentTemplateAction,
  type FisExperimentTemplateTarget,
} from '@cdktf/provider-aws/lib/fis-experiment-template';
import { Construct } from 'constructs';
import type { EnvConfig } from './config';
import { Role, type Statement } from './constructs/iam';
import { TaskboardStack } from './constructs/taskboard-stack';
import { databaseIdentifier } from './data';
import { clusterName } from './network';

export type FisTemplateName = 'rds-failover' | 'node-termination';

/**
 * The FIS experiments' catalogue entries, beside the templates (the Chaos Mesh ones are in
 * chaos/src/catalogue.ts). The Prometheus alerts named here are checked against the generated
 * rules and the runbooks against docs/runbooks by chaos/test/catalogue.test.ts.
 */
export interface FisExperiment {
  hypothesis: string;
  blastRadius: string;
  /** ISO 8601 duration of the aws:fis:wait before the assertion. */
  recoveryWait: string;
  abortCondition: string;
  /** Prometheus alerts that must stay silent while it runs (watch them in Grafana/Alertmanager). */
  mustNotFire: string[];
  runbook: `docs/runbooks/${string}.md`;
}

export const FIS_EXPERIMENTS: Record<FisTemplateName, FisExperiment> = {
  'rds-failover': {
    hypothesis:
      'A Multi-AZ failover takes 1-2 minutes; the pool drops dead connections and reconnects to the new primary, so the API is connected again within 5 minutes and no database page fires.',
    blastRadius: 'The environment database: every write fails while it reboots/fails over.',
    recoveryWait: 'PT5M',
    abortCondition: 'Stop alarm fis-stop-db-idle: no PostgreSQL connection for 5 minutes.',
    mustNotFire: ['ApiDatabaseUnreachable', 'ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-readiness-failing.md',
  },
  'node-termination': {
    hypothesis:
      'Losing every node of one AZ leaves the pods spread over the other AZs serving; the node groups replace the nodes and the evicted pods are rescheduled within 10 minutes without an availability page.',
    blastRadius:
      'Every running node of the cluster in the first AZ, with all pods on them (API, SPA, add-ons).',
    recoveryWait: 'PT10M',
    abortCondition: 'Stop alarm fis-stop-db-idle: no API pod connected to PostgreSQL for 5 minutes.',
    mustNotFire: ['ApiAvailabilityErrorBudgetBurn', 'ApiPodCrashLooping'],
    runbook: 'docs/runbooks/api-high-error-rate.md',
  },
};

/**
 * The AZ whose nodes the node-termination experiment terminates: the first one, so the
 * experiment is the same on every run and its blast radius is written down.
 */
export const nodeFailureAz = (env: EnvConfig): string => env.network.availabilityZones[0]!;

/**
 * AWS FIS experiment templates for the failures Chaos Mesh cannot cause from inside the cluster:
 * a database reboot with forced failover and the loss of every node in one AZ. Each stops on one
 * alarm (the app has been disconnected from PostgreSQL for 5 minutes: an outage, not a drill) and,
 * after a wait, asserts another is OK (the app is connected again). See docs/chaos.md; what they
 * show on a real account is verified only on a cluster.
 */
export class ResilienceStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'resilience');
    const cluster = clusterName(env);
    const db = databaseIdentifier(env);
    const aurora = env.database.engine !== 'rds';
    const partition = 'aws';
    const account = this.accountId;
    const dbArn = `arn:${partition}:rds:${env.region}:${account}:${aurora ? 'cluster' : 'db'}:${db}`;
    const az = nodeFailureAz(env);

    // The API holds pooled connections (its readiness probe queries PostgreSQL every few seconds),
    // so "no connection for N minutes" means no API pod is serving. Missing data counts as bad:
    // a database that publishes no metrics is not serving either.
    const connections = (id: string, minutes: number, description: string) =>
      new CloudwatchMetricAlarm(this, id, {
        alarmName: `${this.prefix}-${id}`,
        alarmDescription: description,
        namespace: 'AWS/RDS',
        metricName: 'DatabaseConnections',
        dimensions: aurora ? { DBClusterIdentifier: db } : { DBInstanceIdentifier: db },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: minutes,
        datapointsToAlarm: minutes,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        treatMissingData: 'breaching',
      });
    const stop = connections(
      'fis-stop-db-idle',
      5,
      'FIS stop condition: nothing has been connected to PostgreSQL for 5 minutes (the API is down, not degraded)',
    );
    const connected = connections(
      'fis-assert-db-connected',
      2,
      'FIS assertion: OK while the API holds PostgreSQL connections (asserted after the recovery wait)',
    );

    const role = new Role(this, 'fis-role', {
      name: `${this.prefix}-fis`,
      trust: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['fis.amazonaws.com'] }],
          // Confused-deputy guard: only FIS experiments of this account may assume it.
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] },
            {
              test: 'ArnLike',
              variable: 'aws:SourceArn',
              values: [`arn:${partition}:fis:${env.region}:${account}:experiment/*`],
            },
          ],
        },
      ],
      statements: fisRoleStatements({
        env,
        account,
        dbArn,
        aurora,
        cluster,
        az,
        alarmArns: [stop.arn, connected.arn],
      }),
    });

    const stopCondition = [{ source: 'aws:cloudwatch:alarm', value: stop.arn }];
    const waitThenAssert = (after: string, duration: string): FisExperimentTemplateAction[] => [
      {
        name: 'wait-for-recovery',
        actionId: 'aws:fis:wait',
        startAfter: [after],
        parameter: [{ key: 'duration', value: duration }],
      },
      {
        name: 'assert-api-connected',
        actionId: 'aws:cloudwatch:assert-alarm-state',
        startAfter: ['wait-for-recovery'],
        parameter: [
          { key: 'alarmArns', value: connected.arn },
          { key: 'alarmStates', value: 'OK' },
        ],
      },
    ];

    const dbTarget: FisExperimentTemplateTarget = aurora
      ? { name: 'database', resourceType: 'aws:rds:cluster', resourceArns: [dbArn], selectionMode: 'ALL' }
      : { name: 'database', resourceType: 'aws:rds:db', resourceArns: [dbArn], selectionMode: 'ALL' };
    const dbFailover: FisExperimentTemplateAction = aurora
      ? {
          name: 'failover',
          actionId: 'aws:rds:failover-db-cluster',
          target: { key: 'Clusters', value: 'database' },
        }
      : {
          name: 'failover',
          actionId: 'aws:rds:reboot-db-instances',
          target: { key: 'DBInstances', value: 'database' },
          // Forcing a failover needs a standby: Multi-AZ only (dev's single instance just reboots).
          parameter: [{ key: 'forceFailover', value: String(env.database.multiAz) }],
        };
    const rds = new FisExperimentTemplate(this, 'rds-failover', {
      description: `${this.prefix}: ${aurora ? 'Aurora cluster failover' : env.database.multiAz ? 'RDS reboot with forced failover' : 'RDS reboot (single-AZ: no standby)'}, then assert the API reconnected`,
      roleArn: role.role.arn,
      stopCondition,
      target: [dbTarget],
      action: [dbFailover, ...waitThenAssert('failover', FIS_EXPERIMENTS['rds-failover'].recoveryWait)],
      tags: { Name: `${this.prefix}-rds-failover` },
    });

    const nodes = new FisExperimentTemplate(this, 'node-termination', {
      description: `${this.prefix}: terminate every running node of ${cluster} in ${az}, then assert the API is connected again`,
      roleArn: role.role.arn,
      stopCondition,
      target: [
        {
          name: 'nodes-in-az',
          resourceType: 'aws:ec2:instance',
          // Managed node groups tag their instances with the cluster; the AZ filter is the blast radius.
          resourceTag: [{ key: 'eks:cluster-name', value: cluster }],
          filter: [
            { path: 'Placement.AvailabilityZone', values: [az] },
            { path: 'State.Name', values: ['running'] },
          ],
          selectionMode: 'ALL',
        },
      ],
      action: [
        {
          name: 'terminate',
          actionId: 'aws:ec2:terminate-instances',
          target: { key: 'Instances', value: 'nodes-in-az' },
        },
        ...waitThenAssert('terminate', FIS_EXPERIMENTS['node-termination'].recoveryWait),
      ],
      tags: { Name: `${this.prefix}-node-termination` },
    });

    this.output(
      'fis_rds_failover_template_id',
      rds.id,
      'FIS template: database failover (aws fis start-experiment)',
    );
    this.output('fis_node_termination_template_id', nodes.id, `FIS template: terminate the nodes in ${az}`);
    this.output('fis_stop_alarm_name', stop.alarmName, 'CloudWatch alarm that stops every FIS experiment');
    this.output(
      'fis_assert_alarm_name',
      connected.alarmName,
      'CloudWatch alarm FIS asserts OK after recovery',
    );
  }
}

/** Least privilege for the FIS role: each mutating action on the exact resources, nothing else. */
export function fisRoleStatements(p: {
  env: EnvConfig;
  account: string;
  dbArn: string;
  aurora: boolean;
  cluster: string;
  az: string;
  alarmArns: string[];
}): Statement[] {
  return [
    {
      sid: 'FailoverTheDatabase',
      effect: 'Allow',
      actions: p.aurora
        ? ['rds:FailoverDBCluster', 'rds:DescribeDBClusters']
        : ['rds:RebootDBInstance', 'rds:DescribeDBInstances'],
      resources: [p.dbArn],
    },
    {
      sid: 'TerminateClusterNodesInOneAz',
      effect: 'Allow',
      actions: ['ec2:TerminateInstances'],
      resources: [`arn:aws:ec2:${p.env.region}:${p.account}:instance/*`],
      condition: [
        { test: 'StringEquals', variable: 'aws:ResourceTag/eks:cluster-name', values: [p.cluster] },
        { test: 'StringEquals', variable: 'ec2:AvailabilityZone', values: [p.az] },
      ],
    },
    {
      // DescribeInstances has no resource-level permissions: AWS requires "*" (read-only).
      sid: 'ResolveTargets',
      effect: 'Allow',
      actions: ['ec2:DescribeInstances'],
      resources: ['*'],
    },
    {
      sid: 'ReadTheAlarms',
      effect: 'Allow',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: p.alarmArns,
    },
  ];
}
