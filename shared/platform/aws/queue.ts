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

export interface DelayedMessage {
  readonly body: string;
  /** 0–900 s, rounded up to whole seconds. */
  readonly delaySeconds: number;
}

/** A queue sender that can also send messages with a delay each, in SendMessageBatch requests. */
export interface BatchingQueueSender extends QueueSender {
  /** Up to 10 messages in one request; answers, in order, whether the queue accepted each one. */
  sendEach(messages: readonly DelayedMessage[]): Promise<readonly boolean[]>;
}

export const SQS_MAX_DELAY_SECONDS = 900;
export const SQS_MAX_BATCH_ENTRIES = 10;

const delayOf = (seconds: number) => Math.min(Math.max(Math.ceil(seconds), 0), SQS_MAX_DELAY_SECONDS);

export function createQueueSender(sqs: SQSClient, queueUrl: string): BatchingQueueSender {
  return {
    async send(body, { attributes = {}, delaySeconds } = {}) {
      try {
        const result = await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: body,
            ...(delaySeconds !== undefined && {
              DelaySeconds: delayOf(delaySeconds),
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

    async sendEach(messages) {
      if (messages.length > SQS_MAX_BATCH_ENTRIES) throw new Error(`At most ${SQS_MAX_BATCH_ENTRIES} messages a batch`);
      try {
        const result = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((message, index) => ({
              Id: String(index),
              MessageBody: message.body,
              DelaySeconds: delayOf(message.delaySeconds),
            })),
          }),
        );
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        return messages.map((_message, index) => !failed.has(String(index)));
      } catch (error) {
        throw new EnqueueError(`Could not enqueue a batch to ${queueUrl}`, { cause: error });
      }
    },
  };
}
