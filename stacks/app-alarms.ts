import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { DataAwsLb } from '@cdktf/provider-aws/lib/data-aws-lb';
import { SLOS } from '@taskboard/contracts';
import { Construct } from 'constructs';
import { alarmTargets } from './alerting';
import type { EnvConfig } from './config';
import { Alarm, type AlarmSpec } from './constructs/alarm';
import { canaryAlarm, loadCanaryScript, SyntheticsCanaryJourney } from './constructs/synthetics-canary';
import { TaskboardStack } from './constructs/taskboard-stack';

/** Tags the AWS Load Balancer Controller puts on the ALB of an IngressGroup. */
export function albLookupTags(env: EnvConfig): Record<string, string> {
  return {
    'elbv2.k8s.aws/cluster': alarmTargets(env).cluster,
    'ingress.k8s.aws/stack': env.edge.ingressGroupName,
  };
}

/** p99 latency that opens a ticket: five times the latency SLO threshold. */
export const P99_LATENCY_FACTOR = 5;

/** Alarms on the app's ALB; `lb` is the ALB's ARN suffix (`app/<name>/<id>`, the metric dimension). */
export function appAlarms(lb: string): AlarmSpec[] {
  const latency = SLOS.apiLatency.thresholdSeconds;
  const alb = (name: string, stat: string) => ({
    metric: {
      namespace: 'AWS/ApplicationELB',
      metricName: name,
      dimensions: { LoadBalancer: lb },
      period: 60,
      stat,
    },
  });
  const noTraffic = 'no requests means no errors and no latency to judge: not breaching';
  return [
    {
      id: 'alb-5xx-ratio-high',
      summary: 'More than 5 % of ALB requests answered 5xx (ALB or targets) for 5 minutes.',
      runbook: 'aws-alb.md',
      topic: 'critical',
      metric: {
        label: '100 * (ELB 5xx + target 5xx) / requests',
        math: [
          {
            id: 'ratio',
            expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
            label: '5xx % of requests',
            returnData: true,
          },
          { id: 'requests', returnData: false, ...alb('RequestCount', 'Sum') },
          { id: 'elb5xx', returnData: false, ...alb('HTTPCode_ELB_5XX_Count', 'Sum') },
          { id: 'target5xx', returnData: false, ...alb('HTTPCode_Target_5XX_Count', 'Sum') },
        ],
      },
      comparison: 'GreaterThanThreshold',
      threshold: 5,
      periodSeconds: 60,
      evaluationPeriods: 5,
      treatMissingData: 'notBreaching',
      missingDataReason: noTraffic,
    },
    {
      id: 'alb-latency-p95-high',
      summary: `ALB target response time p95 above the latency SLO threshold (${latency} s) for 10 minutes.`,
      runbook: 'aws-alb.md',
      topic: 'warning',
      metric: {
        namespace: 'AWS/ApplicationELB',
        name: 'TargetResponseTime',
        dimensions: { LoadBalancer: lb },
        statistic: 'p95',
      },
      comparison: 'GreaterThanThreshold',
      threshold: latency,
      periodSeconds: 300,
      evaluationPeriods: 2,
      treatMissingData: 'notBreaching',
      missingDataReason: noTraffic,
    },
    {
      id: 'alb-latency-p99-high',
      summary: `ALB target response time p99 above ${latency * P99_LATENCY_FACTOR} s for 10 minutes: a slow tail the p95 hides.`,
      runbook: 'aws-alb.md',
      topic: 'warning',
      metric: {
        namespace: 'AWS/ApplicationELB',
        name: 'TargetResponseTime',
        dimensions: { LoadBalancer: lb },
        statistic: 'p99',
      },
      comparison: 'GreaterThanThreshold',
      threshold: latency * P99_LATENCY_FACTOR,
      periodSeconds: 300,
      evaluationPeriods: 2,
      treatMissingData: 'notBreaching',
      missingDataReason: noTraffic,
    },
    {
      id: 'alb-unhealthy-hosts',
      summary: 'An ALB target group reported unhealthy targets for 3 minutes.',
      runbook: 'aws-alb.md',
      topic: 'critical',
      metric: {
        label: 'worst target group',
        math: [
          {
            // Metrics Insights: every target group of this ALB, without knowing their ids here.
            id: 'unhealthy',
            expression: `SELECT MAX(UnHealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = '${lb}'`,
            period: 60,
            returnData: true,
          },
        ],
      },
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      periodSeconds: 60,
      evaluationPeriods: 3,
      treatMissingData: 'breaching',
      missingDataReason:
        'target groups always report while the ALB exists: no data means the ALB or its targets are gone',
    },
  ];
}

/**
 * Alarms and the golden-signals dashboard that need the app's ALB, which the app chart's Ingress
 * creates: applied after the app stack, it finds the ALB by the LB controller's tags. Also the
 * Synthetics canary, which needs the app answering behind the public URL.
 */
export class AppAlarmsStack extends TaskboardStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, 'app-alarms');
    const alerting = this.remoteState('alerting');
    const edge = this.remoteState('edge');
    const lb = new DataAwsLb(this, 'alb', { tags: albLookupTags(env) });
    const topics = {
      critical: alerting.getString('critical_topic_arn'),
      warning: alerting.getString('warning_topic_arn'),
    };
    for (const spec of appAlarms(lb.arnSuffix)) new Alarm(this, this.prefix, spec, topics);

    if (env.canary.enabled) {
      // The browser journey through the public URL: what a user does, every few minutes.
      const canary = new SyntheticsCanaryJourney(this, 'canary', {
        name: this.prefix,
        accountId: this.accountId,
        region: env.region,
        publicUrl: edge.getString('public_url'),
        config: env.canary,
        script: loadCanaryScript(),
        accessLogBucket: edge.getString('edge_logs_bucket'),
      });
      new Alarm(this, this.prefix, canaryAlarm(this.prefix, env.canary), topics);
      this.output('canary_name', canary.canary.name, 'CloudWatch Synthetics canary walking the public URL');
      this.output(
        'canary_user_secret_arn',
        canary.secret.secret.arn,
        'Secret holding the canary user (register it once: docs/delivery.md)',
      );
    }

    const dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: `${this.prefix}-golden-signals`,
      dashboardBody: JSON.stringify(
        goldenSignalsDashboard(env, lb.arnSuffix, edge.getString('distribution_id')),
      ),
    });
    this.output('alb_arn', lb.arn, 'ALB of the app chart (found by the LB controller tags)');
    this.output(
      'dashboard_name',
      dashboard.dashboardName,
      'CloudWatch dashboard of the AWS-side golden signals',
    );
  }
}

type Widget = Record<string, unknown>;

/** CloudWatch dashboard body: traffic, errors, latency and saturation of every AWS-side tier. */
export function goldenSignalsDashboard(env: EnvConfig, lb: string, distributionId: string) {
  const t = alarmTargets(env);
  const db = [t.database.dimension, t.database.id];
  let y = 0;
  const row = (widgets: Widget[]) => {
    const width = 24 / widgets.length;
    const placed = widgets.map((w, i) => ({ ...w, x: i * width, y, width, height: 6 }));
    y += 6;
    return placed;
  };
  const graph = (title: string, metrics: unknown[][], extra: Widget = {}): Widget => ({
    type: 'metric',
    properties: { title, view: 'timeSeries', region: env.region, period: 60, metrics, ...extra },
  });
  const albm = (name: string, stat: string) => ['AWS/ApplicationELB', name, 'LoadBalancer', lb, { stat }];
  const cache = (name: string) =>
    t.cacheNodes.map((n) => ['AWS/ElastiCache', name, 'CacheClusterId', n, { stat: 'Average' }]);
  const nodes = (name: string) => [
    ['ContainerInsights', name, 'ClusterName', t.cluster, { stat: 'Average' }],
  ];
  return {
    widgets: [
      ...row([
        graph('ALB requests', [albm('RequestCount', 'Sum')]),
        graph('ALB 5xx', [albm('HTTPCode_Target_5XX_Count', 'Sum'), albm('HTTPCode_ELB_5XX_Count', 'Sum')]),
        graph('ALB target latency', [albm('TargetResponseTime', 'p95'), albm('TargetResponseTime', 'p99')]),
      ]),
      ...row([
        graph(
          'CloudFront requests',
          [
            [
              'AWS/CloudFront',
              'Requests',
              'Region',
              'Global',
              'DistributionId',
              distributionId,
              { stat: 'Sum' },
            ],
          ],
          {
            region: 'us-east-1',
          },
        ),
        graph(
          'CloudFront error rates (%)',
          [
            ['AWS/CloudFront', '4xxErrorRate', 'Region', 'Global', 'DistributionId', distributionId],
            ['AWS/CloudFront', '5xxErrorRate', 'Region', 'Global', 'DistributionId', distributionId],
          ],
          { region: 'us-east-1' },
        ),
      ]),
      ...row([
        graph('RDS CPU %', [['AWS/RDS', 'CPUUtilization', ...db]]),
        graph('RDS connections', [['AWS/RDS', 'DatabaseConnections', ...db]]),
        graph('RDS free storage (bytes)', [['AWS/RDS', 'FreeStorageSpace', ...db]]),
      ]),
      ...row([
        graph('Redis engine CPU %', cache('EngineCPUUtilization')),
        graph('Redis memory %', cache('DatabaseMemoryUsagePercentage')),
        graph('Redis evictions', cache('Evictions')),
      ]),
      ...row([
        graph('Node CPU %', nodes('node_cpu_utilization')),
        graph('Node memory %', nodes('node_memory_utilization')),
      ]),
    ],
  };
}
