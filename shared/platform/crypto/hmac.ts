import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacKey = string | Uint8Array;

export function hmacSha256(key: HmacKey, ...parts: (string | Uint8Array)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Compares two byte strings in time that depends only on their lengths. `timingSafeEqual` throws
 * on a length mismatch; a wrong-length signature is simply a mismatch, never an exception.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
