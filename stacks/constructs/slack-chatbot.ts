import { ChatbotSlackChannelConfiguration } from '@cdktf/provider-aws/lib/chatbot-slack-channel-configuration';
import { Construct } from 'constructs';
import type { SlackConfig } from '../config';
import { Role, servicePrincipalTrust } from './iam';

/** Ceiling on whatever anyone in the channel may do through Chatbot: read CloudWatch, nothing else. */
export const CHATBOT_GUARDRAIL_POLICY = 'arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess';

export interface SlackChatbotProps {
  prefix: string;
  slack: SlackConfig;
  topicArns: string[];
}

/**
 * AWS Chatbot posting the alert topics into one Slack channel. The workspace must have been
 * authorised once in the Chatbot console (an OAuth step no API performs): verified only on AWS.
 */
export class SlackChatbot extends Construct {
  constructor(scope: Construct, id: string, props: SlackChatbotProps) {
    super(scope, id);
    // The channel role renders alarm graphs in notifications; the guardrail caps it anyway.
    const role = new Role(this, 'role', {
      name: `${props.prefix}-chatbot`,
      trust: [servicePrincipalTrust('chatbot.amazonaws.com')],
      statements: [
        {
          sid: 'RenderAlarmNotifications',
          effect: 'Allow',
          actions: [
            'cloudwatch:DescribeAlarms',
            'cloudwatch:GetMetricData',
            'cloudwatch:GetMetricWidgetImage',
          ],
          resources: ['*'],
        },
      ],
    });
    new ChatbotSlackChannelConfiguration(this, 'slack', {
      configurationName: `${props.prefix}-alerts`,
      slackTeamId: props.slack.workspaceId,
      slackChannelId: props.slack.channelId,
      iamRoleArn: role.role.arn,
      snsTopicArns: props.topicArns,
      guardrailPolicyArns: [CHATBOT_GUARDRAIL_POLICY],
      loggingLevel: 'ERROR',
    });
  }
}
