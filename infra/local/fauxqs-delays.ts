import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * fauxqs (2.4) moves delayed messages to the visible list by scanning every delayed message of the
 * queue on each ReceiveMessage and every 20 ms while a receive waits. With tens of thousands of delayed
 * tasks (a tenant's backlog behind open circuits) that scan becomes the local runtime's bottleneck:
 * every poll costs milliseconds and the emulated queue hands out a few hundred messages a second.
 * SQS itself has no such cost. This keeps fauxqs's behaviour but scans the delayed messages only when
 * the earliest of them is due (it remembers the earliest `delayUntil`, updated from messages appended
 * since it last looked: fauxqs only ever appends to the list, or replaces it), and then at most every
 * SCAN_INTERVAL_MS: a delayed message becomes visible up to 50 ms after its delay ends, well inside
 * the whole-second delays SQS takes.
 *
 * The rest of processTimers (in-flight messages whose visibility ended; FIFO queues) runs unchanged.
 */

interface QueuedMessage {
  readonly delayUntil?: number;
}

interface FauxqsQueue {
  delayedMessages: QueuedMessage[];
  isFifo(): boolean;
  processTimers(): void;
}

interface DelayIndex {
  list: QueuedMessage[];
  seen: number;
  earliest: number;
  scannedAt: number;
}

const SCAN_INTERVAL_MS = 50;

const indexes = new WeakMap<FauxqsQueue, DelayIndex>();

/** The earliest due time of the queue's delayed messages, looking only at those appended since last time. */
function delayIndex(queue: FauxqsQueue): DelayIndex {
  const list = queue.delayedMessages;
  let index = indexes.get(queue);
  if (!index || index.list !== list || index.seen > list.length) {
    index = { list, seen: 0, earliest: Infinity, scannedAt: index?.scannedAt ?? 0 };
    indexes.set(queue, index);
  }
  for (; index.seen < list.length; index.seen++)
    index.earliest = Math.min(index.earliest, list[index.seen]!.delayUntil ?? 0);
  return index;
}

/** Whether fauxqs's scan of the delayed messages would find one due, and may run again already. */
function scanDue(queue: FauxqsQueue, now: number): boolean {
  const index = delayIndex(queue);
  if (index.earliest > now || now - index.scannedAt < SCAN_INTERVAL_MS) return false;
  index.scannedAt = now;
  return true;
}

let installed = false;

/** Patches fauxqs's SqsQueue once per process; the queues of every emulator in it then skip idle scans. */
export async function installDelayIndex(): Promise<void> {
  if (installed) return;
  const dist = dirname(fileURLToPath(import.meta.resolve('fauxqs')));
  const module = (await import(pathToFileURL(join(dist, 'sqs/sqsStore.js')).href)) as Record<string, unknown>;
  const SqsQueue = module['SqsQueue'] as { prototype: FauxqsQueue } | undefined;
  if (typeof SqsQueue?.prototype?.processTimers !== 'function')
    throw new Error('fauxqs no longer provides SqsQueue.processTimers; update infra/local/fauxqs-delays.ts');
  const original = SqsQueue.prototype.processTimers;
  SqsQueue.prototype.processTimers = function processTimers(this: FauxqsQueue) {
    if (this.isFifo() || scanDue(this, Date.now())) return original.call(this);
    // No delayed message due, or scanned moments ago: hidden from the scan, which then sees in-flight ones only.
    const delayed = this.delayedMessages;
    this.delayedMessages = [];
    try {
      original.call(this);
    } finally {
      this.delayedMessages = delayed;
    }
  };
  installed = true;
}
