import type { QueueSender } from '../platform/aws/queue';
import { messageIdFor, ownerScope } from './ids';
import { eventOwner } from './owner';
import { parsePlatformEvent, type PlatformEvent } from './event-catalog';

/**
 * How Better Data services publish a domain event: validated against the catalog here, so a bad
 * event fails in the publisher's hands (`InvalidEventError`) instead of in the fan-out's DLQ.
 * Resolves to the message id tenants will see as `webhook-id`; publishing the same event id again
 * names the same message and is delivered once.
 */
export async function publishEvent(
  event: unknown,
  queue: QueueSender,
  correlationId?: string,
): Promise<{ messageId: string; event: PlatformEvent }> {
  const parsed = parsePlatformEvent(event);
  await queue.send(JSON.stringify(parsed), {
    attributes: { eventType: parsed.type, ...(correlationId && { correlationId }) },
  });
  return { messageId: messageIdFor(ownerScope(eventOwner(parsed)), parsed.id), event: parsed };
}
