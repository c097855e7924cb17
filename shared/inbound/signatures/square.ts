import { SignatureVerificationError } from '../../platform/errors';
import { constantTimeEqual, hmacSha256, type HmacKey } from '../../platform/crypto/hmac';

/**
 * Square's webhook signature scheme (developer.squareup.com/docs/webhooks/step3validate,
 * square/square-nodejs-sdk `WebhooksHelper`): `x-square-hmacsha256-signature` =
 * base64(HMAC-SHA256(signature key, notification URL + raw body)). The notification URL is the one
 * registered with Square, byte for byte: it comes from configuration, never from the request.
 * Unlike Square's SDK, the comparison takes constant time and a malformed header is a clean failure.
 */

export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';
/** base64 of a 32-byte HMAC-SHA256: 43 characters and one `=`. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

export function computeSquareSignature(key: HmacKey, notificationUrl: string, payload: Uint8Array | string): Buffer {
  return hmacSha256(key, notificationUrl, payload);
}

/** The header value Square sends; used to sign test requests and by the `send` script. */
export function squareSignatureHeader(key: HmacKey, notificationUrl: string, payload: Uint8Array | string): string {
  return computeSquareSignature(key, notificationUrl, payload).toString('base64');
}

export function parseSquareSignature(headerValue: string | undefined): Buffer {
  const value = headerValue?.trim();
  if (!value) throw new SignatureVerificationError('missing_signature', `Missing ${SQUARE_SIGNATURE_HEADER} header`);
  if (!SIGNATURE_PATTERN.test(value)) {
    throw new SignatureVerificationError(
      'malformed_signature',
      `${SQUARE_SIGNATURE_HEADER} is not a base64 HMAC-SHA256`,
    );
  }
  return Buffer.from(value, 'base64');
}

export interface VerifySquareOptions {
  readonly payload: Uint8Array;
  readonly header: string | undefined;
  /** Every signature key currently accepted (more than one while a key is being rotated). */
  readonly keys: readonly HmacKey[];
  /** The notification URLs the event may have been sent to (the configured one, a merchant's own). */
  readonly notificationUrls: readonly string[];
}

/** Returns the notification URL that matched; throws SignatureVerificationError otherwise. */
export function verifySquareSignature(options: VerifySquareOptions): { notificationUrl: string } {
  const received = parseSquareSignature(options.header);
  let matched: string | undefined;
  // Every key and URL is tried, so the time taken does not reveal which one matched.
  for (const notificationUrl of options.notificationUrls) {
    for (const key of options.keys) {
      if (constantTimeEqual(computeSquareSignature(key, notificationUrl, options.payload), received))
        matched ??= notificationUrl;
    }
  }
  if (matched === undefined) {
    throw new SignatureVerificationError(
      'no_matching_signature',
      'No signature matches the payload for any configured key and notification URL',
    );
  }
  return { notificationUrl: matched };
}
