/**
 * The `alertmanager.config` block of the kube-prometheus-stack release. Rendered from inputs the
 * platform stack knows (topic ARNs, region), so the stack passes real ARNs and this file never
 * holds an account id. Secrets are never inlined: PagerDuty and Slack credentials are read
 * from files the chart mounts from Kubernetes Secrets (alertmanagerSpec.secrets mounts each at
 * /etc/alertmanager/secrets/<secret>/<key>), and SNS is signed with SigV4 using the pod's IRSA
 * role, so no AWS key exists either.
 */

export interface AlertmanagerInputs {
  readonly awsRegion: string;
  /** SNS topic whose subscribers turn ticket-severity alerts into tickets/e-mail. */
  readonly ticketTopicArn: string;
  /**
   * SNS topic receiving the Watchdog heartbeat. The AWS side alarms when the topic's
   * NumberOfMessagesPublished stays at zero (missing data treated as breaching): if the whole
   * monitoring pipeline dies, that alarm still fires from outside the cluster.
   */
  readonly heartbeatTopicArn: string;
  readonly slackChannel: string;
}

/** Name of the Kubernetes Secret Alertmanager mounts, and the keys it must hold. */
export const ALERTMANAGER_SECRET = {
  name: 'alertmanager-receivers',
  pagerdutyRoutingKey: 'pagerduty-routing-key',
  slackWebhookUrl: 'slack-webhook-url',
} as const;

const SECRET_DIR = `/etc/alertmanager/secrets/${ALERTMANAGER_SECRET.name}`;

export const RECEIVERS = {
  page: 'page-pagerduty',
  ticket: 'ticket-sns',
  chat: 'slack-notify',
  deadMansSwitch: 'deadmans-switch-sns',
  silent: 'null',
} as const;

/** Fields of the alerts shown in every notification, so a responder gets the runbook first. */
const SLACK_TEXT = [
  '{{ range .Alerts }}*{{ .Annotations.summary }}*',
  '{{ .Annotations.description }}',
  'Runbook: {{ .Annotations.runbook_url }}',
  '{{ end }}',
].join('\n');

const SNS_SUBJECT = '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.slo }}';

export type AlertmanagerConfig = Record<string, unknown>;

export function alertmanagerConfig(inputs: AlertmanagerInputs): AlertmanagerConfig {
  const slack = {
    api_url_file: `${SECRET_DIR}/${ALERTMANAGER_SECRET.slackWebhookUrl}`,
    channel: inputs.slackChannel,
    send_resolved: true,
    title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})',
    text: SLACK_TEXT,
  };
  const sigv4 = { region: inputs.awsRegion };
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: RECEIVERS.chat,
      // One notification per alert and SLO (and per namespace for Kubernetes alerts): a page for
      // api-availability never hides inside a page for api-latency.
      group_by: ['alertname', 'slo', 'namespace'],
      // 30 s lets the alerts of one incident arrive together; 5 min between updates of a group
      // keeps a flapping group from spamming.
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '12h',
      routes: [
        {
          // The heartbeat first, and never continue: it must reach the dead-man's switch every
          // few minutes and nothing else. Repeating every 5 min is what keeps the AWS alarm calm.
          matchers: ['alertname = "Watchdog"'],
          receiver: RECEIVERS.deadMansSwitch,
          group_wait: '0s',
          group_interval: '1m',
          repeat_interval: '5m',
        },
        {
          // kube-prometheus-stack's helper alert exists only to inhibit info alerts.
          matchers: ['alertname = "InfoInhibitor"'],
          receiver: RECEIVERS.silent,
        },
        {
          // Our `page` plus the upstream charts' `critical`. PagerDuty de-duplicates by group, so
          // re-notifying hourly only keeps the incident's timeline honest while it lasts.
          matchers: ['severity =~ "page|critical"'],
          receiver: RECEIVERS.page,
          repeat_interval: '1h',
        },
        {
          // Tickets are business-hours work: one reminder a day is enough.
          matchers: ['severity =~ "ticket|warning"'],
          receiver: RECEIVERS.ticket,
          repeat_interval: '24h',
        },
        { matchers: ['severity =~ "info|none"'], receiver: RECEIVERS.silent },
      ],
    },
    inhibit_rules: [
      {
        // A page for an SLO already has someone on it; the slower tickets for that same SLO
        // would only duplicate it. `slo =~ ".+"` keeps alerts without an SLO out of this rule:
        // two missing labels compare equal, and a page would otherwise mute every ticket.
        source_matchers: ['severity = "page"', 'slo =~ ".+"'],
        target_matchers: ['severity = "ticket"'],
        equal: ['slo'],
      },
      {
        // The upstream equivalent for kube-prometheus-stack's own rules, kept from its defaults.
        source_matchers: ['severity = "critical"'],
        target_matchers: ['severity =~ "warning|info"'],
        equal: ['namespace', 'alertname'],
      },
      {
        source_matchers: ['alertname = "InfoInhibitor"'],
        target_matchers: ['severity = "info"'],
        equal: ['namespace'],
      },
    ],
    receivers: [
      {
        name: RECEIVERS.page,
        pagerduty_configs: [
          {
            routing_key_file: `${SECRET_DIR}/${ALERTMANAGER_SECRET.pagerdutyRoutingKey}`,
            send_resolved: true,
            description: '{{ .CommonAnnotations.summary }}',
            details: { runbook_url: '{{ .CommonAnnotations.runbook_url }}', slo: '{{ .CommonLabels.slo }}' },
          },
        ],
        slack_configs: [slack],
      },
      {
        name: RECEIVERS.ticket,
        sns_configs: [
          {
            topic_arn: inputs.ticketTopicArn,
            sigv4,
            subject: SNS_SUBJECT,
            message: SLACK_TEXT,
            send_resolved: true,
          },
        ],
        slack_configs: [slack],
      },
      { name: RECEIVERS.chat, slack_configs: [slack] },
      {
        name: RECEIVERS.deadMansSwitch,
        sns_configs: [
          { topic_arn: inputs.heartbeatTopicArn, sigv4, subject: 'Watchdog heartbeat', send_resolved: false },
        ],
      },
      { name: RECEIVERS.silent },
    ],
    templates: ['/etc/alertmanager/config/*.tmpl'],
  };
}

/**
 * Inputs of the committed, reviewed rendering. 123456789012 is the account id AWS documentation
 * uses for examples; the platform stack renders the real file with its own ARNs.
 */
export const EXAMPLE_INPUTS: AlertmanagerInputs = {
  awsRegion: 'eu-west-1',
  ticketTopicArn: 'arn:aws:sns:eu-west-1:123456789012:taskboard-alerts-ticket',
  heartbeatTopicArn: 'arn:aws:sns:eu-west-1:123456789012:taskboard-alertmanager-heartbeat',
  slackChannel: '#taskboard-alerts',
};
