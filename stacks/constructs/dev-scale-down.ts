import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { Construct } from 'constructs';
import type { EnvConfig, NodeGroupConfig, ScaleDownConfig } from '../config';
import { databaseIdentifier } from '../data';
import { clusterName } from '../network';
import { Role, type Statement } from './iam';

/** A call EventBridge Scheduler makes through a universal target (`aws-sdk:<service>:<action>`). */
export interface ScheduledCall {
  id: string;
  /** `eks:updateNodegroupConfig`: the IAM action is the same name with the API's casing. */
  api: string;
  iamAction: string;
  /** The one resource the call touches (the role may call it on nothing else). */
  resourceArn: string;
  input: Record<string, unknown>;
  when: 'stop' | 'start';
}

/** Node groups of the cluster stack (cluster.ts names them `<cluster>-<id>`), with their sizes. */
function nodeGroups(env: EnvConfig): { name: string; g: NodeGroupConfig }[] {
  const groups = [{ name: `${clusterName(env)}-on-demand`, g: env.cluster.onDemand }];
  if (env.cluster.spot) groups.push({ name: `${clusterName(env)}-spot`, g: env.cluster.spot });
  return groups;
}

/**
 * Every call of the night stop and morning start, derived from the naming functions of the
 * cluster and data stacks (their physical names are fixed by config, like alerting.ts's).
 */
export function scaleDownCalls(env: EnvConfig, accountId: string): ScheduledCall[] {
  const cluster = clusterName(env);
  const calls: ScheduledCall[] = [];
  for (const { name, g } of nodeGroups(env)) {
    // The node group's ARN ends in a generated id: the name part is exact, the id is not known.
    const arn = `arn:aws:eks:${env.region}:${accountId}:nodegroup/${cluster}/${name}/*`;
    const call = (when: 'stop' | 'start', size: NodeGroupConfig) => ({
      id: `${when}-${name.slice(cluster.length + 1)}`,
      api: 'eks:updateNodegroupConfig',
      iamAction: 'eks:UpdateNodegroupConfig',
      resourceArn: arn,
      input: {
        ClusterName: cluster,
        NodegroupName: name,
        ScalingConfig: { MinSize: size.minSize, DesiredSize: size.desiredSize, MaxSize: size.maxSize },
      },
      when,
    });
    calls.push(call('stop', { ...g, minSize: 0, desiredSize: 0 }), call('start', g));
  }
  const id = databaseIdentifier(env);
  const aurora = env.database.engine !== 'rds';
  const kind = aurora ? 'DBCluster' : 'DBInstance';
  const idField = aurora ? 'DbClusterIdentifier' : 'DbInstanceIdentifier';
  const arn = `arn:aws:rds:${env.region}:${accountId}:${aurora ? 'cluster' : 'db'}:${id}`;
  for (const when of ['stop', 'start'] as const) {
    calls.push({
      id: `${when}-database`,
      api: `rds:${when}${kind}`,
      iamAction: `rds:${when === 'stop' ? 'Stop' : 'Start'}${kind}`,
      resourceArn: arn,
      input: { [idField]: id },
      when,
    });
  }
  return calls;
}

export interface DevScaleDownProps {
  env: EnvConfig;
  schedule: ScaleDownConfig;
  accountId: string;
}

/**
 * Dev night and weekend scale-down: EventBridge Scheduler sets the node groups to zero and stops
 * the database at `stopCron`, and restores both at `startCron`. The scheduler's role may make
 * exactly these calls on exactly these resources. RDS restarts a stopped database by itself
 * after 7 days: a weekend is shorter, a longer pause needs a snapshot and destroy instead.
 */
export class DevScaleDown extends Construct {
  readonly calls: ScheduledCall[];

  constructor(scope: Construct, id: string, props: DevScaleDownProps) {
    super(scope, id);
    const { env, schedule } = props;
    const prefix = `${env.project}-${env.name}`;
    this.calls = scaleDownCalls(env, props.accountId);
    const statements: Statement[] = this.calls.map((c) => ({
      sid: c.id.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase()),
      effect: 'Allow',
      actions: [c.iamAction],
      resources: [c.resourceArn],
    }));
    const role = new Role(this, 'role', {
      name: `${prefix}-scale-down`,
      trust: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['scheduler.amazonaws.com'] }],
          // Only this account's schedules may use the role (confused-deputy guard).
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] }],
        },
      ],
      statements,
    });
    const group = new SchedulerScheduleGroup(this, 'group', { name: `${prefix}-scale-down` });
    for (const c of this.calls) {
      new SchedulerSchedule(this, c.id, {
        name: `${prefix}-${c.id}`,
        groupName: group.name,
        description: `Dev scale-down: ${c.api} at ${c.when}`,
        scheduleExpression: c.when === 'stop' ? schedule.stopCron : schedule.startCron,
        scheduleExpressionTimezone: schedule.timeZone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: `arn:aws:scheduler:::aws-sdk:${c.api}`,
          roleArn: role.role.arn,
          input: JSON.stringify(c.input),
          // A failed call is retried for an hour, then the next night's call tries again.
          retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 5 },
        },
      });
    }
  }
}
