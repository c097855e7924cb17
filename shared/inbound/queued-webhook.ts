import { isUtf8 } from 'node:buffer';
import * as z from 'zod';

/**
 * What an ingest function puts on a queue: the verified webhook's exact bytes with when and how it
 * arrived. The bytes travel as the exact string (`rawBody`) when they are valid UTF-8 that SQS
 * accepts once JSON-escaped, else base64-encoded (`rawBodyBase64`); consumers read either through
 * `decodeQueuedBody`. Consumers parse the body themselves; the envelope carries only what routing,
 * logging and deduplication need.
 */
// Built by a pure call, so a bundle that only builds messages (ingest) leaves zod out.
export const queuedWebhookSchema = /* @__PURE__ */ (() =>
  z
    .object({
      source: z.enum(['stripe', 'square', 'shopify']),
      /**
       * The provider's id for deduplication: Stripe's event id, Square's `event_id`, Shopify's
       * `x-shopify-webhook-id`.
       */
      eventId: z.string().min(1),
      /** Stripe/Square event type, or the Shopify topic (`products/update`). */
      eventType: z.string().min(1),
      receivedAt: z.iso.datetime(),
      correlationId: z.string().min(1),
      rawBody: z.string().optional(),
      rawBodyBase64: z.base64().optional(),
      /** Whose event it is at the provider: Square's `merchant_id` or the Shopify shop domain. */
      account: z.string().min(1).optional(),
      /** Delivery headers the consumer needs (Shopify's `x-shopify-*`), lower-cased. */
      headers: z.record(z.string(), z.string()).optional(),
      /** Put back on the queue from the inbound event log (a replay): tried again although already logged. */
      replay: z.literal(true).optional(),
    })
    .refine((message) => (message.rawBody === undefined) !== (message.rawBodyBase64 === undefined), {
      message: 'exactly one of rawBody and rawBodyBase64',
    }))();

export type QueuedWebhook = z.infer<typeof queuedWebhookSchema>;

/** The one parser of a queued message, for every consumer. */
export function parseQueuedWebhook(text: string): QueuedWebhook {
  return queuedWebhookSchema.parse(JSON.parse(text));
}

export function decodeQueuedBody(message: QueuedWebhook): Buffer {
  if (message.rawBody !== undefined) return Buffer.from(message.rawBody, 'utf8');
  return Buffer.from(message.rawBodyBase64 ?? '', 'base64');
}

/**
 * Characters SQS refuses that JSON.stringify leaves unescaped (it escapes controls and lone
 * surrogates), plus those outside the Basic Multilingual Plane: SQS documents them as allowed, but
 * emulators (fauxqs) refuse them, and such bodies are rare enough to travel as base64.
 */
const SQS_REFUSED_UNESCAPED = /[\uD800-\uDFFF\uFFFE\uFFFF]/;
/** Room for the envelope's other fields and the message attributes. */
const ENVELOPE_ALLOWANCE_BYTES = 8_192;

export interface QueuedWebhookFields {
  readonly source: QueuedWebhook['source'];
  readonly eventId: string;
  readonly eventType: string;
  readonly receivedAt: string;
  readonly correlationId: string;
  readonly account?: string;
  readonly headers?: Record<string, string>;
}

/**
 * The queue message for a verified body, by string concatenation (every value JSON-escaped). The
 * exact string when the body is UTF-8 that SQS accepts and stays within `maxMessageBytes` once
 * escaped; base64 otherwise, which is never larger than 4/3 of the body.
 */
export function buildQueuedWebhook(fields: QueuedWebhookFields, payload: Buffer, maxMessageBytes: number): string {
  let head =
    `{"source":"${fields.source}","eventId":${JSON.stringify(fields.eventId)},` +
    `"eventType":${JSON.stringify(fields.eventType)},"receivedAt":"${fields.receivedAt}",` +
    `"correlationId":${JSON.stringify(fields.correlationId)}`;
  if (fields.account !== undefined) head += `,"account":${JSON.stringify(fields.account)}`;
  if (fields.headers !== undefined) head += `,"headers":${JSON.stringify(fields.headers)}`;
  if (isUtf8(payload)) {
    const text = payload.toString('utf8');
    if (!SQS_REFUSED_UNESCAPED.test(text)) {
      const escaped = JSON.stringify(text);
      // Escaping grows a body full of quotes or controls; measured in UTF-16 units, an upper bound of bytes/3.
      if (escaped.length * 3 <= maxMessageBytes - ENVELOPE_ALLOWANCE_BYTES || fitsInBytes(escaped, maxMessageBytes))
        return `${head},"rawBody":${escaped}}`;
    }
  }
  return `${head},"rawBodyBase64":"${payload.toString('base64')}"}`;
}

function fitsInBytes(escaped: string, maxMessageBytes: number): boolean {
  return Buffer.byteLength(escaped, 'utf8') <= maxMessageBytes - ENVELOPE_ALLOWANCE_BYTES;
}
