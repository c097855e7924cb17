import {
  parseSignatureHeader as parseTimestampedHeader,
  verifyTimestampedHmac,
  type ParsedSignatureHeader,
} from '../../platform/crypto/timestamped-hmac';
import type { HmacKey } from '../../platform/crypto/hmac';

/**
 * Stripe's webhook signature scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC>[,v1=…]`, the
 * timestamped HMAC of platform/crypto/timestamped-hmac.ts with Stripe's header and tolerance.
 */

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
const STRIPE_TOLERANCE_IN_SECONDS = 300;

export { computeSignature, signatureHeader } from '../../platform/crypto/timestamped-hmac';

export function parseSignatureHeader(headerValue: string | undefined): ParsedSignatureHeader {
  return parseTimestampedHeader(headerValue, 'Stripe-Signature');
}

export interface VerifyOptions {
  readonly payload: Uint8Array;
  readonly header: string | undefined;
  /** Every secret currently accepted (more than one while a secret is being rolled). */
  readonly keys: readonly HmacKey[];
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
}

/** Returns the signed timestamp when one of the signatures matches one of the keys; throws otherwise. */
export function verifyStripeSignature(options: VerifyOptions): { timestamp: number } {
  return verifyTimestampedHmac({
    ...options,
    headerName: 'Stripe-Signature',
    toleranceSeconds: options.toleranceSeconds ?? STRIPE_TOLERANCE_IN_SECONDS,
  });
}
