import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { OPS_TOPIC } from '../../shared/platform/topology';

/**
 * The ops alerts topic: functions publish ops alerts to it and CloudWatch alarms page through it,
 * encrypted under its own key (CloudWatch alarms cannot publish to a topic under the AWS-managed
 * aws/sns key), optionally with an email subscription.
 */
export function createOpsTopic(scope: Construct, alertEmail: string | undefined): Topic {
  const opsKey = new Key(scope, `${OPS_TOPIC.id}Key`, {
    description: 'Encrypts the ops alerts topic (a customer-managed key so CloudWatch alarms can publish)',
    enableKeyRotation: true,
  });
  opsKey.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const topic = new Topic(scope, OPS_TOPIC.id, {
    displayName: 'Better Data webhooks ops alerts',
    masterKey: opsKey,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  if (alertEmail) topic.addSubscription(new EmailSubscription(alertEmail));
  return topic;
}
