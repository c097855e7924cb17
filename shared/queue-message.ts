import { z } from 'zod';

/**
 * What an ingest function puts on a queue: the verified webhook's exact bytes (base64, because SQS
 * replaces characters it does not allow) with when and how it arrived. Consumers parse the body
 * themselves; the envelope carries only what routing, logging and deduplication need.
 */
export const queuedWebhookSchema = z.object({
  source: z.enum(['stripe']),
  eventId: z.string().min(1),
  eventType: z.string().min(1),
  receivedAt: z.iso.datetime(),
  correlationId: z.string().min(1),
  rawBodyBase64: z.base64(),
});

export type QueuedWebhook = z.infer<typeof queuedWebhookSchema>;

export function decodeQueuedBody(message: QueuedWebhook): Buffer {
  return Buffer.from(message.rawBodyBase64, 'base64');
}
