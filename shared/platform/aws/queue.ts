import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EnqueueError } from '../errors';

export interface SendOptions {
  readonly attributes?: Record<string, string>;
  /** 0–900 s (SQS's limit); longer waits are chained by the consumer. */
  readonly delaySeconds?: number;
}

export interface QueueSender {
  /** Resolves to the SQS message id once the queue has durably accepted the message. */
  send(body: string, options?: SendOptions): Promise<string>;
  /** Sends many bodies, 10 per request; throws if any of them was not accepted. */
  sendBatch(bodies: readonly string[]): Promise<void>;
}

export const SQS_MAX_DELAY_SECONDS = 900;
const SQS_MAX_BATCH_ENTRIES = 10;

export function createQueueSender(sqs: SQSClient, queueUrl: string): QueueSender {
  return {
    async send(body, { attributes = {}, delaySeconds } = {}) {
      try {
        const result = await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: body,
            ...(delaySeconds !== undefined && {
              DelaySeconds: Math.min(Math.max(Math.ceil(delaySeconds), 0), SQS_MAX_DELAY_SECONDS),
            }),
            MessageAttributes: Object.fromEntries(
              Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
            ),
          }),
        );
        if (!result.MessageId) throw new Error('SQS returned no message id');
        return result.MessageId;
      } catch (error) {
        throw new EnqueueError(`Could not enqueue to ${queueUrl}`, { cause: error });
      }
    },

    async sendBatch(bodies) {
      for (let start = 0; start < bodies.length; start += SQS_MAX_BATCH_ENTRIES) {
        const chunk = bodies.slice(start, start + SQS_MAX_BATCH_ENTRIES);
        let failed: number;
        try {
          const result = await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })),
            }),
          );
          failed = result.Failed?.length ?? 0;
        } catch (error) {
          throw new EnqueueError(`Could not enqueue a batch to ${queueUrl}`, { cause: error });
        }
        if (failed > 0)
          throw new EnqueueError(`${failed} of ${chunk.length} messages were not accepted by ${queueUrl}`);
      }
    },
  };
}
