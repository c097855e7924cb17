import { header } from '../../shared/platform/http/raw-body';
import { secretReceiver, type SecretVerdict } from '../../shared/inbound/receiver';
import {
  isShopifyComplianceTopic,
  isShopifyHandledTopic,
  SHOPIFY_HEADERS,
  shopifyDeliveryHeaders,
} from '../../shared/inbound/shopify-delivery';
import { SHOPIFY_SIGNATURE_HEADER, verifyShopifySignature } from '../../shared/inbound/signatures/shopify';
import { queueVerdict, rejection, verifyWithRotation } from '../../shared/inbound/verdicts';
import { METRIC_NAMES } from '../../shared/platform/metric-names';

/**
 * `POST /api/webhooks/shopify`: verify the body's HMAC, check the delivery headers, queue on the
 * catalog queue, and only then answer 2xx (the receiver shell). Shopify wants an answer within 5 s,
 * so there is no database read here: whether the shop is connected is the catalog consumer's
 * question (it keeps events of shops not connected yet).
 */

const decideShopifyWebhook: SecretVerdict = async (secrets, { event, payload, now, correlationId, tag }) => {
  const signature = header(event.headers, SHOPIFY_SIGNATURE_HEADER);
  const refused = await verifyWithRotation(secrets, (keys) =>
    verifyShopifySignature({ payload, header: signature, secrets: keys }),
  );
  // The (unsigned) topic only chooses the status: 401 on the compliance topics, 400 elsewhere.
  if (refused) return isShopifyComplianceTopic(claimedTopic(event)) ? { ...refused, status: 401 } : refused;
  const checked = shopifyDeliveryHeaders(event.headers, now);
  if (!checked.ok) return checked.rejection;
  const { topic, shopDomain, webhookId, carried } = checked.headers;
  tag({ eventId: webhookId, eventType: topic, shopDomain });
  try {
    // Only whether it is JSON: the consumer reads it, with 64-bit ids kept exact (shared/platform/json/lossless).
    JSON.parse(payload.toString('utf8'));
  } catch {
    return rejection(400, 'invalid_json', 'The signed body is not valid JSON');
  }
  if (!isShopifyHandledTopic(topic))
    return { kind: 'ignore', reason: 'Shopify topic not handled; acknowledged without queuing' };
  const fields = {
    source: 'shopify',
    eventId: webhookId,
    eventType: topic,
    receivedAt: now.toISOString(),
    correlationId,
    account: shopDomain,
    headers: carried,
  } as const;
  return queueVerdict(fields, payload);
};

function claimedTopic(event: { headers: Record<string, string | undefined> }): string {
  return header(event.headers, SHOPIFY_HEADERS.topic)?.trim() ?? '';
}

/** The app's client secrets sign Shopify webhooks. */
export const createShopifyWebhookHandler = secretReceiver('Shopify', METRIC_NAMES.shopifyWebhook, decideShopifyWebhook);
