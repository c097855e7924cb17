import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { itemKeyId, type TableContext } from '../platform/aws/table';

/**
 * Whole-item writes of one delivery batch, gathered and sent as BatchWriteItem (up to 25 items a
 * request) instead of one request each. A write resolves once its item is stored, so a delivery still
 * waits for its own writes before its task leaves the queue; what the batch gains is fewer round trips.
 *
 * When to send: as soon as every delivery still running is waiting on a write (nothing more can join),
 * or `maxWaitMs` after the first write was handed in, so a slow endpoint never holds the others' writes
 * for longer than that. Two writes of one key in a window keep the later (BatchWriteItem refuses
 * duplicate keys); both callers resolve when it is stored.
 */
export interface BatchedWrites {
  /** Stores the item with the batch's next request; `writer` names the delivery handing it in. */
  put(item: Record<string, unknown>, writer: string): Promise<void>;
  /** Sends now if every delivery still running waits on a write (call when a delivery ends). */
  nudge(): void;
}

export interface BatchedWritesOptions {
  /** How many deliveries of the batch are running now (each of them may still hand in a write). */
  readonly running: () => number;
  readonly maxWaitMs: number;
  /** Called as each request goes out: what else the batch has ready may go alongside it. */
  readonly onSend?: () => void;
}

interface Waiting {
  readonly writer: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const ITEMS_PER_REQUEST = 25;
const MAX_ROUNDS = 5;

/** Stores every item, 25 a request, asking again for what DynamoDB left unprocessed (a few rounds). */
export async function batchPutItems(table: TableContext, items: readonly Record<string, unknown>[]): Promise<void> {
  for (let start = 0; start < items.length; start += ITEMS_PER_REQUEST) {
    let requests = items.slice(start, start + ITEMS_PER_REQUEST).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error('DynamoDB left writes unprocessed; the tasks will be retried');
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** round));
      const result = await table.documents.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }),
      );
      requests = (result.UnprocessedItems?.[table.tableName] ?? []).flatMap((request) =>
        request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
      );
    }
  }
}

export function createBatchedWrites(table: TableContext, options: BatchedWritesOptions): BatchedWrites {
  let items = new Map<string, Record<string, unknown>>();
  let waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;

  function send(): void {
    clearTimeout(timer);
    timer = undefined;
    const sending = { items: [...items.values()], waiting };
    items = new Map();
    waiting = [];
    options.onSend?.();
    batchPutItems(table, sending.items).then(
      () => sending.waiting.forEach((write) => write.resolve()),
      (error: unknown) => sending.waiting.forEach((write) => write.reject(error)),
    );
  }

  function sendWhenAllWait(): void {
    if (items.size === 0) return;
    if (new Set(waiting.map((write) => write.writer)).size >= options.running()) send();
    else timer ??= setTimeout(send, options.maxWaitMs);
  }

  return {
    nudge: sendWhenAllWait,
    put: (item, writer) =>
      new Promise<void>((resolve, reject) => {
        items.set(itemKeyId(item), item);
        waiting.push({ writer, resolve, reject });
        // A delivery hands in its writes side by side: let them all join before counting who waits.
        queueMicrotask(sendWhenAllWait);
      }),
  };
}
