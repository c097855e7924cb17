import type { InboundEntry } from '../../shared/inbound/log/inbound-event';
import type { inboundEventDetailSchema, inboundEventSummarySchema } from '../../shared/inbound/log/inbound-api-schemas';
import type { Documented } from '../../shared/openapi/response-schemas';

/** What callers see of a logged event: never the owner keys or where the body is stored. */
export function summaryView(entry: InboundEntry): Documented<typeof inboundEventSummarySchema> {
  return {
    id: entry.id,
    provider: entry.provider,
    providerEventId: entry.providerEventId,
    type: entry.type,
    receivedAt: entry.receivedAt,
    receiveCount: entry.receiveCount,
    account: entry.account,
    status: entry.status,
    ...(entry.reason !== undefined && { reason: entry.reason }),
  };
}

export function detailView(entry: InboundEntry, body: Buffer | undefined): Documented<typeof inboundEventDetailSchema> {
  return {
    ...summaryView(entry),
    orgId: entry.orgId,
    tries: entry.tries,
    lastTriedAt: entry.lastTriedAt,
    ...(entry.firstFailedAt !== undefined && { firstFailedAt: entry.firstFailedAt }),
    headers: entry.headers,
    body: body?.toString('utf8') ?? null,
    effects: entry.effects,
  };
}
