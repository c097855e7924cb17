import { constantTimeEqual, hmacSha256, type HmacKey } from '../../../platform/crypto/hmac';

/**
 * Shopify's OAuth callback check (shopify.dev "Verify a request", Shopify/shopify-app-js
 * `hmac-validator.ts`): every query parameter but `hmac` (and the legacy `signature`), keys sorted,
 * `k=v` percent-encoded and joined by `&`, HMAC-SHA256 keyed with the app secret, lower-case hex. The
 * `timestamp` must be fresh, so a captured callback URL cannot be replayed later.
 */

/** The official library refuses callbacks whose timestamp is older than 90 seconds. */
export const SHOPIFY_CALLBACK_MAX_AGE_SECONDS = 90;

export type ShopifyCallbackProblem = 'missing_hmac' | 'bad_hmac' | 'stale_timestamp';

/** The string Shopify signs: parameters other than `hmac`/`signature`, sorted, `k=v` joined by `&`. */
export function shopifyCallbackMessage(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'hmac' && key !== 'signature')
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key] as string)}`)
    .join('&');
}

export function shopifyCallbackHmac(secret: HmacKey, params: Readonly<Record<string, string>>): string {
  return hmacSha256(secret, shopifyCallbackMessage(params)).toString('hex');
}

/** Undefined when the query is signed by one of the app's secrets and its timestamp is fresh. */
export function shopifyCallbackProblem(
  params: Readonly<Record<string, string>>,
  secrets: readonly HmacKey[],
  now: Date,
): ShopifyCallbackProblem | undefined {
  const presented = params.hmac;
  if (presented === undefined || !/^[0-9a-f]{64}$/i.test(presented)) return 'missing_hmac';
  const received = Buffer.from(presented.toLowerCase(), 'hex');
  // Every secret is tried, so the time taken does not reveal which one matched.
  const matched = secrets.reduce(
    (found, secret) => constantTimeEqual(Buffer.from(shopifyCallbackHmac(secret, params), 'hex'), received) || found,
    false,
  );
  if (!matched) return 'bad_hmac';
  const timestamp = Number(params.timestamp);
  const ageSeconds = now.getTime() / 1000 - timestamp;
  // A little slack for clocks ahead of ours; never a timestamp far in the future.
  if (!Number.isInteger(timestamp) || ageSeconds > SHOPIFY_CALLBACK_MAX_AGE_SECONDS || ageSeconds < -30)
    return 'stale_timestamp';
  return undefined;
}
