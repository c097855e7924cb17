import { z } from 'zod';

/**
 * What an ingest function puts on a queue: the verified webhook's exact bytes (base64, because SQS
 * replaces characters it does not allow) with when and how it arrived. Consumers parse the body
 * themselves; the envelope carries only what routing, logging and deduplication need.
 */
export const queuedWebhookSchema = z.object({
  source: z.enum(['stripe', 'square', 'shopify']),
  /** The provider's id for deduplication: Stripe's event id, Square's `event_id`, Shopify's `x-shopify-webhook-id`. */
  eventId: z.string().min(1),
  /** Stripe/Square event type, or the Shopify topic (`products/update`). */
  eventType: z.string().min(1),
  receivedAt: z.iso.datetime(),
  correlationId: z.string().min(1),
  rawBodyBase64: z.base64(),
  /** Whose event it is at the provider: Square's `merchant_id` or the Shopify shop domain. */
  account: z.string().min(1).optional(),
  /** Delivery headers the consumer needs (Shopify's `x-shopify-*`), lower-cased. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Put back on the queue from the inbound event log (a replay): tried again although already logged. */
  replay: z.literal(true).optional(),
});

export type QueuedWebhook = z.infer<typeof queuedWebhookSchema>;

export function decodeQueuedBody(message: QueuedWebhook): Buffer {
  return Buffer.from(message.rawBodyBase64, 'base64');
}
