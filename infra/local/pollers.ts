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

/** What every poller of one system shares: the SQS client, the settings with defaults, and the stop signals. */
interface PollerContext {
  readonly sqs: SQSClient;
  readonly options: PollerOptions;
  readonly specs: Record<QueueName, QueueSpec>;
  readonly functions: Record<FunctionName, LocalFunction>;
  readonly log: LocalLog;
  readonly waitTimeSeconds: number;
  readonly stopping: AbortController;
  readonly abortReceives: AbortController;
}

/** One queue being polled: its name, URLs, settings and consumer. */
interface PolledConsumer {
  readonly name: QueueName;
  readonly queue: PolledQueue;
  readonly spec: QueueSpec;
  readonly consumer: QueueConsumer;
}

async function receive(ctx: PollerContext, queueUrl: string, max: number, wait: number): Promise<Message[]> {
  const result = await ctx.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: wait,
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
    { abortSignal: ctx.abortReceives.signal },
  );
  return result.Messages ?? [];
}

async function visibilityTimeoutOf(ctx: PollerContext, queue: PolledQueue, spec: QueueSpec): Promise<number> {
  try {
    const { Attributes } = await ctx.sqs.send(
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

async function collectBatch(ctx: PollerContext, polled: PolledConsumer, windowMs: number): Promise<Message[]> {
  const { batchSize } = polled.consumer;
  const batch = await receive(ctx, polled.queue.url, Math.min(10, batchSize), ctx.waitTimeSeconds);
  if (batch.length === 0) return batch;
  const deadline = Date.now() + windowMs;
  // Messages already received are handled even if a stop arrives meanwhile.
  while (batch.length < batchSize && Date.now() < deadline && !ctx.stopping.signal.aborted) {
    const more = await receive(ctx, polled.queue.url, Math.min(10, batchSize - batch.length), 0).catch(() => []);
    batch.push(...more);
    if (more.length === 0) {
      await sleep(Math.max(1, Math.min(50, deadline - Date.now())), undefined, { signal: ctx.stopping.signal }).catch(
        () => undefined,
      );
    }
  }
  return uniqueById(batch);
}

async function deleteMessages(ctx: PollerContext, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    const result = await ctx.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    for (const failure of result.Failed ?? [])
      ctx.log.warn(`DeleteMessageBatch failed for an entry: ${failure.Code} ${failure.Message ?? ''}`);
  }
}

/** Invokes the consumer; the batch response, or the failure that leaves every message for a retry. */
async function invokeConsumer(ctx: PollerContext, polled: PolledConsumer, event: ReturnType<typeof toSqsEvent>) {
  const fn = ctx.functions[polled.consumer.function];
  try {
    const handler = await ctx.options.loadHandler(polled.consumer.function);
    const context = createLambdaContext(fn, ctx.options.region);
    const result = await invokeHandler(handler, event, context, fn.timeoutSeconds);
    const verdict = succeededMessageIds(
      result,
      event.Records.map((record) => record.messageId),
    );
    return verdict.ok ? verdict : { error: new Error(`Invalid batch response: ${verdict.reason}`) };
  } catch (error) {
    return { error };
  }
}

async function processBatch(ctx: PollerContext, polled: PolledConsumer, batch: Message[]): Promise<void> {
  const functionName = polled.consumer.function;
  const event = toSqsEvent(batch, polled.queue.arn, ctx.options.region);
  const messageIds = event.Records.map((record) => record.messageId);
  const verdict = await invokeConsumer(ctx, polled, event);
  if ('error' in verdict) {
    ctx.log.error(
      `${functionName} failed a batch of ${batch.length} from ${polled.spec.localName}; the messages return after ` +
        `the visibility timeout`,
      verdict.error,
    );
    ctx.options.onBatch?.({ queue: polled.name, messageIds, deleted: [], error: verdict.error });
    return;
  }
  if (verdict.failed.length > 0) {
    ctx.log.info(
      `${functionName}: ${verdict.failed.length} of ${batch.length} messages reported as failed; they will be ` +
        `retried`,
    );
  }
  const succeeded = new Set(verdict.succeeded);
  await deleteMessages(
    ctx,
    polled.queue.url,
    batch.filter((message) => succeeded.has(message.MessageId ?? '')),
  );
  ctx.options.onBatch?.({ queue: polled.name, messageIds, deleted: verdict.succeeded });
}

async function pollQueue(ctx: PollerContext, polled: PolledConsumer): Promise<void> {
  const { spec } = polled;
  const visibilityMs = (await visibilityTimeoutOf(ctx, polled.queue, spec)) * 1000;
  const windowMs = Math.min(polled.consumer.maxBatchingWindowSeconds * 1000, visibilityMs / 2);
  const slots = localConcurrency(spec);
  const inFlight = new Set<Promise<void>>();
  while (!ctx.stopping.signal.aborted) {
    // Wait for a free slot before taking more messages, so none sit invisible waiting for one.
    if (inFlight.size >= slots) {
      await Promise.race(inFlight);
      continue;
    }
    try {
      const batch = await collectBatch(ctx, polled, windowMs);
      if (batch.length === 0) continue;
      const handling = processBatch(ctx, polled, batch)
        .catch((error: unknown) => ctx.log.warn(`Handling a batch from ${spec.localName} failed`, error))
        .finally(() => inFlight.delete(handling));
      inFlight.add(handling);
    } catch (error) {
      if (ctx.stopping.signal.aborted) break;
      ctx.log.warn(`Polling ${spec.localName} failed; retrying in 1 s`, error);
      await sleep(1000, undefined, { signal: ctx.stopping.signal }).catch(() => undefined);
    }
  }
  await Promise.allSettled(inFlight);
}

export function startPollers(options: PollerOptions): Pollers {
  const ctx: PollerContext = {
    sqs: createSqsClient({ AWS_ENDPOINT_URL_SQS: options.sqsEndpoint, AWS_REGION: options.region }),
    options,
    specs: options.queueSpecs ?? QUEUES,
    functions: options.functions ?? topologyFunctions(),
    log: options.log ?? createLocalLog(),
    waitTimeSeconds: options.waitTimeSeconds ?? 1,
    stopping: new AbortController(),
    abortReceives: new AbortController(),
  };
  const loops = (Object.entries(options.queues) as Array<[QueueName, PolledQueue | undefined]>).flatMap(
    ([name, queue]) => {
      const spec = ctx.specs[name];
      // No consumer in this system: another service reads the queue, so nothing here may take its messages.
      return queue && spec.consumer ? [pollQueue(ctx, { name, queue, spec, consumer: spec.consumer })] : [];
    },
  );
  return {
    async stop({ immediate = false } = {}) {
      ctx.stopping.abort();
      if (immediate) ctx.abortReceives.abort();
      await Promise.allSettled(loops);
      ctx.sqs.destroy();
    },
  };
}
