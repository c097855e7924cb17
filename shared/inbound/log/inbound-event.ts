import { createHash } from 'node:crypto';

/**
 * The inbound event log's pure rules: which id a provider gives an event (the key duplicates are
 * recognised by), which headers are safe to keep, and how an entry's outcome moves from try to try.
 * The store and the consumers apply them.
 */

export const INBOUND_PROVIDERS = ['stripe', 'square', 'shopify', 'sources'] as const;
export type InboundProvider = (typeof INBOUND_PROVIDERS)[number];

export const INBOUND_STATUSES = ['applied', 'ignored', 'unmatched', 'failed'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

/** What processing an event changed: the audit entry, catalog items, published platform events. */
export interface InboundEffects {
  readonly auditEntryId?: string;
  /** `<source>#<itemId>` of catalog items or stock levels written. */
  readonly catalogItems?: readonly string[];
  /** Ids of platform events published for tenants' webhooks (their outbound messages carry them). */
  readonly publishedEventIds?: readonly string[];
}

export interface InboundEntry {
  /** `ie_` + 32 hex characters derived from provider and provider event id: the same event, the same id. */
  readonly id: string;
  readonly provider: InboundProvider;
  readonly providerEventId: string;
  readonly type: string;
  readonly receivedAt: string;
  /** Correlation id of the receipt that was processed; later receipts only count. */
  readonly receiptId: string;
  readonly receiveCount: number;
  /** Square merchant, Shopify shop, source id, Stripe customer where known. */
  readonly account: string | null;
  /** Null until an organisation is resolved: such events are listed in the operator view. */
  readonly orgId: string | null;
  readonly status: InboundStatus;
  readonly reason?: string;
  /** Processing tries so far (a replay is a try). */
  readonly tries: number;
  readonly firstFailedAt?: string;
  readonly lastTriedAt: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly effects: InboundEffects;
  /** Epoch seconds; DynamoDB TTL (and the local sweep) deletes the entry after it. */
  readonly expiresAt: number;
}

/** One try's result, as the consumer reports it. */
export type TryResult =
  | {
      readonly status: 'applied' | 'ignored' | 'unmatched';
      /** Whether this try changed anything (false: all of it was already applied, or stale). */
      readonly changed: boolean;
      readonly orgId: string | null;
      readonly reason?: string;
      readonly effects: InboundEffects;
    }
  | { readonly status: 'failed'; readonly reason: string; readonly orgId?: string | null };

const MAX_REASON_LENGTH = 500;
const MAX_PROVIDER_EVENT_ID_LENGTH = 256;

export function inboundEventId(provider: InboundProvider, providerEventId: string): string {
  return `ie_${createHash('sha256').update(`${provider}\n${providerEventId}`).digest('hex').slice(0, 32)}`;
}

export function isInboundEventId(value: string): boolean {
  return /^ie_[0-9a-f]{32}$/.test(value);
}

/**
 * A signed source's event id: the body's string `id`, else the Standard Webhooks `webhook-id` header,
 * else a hash of the body (so a resend of the same bytes is still recognised).
 */
export function sourceEventIdOf(body: unknown, headers: Readonly<Record<string, string | undefined>>): string {
  const id =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>).id
      : undefined;
  if (typeof id === 'string' && id.length > 0 && id.length <= MAX_PROVIDER_EVENT_ID_LENGTH) return id;
  const webhookId = headers['webhook-id']?.trim();
  if (webhookId && webhookId.length <= MAX_PROVIDER_EVENT_ID_LENGTH) return webhookId;
  return `sha256:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}

/**
 * Shopify names an event by `x-shopify-event-id` (the same across its subscriptions) and a delivery
 * by `x-shopify-webhook-id`; the event id wins where present.
 */
export function shopifyEventIdOf(headers: Readonly<Record<string, string>> | undefined, webhookId: string): string {
  return headers?.['x-shopify-event-id'] ?? webhookId;
}

/** Headers worth showing and never secret: signatures, authorisation and cookies are left out. */
export function safeHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || /signature|hmac|authorization|cookie|token|secret/.test(lower)) continue;
    if (
      lower === 'content-type' ||
      lower === 'user-agent' ||
      lower.startsWith('x-shopify-') ||
      lower.startsWith('webhook-')
    )
      kept[lower] = value;
  }
  return kept;
}

function clip(reason: string): string {
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}

/**
 * The entry after a try. A try that changed nothing keeps an earlier `applied` with its effects, so
 * replaying an applied event leaves it as it was; a failure keeps the organisation already known and
 * the time of the first failed try.
 */
export function afterTry(entry: InboundEntry, result: TryResult, now: Date): InboundEntry {
  const at = now.toISOString();
  const base = { ...entry, tries: entry.tries + 1, lastTriedAt: at };
  if (result.status === 'failed') {
    return {
      ...base,
      status: 'failed',
      reason: clip(result.reason),
      orgId: result.orgId ?? entry.orgId,
      firstFailedAt: entry.status === 'failed' ? (entry.firstFailedAt ?? at) : at,
    };
  }
  const { firstFailedAt: _firstFailedAt, reason: _reason, ...settled } = base;
  if (entry.status === 'applied' && !result.changed)
    return { ...settled, status: 'applied', orgId: result.orgId ?? entry.orgId };
  return {
    ...settled,
    status: result.status,
    orgId: result.orgId,
    ...(result.reason !== undefined && { reason: clip(result.reason) }),
    effects: mergeEffects(entry.effects, result.effects),
  };
}

function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] | undefined {
  if (!a?.length && !b?.length) return undefined;
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}

export function mergeEffects(before: InboundEffects, after: InboundEffects): InboundEffects {
  const auditEntryId = after.auditEntryId ?? before.auditEntryId;
  const catalogItems = union(before.catalogItems, after.catalogItems);
  const publishedEventIds = union(before.publishedEventIds, after.publishedEventIds);
  return {
    ...(auditEntryId !== undefined && { auditEntryId }),
    ...(catalogItems && { catalogItems }),
    ...(publishedEventIds && { publishedEventIds }),
  };
}

/** A new entry for the first receipt of an event, before its first try. */
export function newEntry(input: {
  provider: InboundProvider;
  providerEventId: string;
  type: string;
  receivedAt: string;
  receiptId: string;
  account: string | null;
  orgId: string | null;
  headers: Readonly<Record<string, string>>;
  retentionDays: number;
  now: Date;
}): InboundEntry {
  return {
    id: inboundEventId(input.provider, input.providerEventId),
    provider: input.provider,
    providerEventId: input.providerEventId,
    type: input.type,
    receivedAt: input.receivedAt,
    receiptId: input.receiptId,
    receiveCount: 1,
    account: input.account,
    orgId: input.orgId,
    status: 'failed',
    tries: 0,
    lastTriedAt: input.now.toISOString(),
    headers: input.headers,
    effects: {},
    expiresAt: Math.floor(Date.parse(input.receivedAt) / 1000) + input.retentionDays * 86_400,
  };
}
