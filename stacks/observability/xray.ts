import { XrayGroup } from '@cdktf/provider-aws/lib/xray-group';
import { XraySamplingRule } from '@cdktf/provider-aws/lib/xray-sampling-rule';
import { Construct } from 'constructs';

export interface XrayTracingProps {
  /** `taskboard-dev`: prefix of the group and rule names. */
  prefix: string;
  /** The API's OpenTelemetry service.name, which the awsxray exporter makes the segment name. */
  serviceName: string;
  /** Share of requests recorded beyond the reservoir: the API's head-sampling ratio. */
  fixedRate: number;
}

/** Requests per second always recorded by the rule, whatever the fixed rate (X-Ray's default is 1). */
export const XRAY_RESERVOIR_PER_SECOND = 1;

/**
 * X-Ray side of tracing: a group holding the API's traces (its own service map, filter and
 * Insights anomaly detection) and a sampling rule for the API. The rule matters to SDKs that ask
 * X-Ray for sampling decisions (remote sampling through the collector); the API samples by its own
 * ratio today, so the rule carries the same rate and the two stay in step.
 */
export class XrayTracing extends Construct {
  readonly group: XrayGroup;
  readonly samplingRule: XraySamplingRule;

  constructor(scope: Construct, id: string, props: XrayTracingProps) {
    super(scope, id);
    this.group = new XrayGroup(this, 'api-group', {
      groupName: `${props.prefix}-api`,
      filterExpression: `service("${props.serviceName}")`,
      insightsConfiguration: { insightsEnabled: true, notificationsEnabled: false },
    });
    this.samplingRule = new XraySamplingRule(this, 'api-sampling', {
      // At most 32 characters: taskboard-prod-api fits.
      ruleName: `${props.prefix}-api`,
      // Before the account's Default rule (priority 10000).
      priority: 100,
      version: 1,
      reservoirSize: XRAY_RESERVOIR_PER_SECOND,
      fixedRate: props.fixedRate,
      serviceName: props.serviceName,
      serviceType: '*',
      host: '*',
      httpMethod: '*',
      urlPath: '*',
      resourceArn: '*',
    });
  }
}
