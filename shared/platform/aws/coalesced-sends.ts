import { EnqueueError } from '../errors';
import { SQS_MAX_BATCH_ENTRIES, type BatchingQueueSender, type DelayedMessage } from './queue';

/**
 * Sends made in the same turn of the event loop go out together, up to 10 per SendMessageBatch: the
 * records of a delivery batch are handled side by side, so when a worker puts a backlog back on the
 * queue (an open circuit, a full cap) its deferrals cost one request per ten tasks instead of one
 * each. Each caller still learns whether its own message was accepted, so a refused one fails only
 * its own record (which SQS then brings back).
 */

export interface CoalescedSender {
  send(message: DelayedMessage): Promise<void>;
}

interface Pending {
  readonly message: DelayedMessage;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export function coalesceSends(queue: Pick<BatchingQueueSender, 'sendEach'>): CoalescedSender {
  let pending: Pending[] = [];
  let scheduled = false;

  async function flush(entries: readonly Pending[]): Promise<void> {
    try {
      const accepted = await queue.sendEach(entries.map((entry) => entry.message));
      entries.forEach((entry, index) =>
        accepted[index] ? entry.resolve() : entry.reject(new EnqueueError('The queue did not accept the message')),
      );
    } catch (error) {
      for (const entry of entries) entry.reject(error);
    }
  }

  function takePending(): Pending[] {
    const taken = pending;
    pending = [];
    return taken;
  }

  return {
    send(message) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ message, resolve, reject });
        if (pending.length >= SQS_MAX_BATCH_ENTRIES) {
          void flush(takePending());
        } else if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            if (pending.length > 0) void flush(takePending());
          });
        }
      });
    },
  };
}
