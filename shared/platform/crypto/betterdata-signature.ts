import { SignatureVerificationError } from '../errors';
import { signatureHeader, verifyStripeSignature } from '../../inbound/signatures/stripe';

/**
 * `x-betterdata-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>[,v1=…]`, sent
 * beside the Standard Webhooks headers for receivers that already verify Stripe-style signatures.
 * It is exactly Stripe's scheme keyed with the decoded `whsec_` bytes, so this is an adapter over
 * ./stripe rather than a second implementation.
 */

export const BETTERDATA_SIGNATURE_HEADER = 'x-betterdata-signature';
export const BETTERDATA_TOLERANCE_IN_SECONDS = 300;

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
  try {
    return verifyStripeSignature({
      payload: typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body,
      header: options.header,
      keys: options.keys,
      nowSeconds: options.nowSeconds,
      toleranceSeconds: options.toleranceSeconds ?? BETTERDATA_TOLERANCE_IN_SECONDS,
    });
  } catch (error) {
    // Same reasons, but the message names the header the receiver actually got.
    if (error instanceof SignatureVerificationError) {
      throw new SignatureVerificationError(
        error.reason,
        error.message.replaceAll('Stripe-Signature', 'X-Betterdata-Signature'),
      );
    }
    throw error;
  }
}
