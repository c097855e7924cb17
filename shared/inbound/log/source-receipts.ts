import { afterTry, newEntry, type InboundEntry } from './inbound-event';
import type { InboundLogging, ReceivedEvent } from './logged-processing';

/**
 * Signed sources have no consumer in this stack (other services read their queue), so their events
 * are logged by the receiver, before queueing: the first receipt of an id is recorded as `applied`
 * (handed to the consuming services) and queued; a later receipt only counts and is not queued
 * again. A receipt whose queueing failed is marked `failed`, so the sender's retry is queued.
 */

export async function logSourceReceipt(
  logging: InboundLogging,
  event: ReceivedEvent,
  orgId: string,
): Promise<InboundEntry | 'duplicate'> {
  const now = logging.now();
  const handedOver = { status: 'applied', changed: true, orgId, effects: {} } as const;
  const entry = afterTry(newEntry({ ...event, orgId, retentionDays: logging.retentionDays, now }), handedOver, now);
  if ((await logging.store.create(entry, event.body)) === 'created') return entry;
  const existing = await logging.store.get(entry.id);
  if (existing?.status === 'failed') {
    const retried = afterTry(existing, handedOver, now);
    await logging.store.saveTry(retried);
    return retried;
  }
  await logging.store.countReceipt(entry.id);
  return 'duplicate';
}

export async function markSourceQueueFailed(logging: InboundLogging, entry: InboundEntry): Promise<void> {
  await logging.store.saveTry(
    afterTry(entry, { status: 'failed', reason: 'The event could not be queued' }, logging.now()),
  );
}
