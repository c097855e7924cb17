import { betterdataSignatureHeader, BETTERDATA_SIGNATURE_HEADER } from '../platform/crypto/betterdata-signature';
import { standardWebhookHeaders } from '../platform/crypto/standard-webhooks';

const USER_AGENT = 'BetterData-Webhooks/1';

/**
 * The headers of one attempt: Standard Webhooks (`webhook-id` stable across retries,
 * `webhook-timestamp` of this attempt, one `v1,` signature per active secret) and, for receivers
 * without a Standard Webhooks library, `x-betterdata-signature` (Stripe-style `t=…,v1=…`) keyed with
 * the same secret bytes.
 */
export function deliveryHeaders(options: {
  messageId: string;
  body: string;
  keys: readonly Uint8Array[];
  timestampSeconds: number;
}): Record<string, string> {
  const { messageId, body, keys, timestampSeconds } = options;
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...standardWebhookHeaders({ msgId: messageId, timestampSeconds, body, secrets: keys }),
    [BETTERDATA_SIGNATURE_HEADER]: betterdataSignatureHeader(keys, timestampSeconds, body),
  };
}
