import { z } from 'zod';
import { INBOUND_PROVIDERS, INBOUND_STATUSES } from '../../shared/inbound/log/inbound-event';
import { pageQuerySchema } from '../../shared/platform/http/org-router';

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
