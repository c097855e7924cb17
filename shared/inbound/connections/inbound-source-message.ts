import * as z from 'zod';
import { parseLosslessJson } from '../../platform/json/lossless';

/**
 * What the sources ingest puts on the `inboundSources` queue for other Better Data services: a
 * verified event from a tenant's signed source, its exact bytes (base64: SQS replaces characters it
 * does not allow) and the body parsed with `parseLosslessJson`, so integers beyond 2^53 − 1 (64-bit
 * ids) arrive as digit strings rather than rounded numbers.
 */
// A pure call, so the sources ingest function, which only builds these messages, bundles without zod.
export const inboundSourceMessageSchema = /* @__PURE__ */ (() =>
  z.object({
    sourceId: z.string().min(1),
    orgId: z.string().min(1),
    /** The event's id: the body's `id` when it is a string, else one named from the request (see the receiver). */
    eventId: z.string().min(1),
    receivedAt: z.iso.datetime(),
    rawBodyBase64: z.base64(),
    json: z.json(),
  }))();

export type InboundSourceMessage = z.infer<typeof inboundSourceMessageSchema>;

const MAX_EVENT_ID_LENGTH = 256;
/** Room left in an SQS message for the message attributes. */
const ATTRIBUTE_ALLOWANCE_BYTES = 1_024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The event's id: the body's `id` when it is a string of sane length, else one named from the body. */
function eventIdOf(body: unknown, newEventId: (body: unknown) => string): string {
  const id =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_EVENT_ID_LENGTH ? id : newEventId(body);
}

export type BuiltSourceMessage =
  | {
      readonly ok: true;
      readonly eventId: string;
      readonly text: string;
      /** The parsed body, as queued in `json`. */
      readonly body: unknown;
      readonly serialised: string;
    }
  | { readonly ok: false; readonly problem: 'invalid_json' | 'too_large' };

/**
 * The queue message for a verified source event, or why there is none: the body is not UTF-8 JSON,
 * or re-serialising it grew it past what SQS takes (`1e20` becomes 21 digits).
 */
export function buildInboundSourceMessage(
  fields: Pick<InboundSourceMessage, 'sourceId' | 'orgId' | 'receivedAt'>,
  payload: Buffer,
  options: { readonly newEventId: (body: unknown) => string; readonly maxMessageBytes: number },
): BuiltSourceMessage {
  let text: string;
  let body: unknown;
  try {
    text = utf8.decode(payload);
    // Integers beyond 2^53 − 1 stay exact (as digit strings) in the queued `json`.
    body = parseLosslessJson(text);
  } catch {
    return { ok: false, problem: 'invalid_json' };
  }
  const eventId = eventIdOf(body, options.newEventId);
  const message: InboundSourceMessage = {
    ...fields,
    eventId,
    rawBodyBase64: payload.toString('base64'),
    json: body as InboundSourceMessage['json'],
  };
  const serialised = JSON.stringify(message);
  if (Buffer.byteLength(serialised) > options.maxMessageBytes - ATTRIBUTE_ALLOWANCE_BYTES)
    return { ok: false, problem: 'too_large' };
  return { ok: true, eventId, text, body, serialised };
}
