import {
  parseSignatureHeader as parseTimestampedHeader,
  verifyTimestampedHmac,
  type ParsedSignatureHeader,
  type SchemeVerifyOptions,
} from '../../platform/crypto/timestamped-hmac';

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

/** Returns the signed timestamp when one of the signatures matches one of the keys; throws otherwise. */
export function verifyStripeSignature(options: SchemeVerifyOptions): { timestamp: number } {
  return verifyTimestampedHmac({
    ...options,
    headerName: 'Stripe-Signature',
    toleranceSeconds: options.toleranceSeconds ?? STRIPE_TOLERANCE_IN_SECONDS,
  });
}
