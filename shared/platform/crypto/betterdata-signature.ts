import { signatureHeader, verifyTimestampedHmac } from './timestamped-hmac';

/**
 * `x-betterdata-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>[,v1=…]`, sent
 * beside the Standard Webhooks headers for receivers that already verify Stripe-style signatures.
 * It is exactly Stripe's scheme keyed with the decoded `whsec_` bytes: an adapter over
 * ./timestamped-hmac rather than a second implementation.
 */

export const BETTERDATA_SIGNATURE_HEADER = 'x-betterdata-signature';
const BETTERDATA_TOLERANCE_IN_SECONDS = 300;

/** One `v1` per key (decoded signing secrets, newest first). */
export function betterdataSignatureHeader(
  keys: readonly Uint8Array[],
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  if (keys.length === 0) throw new RangeError('At least one signing secret is required');
  return signatureHeader(keys, timestampSeconds, body);
}

export interface VerifyBetterdataOptions {
  readonly header: string | undefined;
  readonly body: string | Uint8Array;
  readonly keys: readonly Uint8Array[];
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
}

export function verifyBetterdataSignature(options: VerifyBetterdataOptions): { timestamp: number } {
  return verifyTimestampedHmac({
    payload: typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body,
    header: options.header,
    keys: options.keys,
    nowSeconds: options.nowSeconds,
    toleranceSeconds: options.toleranceSeconds ?? BETTERDATA_TOLERANCE_IN_SECONDS,
    headerName: 'X-Betterdata-Signature',
  });
}
