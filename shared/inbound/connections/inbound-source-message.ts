import { z } from 'zod';

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
    /** The event's id: the body's `id` when it is a string, else one generated at receipt. */
    eventId: z.string().min(1),
    receivedAt: z.iso.datetime(),
    rawBodyBase64: z.base64(),
    json: z.json(),
  }))();

export type InboundSourceMessage = z.infer<typeof inboundSourceMessageSchema>;
