import { SignatureVerificationError } from '../errors';
import { constantTimeEqual, hmacSha256, type HmacKey } from './hmac';

/**
 * The timestamped HMAC scheme Stripe defined (docs.stripe.com/webhooks, stripe-node `Webhooks.ts`):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=…]`. Several `v1` entries
 * appear while a secret is being rolled; any match is enough. `v0` is ignored. Stripe's inbound
 * signatures and Better Data's own `x-betterdata-signature` both use it, so it lives once, here.
 */

const SIGNATURE_SCHEME = 'v1';

export interface ParsedSignatureHeader {
  readonly timestamp: number;
  readonly signatures: readonly Buffer[];
}

export function parseSignatureHeader(headerValue: string | undefined, headerName: string): ParsedSignatureHeader {
  if (headerValue === undefined || headerValue.trim() === '') {
    throw new SignatureVerificationError('missing_signature', `Missing ${headerName} header`);
  }
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const item of headerValue.split(',')) {
    const separator = item.indexOf('=');
    if (separator < 0) continue;
    const key = item.slice(0, separator).trim();
    const value = item.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === SIGNATURE_SCHEME && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined) {
    throw new SignatureVerificationError('malformed_signature', `${headerName} header has no valid t= timestamp`);
  }
  if (signatures.length === 0) {
    throw new SignatureVerificationError('malformed_signature', `${headerName} header has no v1= signature`);
  }
  return { timestamp, signatures };
}

export function computeSignature(key: HmacKey, timestamp: number, payload: Uint8Array | string): Buffer {
  return hmacSha256(key, `${timestamp}.`, payload);
}

/** Builds a header value: one `v1` per key. */
export function signatureHeader(keys: readonly HmacKey[], timestamp: number, payload: Uint8Array | string): string {
  const v1 = keys.map((key) => `${SIGNATURE_SCHEME}=${computeSignature(key, timestamp, payload).toString('hex')}`);
  return [`t=${timestamp}`, ...v1].join(',');
}

export interface VerifyOptions {
  readonly payload: Uint8Array;
  readonly header: string | undefined;
  /** Every secret currently accepted (more than one while a secret is being rolled). */
  readonly keys: readonly HmacKey[];
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
  /** How error messages name the header (`Stripe-Signature`, `X-Betterdata-Signature`). */
  readonly headerName: string;
}

/** What a scheme's caller passes: the scheme itself fixes the header name and the default tolerance. */
export type SchemeVerifyOptions = Omit<VerifyOptions, 'headerName' | 'toleranceSeconds'> & {
  readonly toleranceSeconds?: number;
};

/** Returns the signed timestamp when one of the signatures matches one of the keys; throws otherwise. */
export function verifyTimestampedHmac(options: VerifyOptions): { timestamp: number } {
  const { timestamp, signatures } = parseSignatureHeader(options.header, options.headerName);
  const matched = options.keys.some((key) => {
    const expected = computeSignature(key, timestamp, options.payload);
    // Check every candidate so the time taken does not reveal which one matched.
    return signatures.reduce((found, candidate) => constantTimeEqual(expected, candidate) || found, false);
  });
  if (!matched) {
    throw new SignatureVerificationError(
      'no_matching_signature',
      'No signature matches the payload for any configured secret',
    );
  }
  const tolerance = options.toleranceSeconds;
  const age = options.nowSeconds - timestamp;
  if (age > tolerance) {
    throw new SignatureVerificationError(
      'timestamp_outside_tolerance',
      `Signature timestamp is ${age} s old (tolerance ${tolerance} s)`,
    );
  }
  if (-age > tolerance) {
    throw new SignatureVerificationError(
      'timestamp_outside_tolerance',
      `Signature timestamp is ${-age} s in the future (tolerance ${tolerance} s)`,
    );
  }
  return { timestamp };
}
