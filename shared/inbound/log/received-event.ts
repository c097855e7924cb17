import type { QueuedWebhook } from '../queued-webhook';
import { safeHeaders, shopifyEventIdOf } from './inbound-event';
import type { ReceivedEvent } from './logged-processing';

/** What the log records of a queued Stripe, Square or Shopify webhook. */
export function receivedEventOf(message: QueuedWebhook, body: Buffer): ReceivedEvent {
  return {
    provider: message.source,
    providerEventId:
      message.source === 'shopify' ? shopifyEventIdOf(message.headers, message.eventId) : message.eventId,
    type: message.eventType,
    receivedAt: message.receivedAt,
    receiptId: message.correlationId,
    account: message.account ?? null,
    headers: safeHeaders(message.headers ?? {}),
    body,
    replay: message.replay === true,
  };
}
