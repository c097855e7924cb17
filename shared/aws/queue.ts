import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EnqueueError } from '../errors';

export interface QueueSender {
  /** Resolves to the SQS message id once the queue has durably accepted the message. */
  send(body: string, attributes?: Record<string, string>): Promise<string>;
}

export function createQueueSender(sqs: SQSClient, queueUrl: string): QueueSender {
  return {
    async send(body, attributes = {}) {
      try {
        const result = await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: body,
            MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
          }),
        );
        if (!result.MessageId) throw new Error('SQS returned no message id');
        return result.MessageId;
      } catch (error) {
        throw new EnqueueError(`Could not enqueue to ${queueUrl}`, { cause: error });
      }
    },
  };
}
