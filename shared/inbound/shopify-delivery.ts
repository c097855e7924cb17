import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { normaliseShopDomain } from './connections/connection-input';
import { header } from '../platform/http/raw-body';
import { oneOf } from '../platform/json/shape';
import { rejection, type Rejection } from './verdicts';

/**
 * Shopify's delivery headers, checked before anything is queued. Shopify does not sign them (only
 * the body is authenticated), so each value is bounded and the shop domain normalised; the message
 * carries them to the catalog consumer, lower-cased: topic, shop, webhook id (Shopify's per-delivery
 * dedupe key, used as the event id), event id, triggered-at and API version.
 */

/** Shopify's mandatory privacy webhooks: its app review expects 401 for a bad HMAC on these. */
export const SHOPIFY_COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;

export const isShopifyComplianceTopic = oneOf(SHOPIFY_COMPLIANCE_TOPICS);

export const SHOPIFY_HANDLED_TOPICS = [
  'products/create',
  'products/update',
  'products/delete',
  'inventory_levels/update',
  // The app's own lifecycle and the compliance topics, acted on by the catalog consumer.
  'app/uninstalled',
  ...SHOPIFY_COMPLIANCE_TOPICS,
] as const;
export type ShopifyHandledTopic = (typeof SHOPIFY_HANDLED_TOPICS)[number];

export const isShopifyHandledTopic = oneOf(SHOPIFY_HANDLED_TOPICS);

export const SHOPIFY_HEADERS = {
  topic: 'x-shopify-topic',
  shopDomain: 'x-shopify-shop-domain',
  webhookId: 'x-shopify-webhook-id',
  eventId: 'x-shopify-event-id',
  triggeredAt: 'x-shopify-triggered-at',
  apiVersion: 'x-shopify-api-version',
} as const;

/** Visible ASCII only, bounded: the value becomes a queue-message field and a deduplication key. */
const HEADER_VALUE_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;

export interface DeliveryHeaders {
  readonly topic: string;
  readonly shopDomain: string;
  readonly webhookId: string;
  /** Every `x-shopify-*` header carried to the consumer, by lower-case name. */
  readonly carried: Record<string, string>;
}

export function shopifyDeliveryHeaders(
  headers: APIGatewayProxyEventV2['headers'],
  receivedAt: Date,
): { ok: true; headers: DeliveryHeaders } | { ok: false; rejection: Rejection } {
  const read = (name: string) => header(headers, name)?.trim() || undefined;
  const topic = read(SHOPIFY_HEADERS.topic);
  const shop = read(SHOPIFY_HEADERS.shopDomain);
  const webhookId = read(SHOPIFY_HEADERS.webhookId);
  if (topic === undefined || shop === undefined || webhookId === undefined) {
    const missing = [SHOPIFY_HEADERS.topic, SHOPIFY_HEADERS.shopDomain, SHOPIFY_HEADERS.webhookId].filter(
      (name) => read(name) === undefined,
    );
    return {
      ok: false,
      rejection: rejection(400, 'missing_headers', `Missing required headers: ${missing.join(', ')}`),
    };
  }
  const shopDomain = normaliseShopDomain(shop);
  const invalid = [
    ...(HEADER_VALUE_PATTERN.test(topic) ? [] : [SHOPIFY_HEADERS.topic]),
    ...(shopDomain === undefined ? [SHOPIFY_HEADERS.shopDomain] : []),
    ...(HEADER_VALUE_PATTERN.test(webhookId) ? [] : [SHOPIFY_HEADERS.webhookId]),
  ];
  if (invalid.length > 0 || shopDomain === undefined)
    return { ok: false, rejection: rejection(400, 'invalid_headers', `Invalid headers: ${invalid.join(', ')}`) };
  const carried: Record<string, string> = {
    [SHOPIFY_HEADERS.topic]: topic,
    [SHOPIFY_HEADERS.shopDomain]: shopDomain,
    [SHOPIFY_HEADERS.webhookId]: webhookId,
  };
  // Optional: older API versions do not send them; a garbled one is dropped rather than refused.
  for (const name of [SHOPIFY_HEADERS.eventId, SHOPIFY_HEADERS.triggeredAt, SHOPIFY_HEADERS.apiVersion]) {
    const value = read(name);
    if (value !== undefined && HEADER_VALUE_PATTERN.test(value)) carried[name] = value;
  }
  // Unsigned: a forged future time would outrank every real change (a tombstone pinned forever).
  const triggeredAt = Date.parse(carried[SHOPIFY_HEADERS.triggeredAt] ?? '');
  if (triggeredAt > receivedAt.getTime()) carried[SHOPIFY_HEADERS.triggeredAt] = receivedAt.toISOString();
  return { ok: true, headers: { topic, shopDomain, webhookId, carried } };
}
