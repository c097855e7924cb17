import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { QueueSender } from '../../shared/platform/aws/queue';
import { normaliseShopDomain } from '../../shared/inbound/connections/connection-input';
import { PayloadTooLargeError, SignatureVerificationError } from '../../shared/platform/errors';
import { header, rawBody } from '../../shared/inbound/raw-body';
import { errorResponse, json, type HttpResult } from '../../shared/platform/http/responses';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { flushingObservability, queueVerifiedWebhook } from '../../shared/inbound/receiver';
import type { QueuedWebhook } from '../../shared/inbound/queued-webhook';
import type { SecretList } from '../../shared/platform/secrets';
import { SHOPIFY_SIGNATURE_HEADER, verifyShopifySignature } from '../../shared/inbound/signatures/shopify';

/**
 * `POST /api/webhooks/shopify`: verify the body's HMAC, check the delivery headers, queue on the
 * catalog queue, and only then answer 2xx. Shopify wants an answer within 5 s, so there is no
 * database read here: whether the shop is connected is the catalog consumer's question (it keeps
 * events of shops not connected yet).
 *
 * The message carries the delivery headers the consumer needs, lower-cased: topic, shop, webhook id
 * (Shopify's per-delivery dedupe key, used as the event id), event id, triggered-at and API version.
 * Shopify does not sign them; only the body is authenticated.
 */

/** Shopify's mandatory privacy webhooks: its app review expects 401 for a bad HMAC on these (issue 10). */
export const SHOPIFY_COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;

export const SHOPIFY_HANDLED_TOPICS = [
  'products/create',
  'products/update',
  'products/delete',
  'inventory_levels/update',
  // Issue 10: the app's own lifecycle and the compliance topics, acted on by the catalog consumer.
  'app/uninstalled',
  ...SHOPIFY_COMPLIANCE_TOPICS,
] as const;
export type ShopifyHandledTopic = (typeof SHOPIFY_HANDLED_TOPICS)[number];

export function isShopifyHandledTopic(topic: string): topic is ShopifyHandledTopic {
  return (SHOPIFY_HANDLED_TOPICS as readonly string[]).includes(topic);
}

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

export interface ShopifyWebhookDependencies {
  /** App client secrets that sign webhooks (several while one is being rotated). */
  readonly secrets: SecretList;
  readonly queue: QueueSender;
  readonly maxBodyBytes: number;
  readonly now: () => Date;
  readonly observability: Observability;
}

const RECEIVED = { received: true } as const;
const METRIC = METRIC_NAMES.shopifyWebhook;

interface DeliveryHeaders {
  readonly topic: string;
  readonly shopDomain: string;
  readonly webhookId: string;
  /** Every `x-shopify-*` header carried to the consumer, by lower-case name. */
  readonly carried: Record<string, string>;
}

type HeaderCheck = { ok: true; headers: DeliveryHeaders } | { ok: false; error: string; message: string };

function deliveryHeaders(headers: APIGatewayProxyEventV2['headers'], receivedAt: Date): HeaderCheck {
  const read = (name: string) => header(headers, name)?.trim() || undefined;
  const topic = read(SHOPIFY_HEADERS.topic);
  const shop = read(SHOPIFY_HEADERS.shopDomain);
  const webhookId = read(SHOPIFY_HEADERS.webhookId);
  const missing = [
    [SHOPIFY_HEADERS.topic, topic],
    [SHOPIFY_HEADERS.shopDomain, shop],
    [SHOPIFY_HEADERS.webhookId, webhookId],
  ]
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0 || topic === undefined || shop === undefined || webhookId === undefined) {
    return { ok: false, error: 'missing_headers', message: `Missing required headers: ${missing.join(', ')}` };
  }
  const shopDomain = normaliseShopDomain(shop);
  const invalid = [
    ...(HEADER_VALUE_PATTERN.test(topic) ? [] : [SHOPIFY_HEADERS.topic]),
    ...(shopDomain === undefined ? [SHOPIFY_HEADERS.shopDomain] : []),
    ...(HEADER_VALUE_PATTERN.test(webhookId) ? [] : [SHOPIFY_HEADERS.webhookId]),
  ];
  if (invalid.length > 0 || shopDomain === undefined) {
    return { ok: false, error: 'invalid_headers', message: `Invalid headers: ${invalid.join(', ')}` };
  }
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

export function createShopifyWebhookHandler(deps: ShopifyWebhookDependencies) {
  const { logger, metrics } = deps.observability;

  function reject(
    statusCode: number,
    error: string,
    message: string,
    extraHeaders?: Record<string, string>,
  ): HttpResult {
    metrics.addMetric(METRIC.rejected, MetricUnit.Count, 1);
    logger.warn('Shopify webhook rejected', { statusCode, error, reason: message });
    return errorResponse(statusCode, error, message, extraHeaders);
  }

  async function verify(payload: Buffer, signature: string | undefined): Promise<void> {
    try {
      verifyShopifySignature({ payload, header: signature, secrets: await deps.secrets.current() });
    } catch (error) {
      // A secret rotated in Secrets Manager since the cache was filled: re-read once and retry.
      if (!(error instanceof SignatureVerificationError) || error.reason !== 'no_matching_signature') throw error;
      const refreshed = await deps.secrets.refresh();
      if (!refreshed) throw error;
      verifyShopifySignature({ payload, header: signature, secrets: refreshed });
    }
  }

  async function handle(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const correlationId = event.requestContext.requestId;
    logger.appendKeys({ correlationId });
    if (event.requestContext.http.method !== 'POST') {
      return reject(405, 'method_not_allowed', 'Use POST to deliver Shopify webhooks', { allow: 'POST' });
    }
    metrics.addMetric(METRIC.received, MetricUnit.Count, 1);
    const payload = rawBody(event);
    if (payload.length > deps.maxBodyBytes) {
      return reject(413, 'payload_too_large', new PayloadTooLargeError(payload.length, deps.maxBodyBytes).message);
    }
    const now = deps.now();
    try {
      await verify(payload, header(event.headers, SHOPIFY_SIGNATURE_HEADER));
    } catch (error) {
      if (!(error instanceof SignatureVerificationError)) throw error;
      // The (unsigned) topic only chooses the status: 401 on the compliance topics, 400 elsewhere.
      const claimedTopic = header(event.headers, SHOPIFY_HEADERS.topic)?.trim() ?? '';
      const compliance = (SHOPIFY_COMPLIANCE_TOPICS as readonly string[]).includes(claimedTopic);
      return reject(compliance ? 401 : 400, error.reason, error.message);
    }

    const checked = deliveryHeaders(event.headers, now);
    if (!checked.ok) return reject(400, checked.error, checked.message);
    const { topic, shopDomain, webhookId, carried } = checked.headers;
    logger.appendKeys({ eventId: webhookId, eventType: topic, shopDomain });
    try {
      // Only whether it is JSON: the consumer reads it, with 64-bit ids kept exact (shared/json/lossless).
      JSON.parse(payload.toString('utf8'));
    } catch {
      return reject(400, 'invalid_json', 'The signed body is not valid JSON');
    }
    if (!isShopifyHandledTopic(topic)) {
      metrics.addMetric(METRIC.unhandledType, MetricUnit.Count, 1);
      logger.info('Shopify topic not handled; acknowledged without queuing');
      return json(200, RECEIVED);
    }

    const message: QueuedWebhook = {
      source: 'shopify',
      eventId: webhookId,
      eventType: topic,
      receivedAt: now.toISOString(),
      correlationId,
      rawBodyBase64: payload.toString('base64'),
      account: shopDomain,
      headers: carried,
    };
    const queued = await queueVerifiedWebhook({
      queue: deps.queue,
      body: JSON.stringify(message),
      attributes: { source: 'shopify', eventType: topic },
      sender: 'Shopify',
      metricNames: METRIC,
      observability: deps.observability,
    });
    if (queued !== 'queued') return queued;
    return json(200, RECEIVED);
  }

  return flushingObservability(deps.observability, handle);
}
