import * as z from 'zod';
import { INBOUND_PROVIDERS, INBOUND_STATUSES } from './inbound-event';
import { pageQuerySchema } from '../../platform/http/org-router';
import { jobViewSchema } from '../../platform/jobs/job-view-schema';

/** `?provider=&type=&status=&since=&until=&limit=&cursor=` of the inbound event listings. */
export const listQuerySchema = pageQuerySchema.extend({
  provider: z.enum(INBOUND_PROVIDERS).optional(),
  type: z.string().min(1).max(200).optional(),
  status: z.enum(INBOUND_STATUSES).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
});

/** `POST …/inbound/replay`: which of the organisation's logged events to replay. */
export const bulkReplaySchema = z
  .strictObject({
    provider: z.enum(INBOUND_PROVIDERS),
    since: z.iso.datetime(),
    until: z.iso.datetime(),
    types: z.array(z.string().min(1).max(200)).min(1).max(20).optional(),
    status: z.enum(INBOUND_STATUSES).optional(),
  })
  .refine((value) => Date.parse(value.since) < Date.parse(value.until), {
    message: 'since must be before until',
    path: ['until'],
  });

/** Instants as the log's sort keys store them (`toISOString`), so ranges compare as strings. */
export function normalisedRange<T extends { since?: string | undefined; until?: string | undefined }>(query: T): T {
  return {
    ...query,
    ...(query.since !== undefined && { since: new Date(query.since).toISOString() }),
    ...(query.until !== undefined && { until: new Date(query.until).toISOString() }),
  };
}

// Answers (documented in the OpenAPI document and checked against it by the contract tests).

export const inboundEventSummarySchema = z.object({
  id: z.string().describe('`ie_…`: the same provider event id always has the same id'),
  provider: z.enum(INBOUND_PROVIDERS),
  providerEventId: z
    .string()
    .describe(
      "Stripe's event `id`, Square's `event_id`, Shopify's `x-shopify-event-id` (else the webhook " +
        "id), a source's body `id`, `webhook-id` header or body hash",
    ),
  type: z.string(),
  receivedAt: z.string().describe('When the first receipt arrived'),
  receiveCount: z
    .number()
    .int()
    .describe('How many times the provider delivered this event id; only the first had an effect'),
  account: z.string().nullable().describe('Square merchant, Shopify shop, source id or Stripe customer'),
  status: z.enum(INBOUND_STATUSES).describe('The outcome of the latest processing try'),
  reason: z.string().optional().describe('Why it was ignored, unmatched or failed'),
});

export const inboundEventPageSchema = z.object({
  data: z.array(inboundEventSummarySchema).describe('Newest first'),
  nextCursor: z.string().nullable(),
});

export const inboundEventDetailSchema = inboundEventSummarySchema.extend({
  orgId: z.string().nullable(),
  tries: z.number().int().describe('Processing tries, replays included'),
  lastTriedAt: z.string(),
  firstFailedAt: z.string().optional().describe('Start of the current run of failed tries'),
  headers: z.record(z.string(), z.string()).describe('The delivery headers worth keeping; never signatures'),
  body: z.string().nullable().describe('The raw body of the receipt that was processed, as text'),
  effects: z.object({
    auditEntryId: z.string().optional(),
    catalogItems: z
      .array(z.string())
      .optional()
      .describe('`<source>#<itemId>` of catalog items and stock levels written'),
    publishedEventIds: z.array(z.string()).optional().describe('Platform events published for tenants’ webhooks'),
  }),
});

export const replayJobViewSchema = jobViewSchema(
  'inbound-replay',
  z.object({
    queued: z.number().int().describe('Events put back on their consumer’s queue so far'),
    scanned: z.number().int().describe('Logged events matching the filters looked at so far'),
  }),
);
