import { SignatureVerificationError } from '../../platform/errors';
import { constantTimeEqual, hmacSha256, type HmacKey } from '../../platform/crypto/hmac';

/**
 * Shopify's webhook signature scheme (shopify.dev "Verify webhooks", Shopify/shopify-app-js):
 * `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(app client secret, raw body)). Nothing else is
 * signed: the `X-Shopify-*` headers (topic, shop, webhook id) are not covered, and there is no
 * timestamp, so deduplication on the webhook id is the consumer's job.
 */

export const SHOPIFY_SIGNATURE_HEADER = 'x-shopify-hmac-sha256';
/** base64 of a 32-byte HMAC-SHA256: 43 characters and one `=`. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

export function computeShopifySignature(secret: HmacKey, payload: Uint8Array | string): Buffer {
  return hmacSha256(secret, payload);
}

/** The header value Shopify sends; used to sign test requests and by the `send` script. */
export function shopifySignatureHeader(secret: HmacKey, payload: Uint8Array | string): string {
  return computeShopifySignature(secret, payload).toString('base64');
}

function parseShopifySignature(headerValue: string | undefined): Buffer {
  const value = headerValue?.trim();
  if (!value) throw new SignatureVerificationError('missing_signature', 'Missing X-Shopify-Hmac-Sha256 header');
  if (!SIGNATURE_PATTERN.test(value)) {
    throw new SignatureVerificationError('malformed_signature', 'X-Shopify-Hmac-Sha256 is not a base64 HMAC-SHA256');
  }
  return Buffer.from(value, 'base64');
}

export interface VerifyShopifyOptions {
  readonly payload: Uint8Array;
  readonly header: string | undefined;
  /** Every client secret currently accepted (more than one while a secret is being rotated). */
  readonly secrets: readonly HmacKey[];
}

/** Throws SignatureVerificationError unless the header is the HMAC of the body under one of the secrets. */
export function verifyShopifySignature(options: VerifyShopifyOptions): void {
  const received = parseShopifySignature(options.header);
  // Every secret is tried, so the time taken does not reveal which one matched.
  const matched = options.secrets.reduce(
    (found, secret) => constantTimeEqual(computeShopifySignature(secret, options.payload), received) || found,
    false,
  );
  if (!matched)
    throw new SignatureVerificationError(
      'no_matching_signature',
      'No signature matches the payload for any configured secret',
    );
}
