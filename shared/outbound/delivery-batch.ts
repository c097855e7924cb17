import type { TableContext } from '../platform/aws/table';
import type { DeliveryDependencies } from './deliver';
import { createBatchedContextReader, type BatchedContextReader } from './delivery-context';
import { createBatchedWrites, type BatchedWrites } from './batched-writes';
import { attemptItem, changedDeliveryItem, type MessagesStore } from './messages-store';
import { createStatsBatch, type StatsBatch } from './stats-batch';
import type { StatsStore } from './stats-store';

/**
 * One delivery batch (the records of one SQS receive, delivered side by side) sharing its DynamoDB
 * round trips, so a batch of ten successful first attempts costs one BatchGetItem, ten conditional
 * claims, one BatchWriteItem and one stats update per endpoint-hour — instead of ten reads, thirty
 * writes and the stats:
 *
 * - stats: summed over the batch (stats-batch.ts) and written once per endpoint-hour, alongside the
 *   attempt results they count rather than after them;
 * - reads: the batch's deliveries read their endpoint, secrets, message and delivery item together
 *   (delivery-context.ts);
 * - the claim stays one conditional PutItem per attempt: it is what makes an attempt happen once;
 * - the attempt's result and the delivery's new state are whole-item writes, gathered into
 *   BatchWriteItem (batched-writes.ts). The attempt item is ours since the claim; the delivery item is
 *   the one read at the start of the batch with the changes applied. Only a delivery that was `pending`
 *   when read is written whole: nothing but its own attempts changes a pending delivery (recoveries
 *   mark failed or skipped ones), and the sweeper's due-time bump it may overwrite is moot once the
 *   attempt settled it. Anything else goes through the store's UpdateItem as before.
 */
export interface DeliveryBatch {
  /** deliver()'s dependencies for this batch's tasks. */
  readonly deps: DeliveryDependencies;
  /** Runs one delivery of the batch, counted as running while it does (the writes wait for it). */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Writes the batch's stats; call once every delivery has ended. */
  finish(): Promise<void>;
}

export interface DeliveryBatchOptions {
  /** The webhooks table; absent, each delivery reads and writes on its own (only the stats are batched). */
  readonly table?: TableContext;
  /** Where the batch's summed counters go; absent, nothing is counted. */
  readonly stats?: Pick<StatsStore, 'add'>;
  /** Longest a finished attempt's writes wait for the rest of the batch (ms). */
  readonly maxWriteWaitMs?: number;
}

const DEFAULT_MAX_WRITE_WAIT_MS = 20;

function batchedMessages(messages: MessagesStore, reader: BatchedContextReader, writes: BatchedWrites): MessagesStore {
  return {
    ...messages,
    completeAttempt: (attempt, result) =>
      writes.put(
        attemptItem({ ...attempt, ...result, state: 'completed' }),
        `${attempt.messageId}|${attempt.endpointId}`,
      ),
    updateDelivery: (messageId, endpointId, changes, at) => {
      // Taken once: after this write the snapshot is no longer what is stored.
      const stored = reader.takeDeliveryItem(messageId, endpointId);
      if (stored?.status !== 'pending') return messages.updateDelivery(messageId, endpointId, changes, at);
      return writes.put(changedDeliveryItem(stored, changes, at), `${messageId}|${endpointId}`);
    },
  };
}

export function startDeliveryBatch(
  base: Omit<DeliveryDependencies, 'stats'>,
  options: DeliveryBatchOptions,
): DeliveryBatch {
  let running = 0;
  const stats: StatsBatch | undefined = options.stats ? createStatsBatch(options.stats) : undefined;
  // The counters of the attempts whose results go out now are complete: written alongside, not after.
  const statsWrites: Promise<void>[] = [];
  const writes =
    options.table &&
    createBatchedWrites(options.table, {
      running: () => running,
      maxWaitMs: options.maxWriteWaitMs ?? DEFAULT_MAX_WRITE_WAIT_MS,
      ...(stats && { onSend: () => void statsWrites.push(stats.flush()) }),
    });
  const reader = options.table && createBatchedContextReader(options.table);
  return {
    deps: {
      ...base,
      ...(reader && writes && { context: reader, messages: batchedMessages(base.messages, reader, writes) }),
      ...(stats && { stats }),
    },
    async run(work) {
      running += 1;
      try {
        return await work();
      } finally {
        running -= 1;
        writes?.nudge();
      }
    },
    async finish() {
      if (!stats) return;
      statsWrites.push(stats.flush());
      await Promise.all(statsWrites.splice(0));
    },
  };
}
