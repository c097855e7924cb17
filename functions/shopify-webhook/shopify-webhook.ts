import { header } from '../../shared/platform/http/raw-body';
import { buildQueuedWebhook } from '../../shared/inbound/queued-webhook';
import { createReceiver, type ReceiverDependencies, type Verdict } from '../../shared/inbound/receiver';
import {
  isShopifyComplianceTopic,
  isShopifyHandledTopic,
  SHOPIFY_HEADERS,
  shopifyDeliveryHeaders,
} from '../../shared/inbound/shopify-delivery';
import { SHOPIFY_SIGNATURE_HEADER, verifyShopifySignature } from '../../shared/inbound/signatures/shopify';
import { rejection, verifyWithRotation } from '../../shared/inbound/verdicts';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { SecretList } from '../../shared/platform/secrets';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/platform/topology';

/**
 * `POST /api/webhooks/shopify`: verify the body's HMAC, check the delivery headers, queue on the
 * catalog queue, and only then answer 2xx (the receiver shell). Shopify wants an answer within 5 s,
 * so there is no database read here: whether the shop is connected is the catalog consumer's
 * question (it keeps events of shops not connected yet).
 */

export interface ShopifyWebhookDependencies extends ReceiverDependencies {
  /** App client secrets that sign webhooks (several while one is being rotated). */
  readonly secrets: SecretList;
}

export function createShopifyWebhookHandler(deps: ShopifyWebhookDependencies) {
  return createReceiver(
    {
      sender: 'Shopify',
      rejectedLog: 'Shopify webhook rejected',
      deliverable: 'Shopify webhooks',
      metricNames: METRIC_NAMES.shopifyWebhook,
      async decide({ event, payload, now, correlationId, tag }): Promise<Verdict> {
        const signature = header(event.headers, SHOPIFY_SIGNATURE_HEADER);
        const refused = await verifyWithRotation(deps.secrets, (secrets) =>
          verifyShopifySignature({ payload, header: signature, secrets }),
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
        return {
          kind: 'queue',
          body: buildQueuedWebhook(fields, payload, SQS_MAX_MESSAGE_BYTES),
          attributes: { source: 'shopify', eventType: topic },
        };
      },
    },
    deps,
  );
}

function claimedTopic(event: { headers: Record<string, string | undefined> }): string {
  return header(event.headers, SHOPIFY_HEADERS.topic)?.trim() ?? '';
}
