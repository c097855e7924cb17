import { createHash, randomBytes } from 'node:crypto';

/**
 * Identifiers. Message ids are derived from who published what (scope + the publisher's event id),
 * so publishing the same event twice names the same message and is delivered once. Endpoint ids are
 * random. Both are Crockford base32: URL-safe, case-insensitive and free of `.` (which the Standard
 * Webhooks signature string uses as its separator).
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && output.length < length) {
      output += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return output;
}

export function newEndpointId(): string {
  return `ep_${base32(randomBytes(20), 26)}`;
}

/** A merchant's one federation webhook: a fixed id derived from the merchant, so PUT is idempotent. */
export function merchantEndpointIdFor(merchantId: string): string {
  return `ep_fed_${base32(createHash('sha256').update(`merchant-webhook\n${merchantId}`).digest(), 26)}`;
}

/** `scope` is what the event belongs to, e.g. `org:org_123`. */
export function messageIdFor(scope: string, eventId: string): string {
  return `msg_${base32(createHash('sha256').update(`${scope}\n${eventId}`).digest(), 26)}`;
}

export const orgScope = (orgId: string): string => `org:${orgId}`;
export const merchantScope = (merchantId: string): string => `merchant:${merchantId}`;

/** The message-id scope of an owner (owner.ts): an organisation id, or a merchant. */
export const ownerScope = (owner: string | { readonly merchantId: string }): string =>
  typeof owner === 'string' ? orgScope(owner) : merchantScope(owner.merchantId);

/** A manual attempt's claim key (resend): random, so each resend is a delivery of its own. */
export function newManualId(): string {
  return `man_${base32(randomBytes(15), 24)}`;
}

export function newRecoveryId(): string {
  return `rec_${base32(randomBytes(15), 24)}`;
}
