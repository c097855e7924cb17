import { signatureHeader, verifyTimestampedHmac, type SchemeVerifyOptions } from './timestamped-hmac';

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

export type VerifyBetterdataOptions = Omit<SchemeVerifyOptions, 'payload'> & { readonly body: string | Uint8Array };

export function verifyBetterdataSignature(options: VerifyBetterdataOptions): { timestamp: number } {
  const { body, ...rest } = options;
  return verifyTimestampedHmac({
    ...rest,
    payload: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    toleranceSeconds: options.toleranceSeconds ?? BETTERDATA_TOLERANCE_IN_SECONDS,
    headerName: 'X-Betterdata-Signature',
  });
}
