import { afterTry, newEntry, safeHeaders, type InboundEntry } from './inbound-event';
import type { InboundLogWriter } from './inbound-log-items';
import type { InboundLogging, ReceivedEvent } from './logged-processing';

/**
 * Signed sources have no consumer in this stack (other services read their queue), so their events
 * are logged by the receiver, before queueing: the first receipt of an id is recorded as `applied`
 * (handed to the consuming services) and queued; a later receipt only counts and is not queued
 * again. A receipt whose queueing failed is marked `failed`, so the sender's retry is queued.
 */

export async function logSourceReceipt(
  logging: InboundLogging<InboundLogWriter>,
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

export async function markSourceQueueFailed(
  logging: InboundLogging<InboundLogWriter>,
  entry: InboundEntry,
): Promise<void> {
  await logging.store.saveTry(
    afterTry(entry, { status: 'failed', reason: 'The event could not be queued' }, logging.now()),
  );
}

/** The body's string `type`, as the log shows it. */
function sourceEventType(body: unknown): string {
  const type = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).type : undefined;
  return typeof type === 'string' && type.length > 0 ? type.slice(0, 200) : 'unknown';
}

/** What the log records of a verified source event. */
export function sourceReceipt(input: {
  eventId: string;
  body: unknown;
  receivedAt: string;
  correlationId: string;
  sourceId: string;
  headers: Readonly<Record<string, string | undefined>>;
  payload: Buffer;
}): ReceivedEvent {
  return {
    provider: 'sources',
    providerEventId: input.eventId,
    type: sourceEventType(input.body),
    receivedAt: input.receivedAt,
    receiptId: input.correlationId,
    account: input.sourceId,
    headers: safeHeaders(input.headers),
    body: input.payload,
    replay: false,
  };
}
