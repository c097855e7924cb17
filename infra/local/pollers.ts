import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { QUEUES, type FunctionName, type QueueName, type QueueSpec } from '../../shared/platform/topology';
import { topologyFunctions, type HandlerLoader } from './handlers';
import { createLambdaContext, invokeHandler, type LocalFunction } from './lambda-context';
import { createLocalLog, type LocalLog } from './log';
import { succeededMessageIds, toSqsEvent } from './sqs-event';

/**
 * Lambda's SQS event source mapping, one poller per queue: long-poll, gather a batch of up to
 * `consumer.batchSize` messages for at most `consumer.maxBatchingWindowSeconds`, invoke the consumer
 * with an `SQSEvent`, then delete every record not listed in `batchItemFailures`
 * (ReportBatchItemFailures). A throw, a timeout or an invalid response deletes nothing. Undeleted
 * messages come back when their visibility timeout ends, and SQS (fauxqs) moves a message to the DLQ
 * once it has been received `maxReceiveCount` times.
 *
 * Queues without a `consumer` (other Better Data services consume them) are not polled: messages wait
 * there, as in AWS, until their retention period ends.
 *
 * Concurrency: up to `consumer.maxConcurrency` batches of a queue are handled at once (Lambda's
 * `ScalingConfig.MaximumConcurrency`), 1 when it is absent. The poller gathers the next batch as soon
 * as a slot is free, so a batch stuck on a slow endpoint does not hold up the messages behind it.
 *
 * Differences from Lambda: without `maxConcurrency` one batch at a time per queue (Lambda scales out
 * to many concurrent batches), and no 6 MB invocation payload cap. The batching window is kept under
 * half the queue's visibility timeout: AWS asks for visibility ≥ 6 × function timeout + window, which
 * tests that shorten the visibility timeout break; otherwise messages would reappear while the batch
 * is still being gathered.
 */

export interface PolledQueue {
  readonly url: string;
  readonly arn: string;
}

export interface BatchOutcome {
  readonly queue: QueueName;
  readonly messageIds: readonly string[];
  readonly deleted: readonly string[];
  /** Set when the whole batch failed (throw, timeout or invalid response). */
  readonly error?: unknown;
}

export interface PollerOptions {
  readonly sqsEndpoint: string;
  readonly region: string;
  readonly queues: Partial<Record<QueueName, PolledQueue>>;
  readonly loadHandler: HandlerLoader;
  /** Queue settings (consumer, batch size, window); topology's QUEUES by default. */
  readonly queueSpecs?: Record<QueueName, QueueSpec>;
  readonly functions?: Record<FunctionName, LocalFunction>;
  /** Long-poll wait per ReceiveMessage, 1–20 s. Default 1 s, which bounds how long a graceful stop takes. */
  readonly waitTimeSeconds?: number;
  readonly log?: LocalLog;
  /** Called after each batch has been handled and its successes deleted. */
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

type QueueConsumer = NonNullable<QueueSpec['consumer']>;

/**
 * Batches of one queue handled at once locally: the consumer's `localMaxConcurrency`, else its
 * `maxConcurrency`, else 1; 0 without a consumer.
 */
export function localConcurrency(spec: QueueSpec): number {
  if (!spec.consumer) return 0;
  return Math.max(1, Math.floor(spec.consumer.localMaxConcurrency ?? spec.consumer.maxConcurrency ?? 1));
}

export interface Pollers {
  /**
   * Stops polling and resolves once every poller has stopped and every batch in flight has been
   * handled. By default it lets the in-flight ReceiveMessage finish (at most `waitTimeSeconds`) and
   * handles what it returned, so no message is taken after stop() resolves. `immediate` aborts in-flight receives
   * instead: only do that when the
   * queue emulator is shutting down too, since the emulator may still hand an aborted long poll a
   * message (which then stays invisible until its visibility timeout).
   */
  stop(options?: { immediate?: boolean }): Promise<void>;
}

export function startPollers(options: PollerOptions): Pollers {
  const stopping = new AbortController();
  const abortReceives = new AbortController();
  const sqs: SQSClient = createSqsClient({
    AWS_ENDPOINT_URL_SQS: options.sqsEndpoint,
    AWS_REGION: options.region,
  });
  const specs = options.queueSpecs ?? QUEUES;
  const functions = options.functions ?? topologyFunctions();
  const log = options.log ?? createLocalLog();
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;

  async function receive(queueUrl: string, max: number, wait: number): Promise<Message[]> {
    const result = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: wait,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abortReceives.signal },
    );
    return result.Messages ?? [];
  }

  async function visibilityTimeoutOf(queue: PolledQueue, spec: QueueSpec): Promise<number> {
    try {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['VisibilityTimeout'] }),
      );
      const seconds = Number(Attributes?.VisibilityTimeout);
      return Number.isFinite(seconds) ? seconds : spec.visibilityTimeoutSeconds;
    } catch {
      return spec.visibilityTimeoutSeconds;
    }
  }

  /** One message per id: if one reappeared while the batch was gathered, its newest receipt handle wins. */
  function uniqueById(messages: readonly Message[]): Message[] {
    return [...new Map(messages.map((message) => [message.MessageId, message])).values()];
  }

  async function collectBatch(queue: PolledQueue, consumer: QueueConsumer, windowMs: number): Promise<Message[]> {
    const { batchSize } = consumer;
    const batch = await receive(queue.url, Math.min(10, batchSize), waitTimeSeconds);
    if (batch.length === 0) return batch;
    const deadline = Date.now() + windowMs;
    // Messages already received are handled even if a stop arrives meanwhile.
    while (batch.length < batchSize && Date.now() < deadline && !stopping.signal.aborted) {
      const more = await receive(queue.url, Math.min(10, batchSize - batch.length), 0).catch(() => []);
      batch.push(...more);
      if (more.length === 0) {
        await sleep(Math.max(1, Math.min(50, deadline - Date.now())), undefined, { signal: stopping.signal }).catch(
          () => undefined,
        );
      }
    }
    return uniqueById(batch);
  }

  async function deleteMessages(queueUrl: string, messages: readonly Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const result = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
      for (const failure of result.Failed ?? [])
        log.warn(`DeleteMessageBatch failed for an entry: ${failure.Code} ${failure.Message ?? ''}`);
    }
  }

  async function processBatch(
    name: QueueName,
    queue: PolledQueue,
    spec: QueueSpec,
    consumer: QueueConsumer,
    batch: Message[],
  ): Promise<void> {
    const functionName = consumer.function;
    const fn = functions[functionName];
    const event = toSqsEvent(batch, queue.arn, options.region);
    const messageIds = event.Records.map((record) => record.messageId);
    const fail = (error: unknown) => {
      log.error(
        `${functionName} failed a batch of ${batch.length} from ${spec.localName}; the messages return after the ` +
          `visibility timeout`,
        error,
      );
      options.onBatch?.({ queue: name, messageIds, deleted: [], error });
    };
    let result: unknown;
    try {
      const handler = await options.loadHandler(functionName);
      result = await invokeHandler(handler, event, createLambdaContext(fn, options.region), fn.timeoutSeconds);
    } catch (error) {
      fail(error);
      return;
    }
    const verdict = succeededMessageIds(result, messageIds);
    if (!verdict.ok) {
      fail(new Error(`Invalid batch response: ${verdict.reason}`));
      return;
    }
    if (verdict.failed.length > 0) {
      log.info(
        `${functionName}: ${verdict.failed.length} of ${batch.length} messages reported as failed; they will be ` +
          `retried`,
      );
    }
    const succeeded = new Set(verdict.succeeded);
    await deleteMessages(
      queue.url,
      batch.filter((message) => succeeded.has(message.MessageId ?? '')),
    );
    options.onBatch?.({ queue: name, messageIds, deleted: verdict.succeeded });
  }

  async function pollQueue(name: QueueName, queue: PolledQueue, consumer: QueueConsumer): Promise<void> {
    const spec = specs[name];
    const visibilityMs = (await visibilityTimeoutOf(queue, spec)) * 1000;
    const windowMs = Math.min(consumer.maxBatchingWindowSeconds * 1000, visibilityMs / 2);
    const slots = localConcurrency(spec);
    const inFlight = new Set<Promise<void>>();
    while (!stopping.signal.aborted) {
      // Wait for a free slot before taking more messages, so none sit invisible waiting for one.
      if (inFlight.size >= slots) {
        await Promise.race(inFlight);
        continue;
      }
      try {
        const batch = await collectBatch(queue, consumer, windowMs);
        if (batch.length === 0) continue;
        const handling = processBatch(name, queue, spec, consumer, batch)
          .catch((error: unknown) => log.warn(`Handling a batch from ${spec.localName} failed`, error))
          .finally(() => inFlight.delete(handling));
        inFlight.add(handling);
      } catch (error) {
        if (stopping.signal.aborted) break;
        log.warn(`Polling ${spec.localName} failed; retrying in 1 s`, error);
        await sleep(1000, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
    await Promise.allSettled(inFlight);
  }

  const loops = (Object.entries(options.queues) as Array<[QueueName, PolledQueue | undefined]>).flatMap(
    ([name, queue]) => {
      const consumer = specs[name].consumer;
      // No consumer in this system: another service reads the queue, so nothing here may take its messages.
      return queue && consumer ? [pollQueue(name, queue, consumer)] : [];
    },
  );

  return {
    async stop({ immediate = false } = {}) {
      stopping.abort();
      if (immediate) abortReceives.abort();
      await Promise.allSettled(loops);
      sqs.destroy();
    },
  };
}
