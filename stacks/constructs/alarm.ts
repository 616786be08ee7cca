import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';

/** The two SNS topics every alarm notifies: `critical` pages, `warning` opens a ticket. */
export type AlarmTopic = 'critical' | 'warning';
export type TopicArns = Record<AlarmTopic, string>;

/** What CloudWatch does with a period without data; every alarm states its choice and why. */
export type MissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

export type Comparison =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export interface SingleMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** `Average`, `Sum`, `Maximum`, `Minimum`, or a percentile such as `p95`. */
  statistic: string;
}

export interface AlarmSpec {
  /** Suffix of the alarm name (`<prefix>-<id>`). */
  id: string;
  /** One sentence: what is wrong when this fires. */
  summary: string;
  /** File in docs/runbooks/ (a test proves it exists). */
  runbook: string;
  topic: AlarmTopic;
  /** One metric, or metric math whose `returnData` query is compared to the threshold. */
  metric: SingleMetric | { math: CloudwatchMetricAlarmMetricQuery[]; label: string };
  comparison: Comparison;
  threshold: number;
  periodSeconds: number;
  evaluationPeriods: number;
  /** M of the N evaluation periods that must breach (default: all of them). */
  datapointsToAlarm?: number;
  treatMissingData: MissingData;
  /** Why this missing-data choice (rendered in docs/alarms.md). */
  missingDataReason: string;
}

/** Runbook reference inside an alarm description; the alarm table and a test parse it back. */
export const RUNBOOK_PREFIX = 'Runbook: docs/runbooks/';

export const alarmDescription = (spec: Pick<AlarmSpec, 'summary' | 'runbook'>) =>
  `${spec.summary} ${RUNBOOK_PREFIX}${spec.runbook}`;

/** A CloudWatch alarm that notifies its topic on ALARM and on OK, with a deliberate missing-data policy. */
export class Alarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, prefix: string, spec: AlarmSpec, topics: TopicArns) {
    super(scope, `alarm-${spec.id}`);
    const topic = topics[spec.topic];
    const m = spec.metric;
    const single =
      'namespace' in m
        ? {
            namespace: m.namespace,
            metricName: m.name,
            dimensions: m.dimensions,
            period: spec.periodSeconds,
            ...(/^p\d/.test(m.statistic) ? { extendedStatistic: m.statistic } : { statistic: m.statistic }),
          }
        : { metricQuery: m.math };
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: `${prefix}-${spec.id}`,
      alarmDescription: alarmDescription(spec),
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
      treatMissingData: spec.treatMissingData,
      alarmActions: [topic],
      // Recovery is news too: the incident channel sees the alarm clear.
      okActions: [topic],
      ...single,
    });
    // Readable addresses in the JSON and plans: aws_cloudwatch_metric_alarm.<id>.
    this.alarm.overrideLogicalId(spec.id);
  }
}
