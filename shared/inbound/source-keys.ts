import { BETTERDATA_SIGNATURE_HEADER, verifyBetterdataSignature } from '../platform/crypto/betterdata-signature';
import type { SecretDecipher } from '../platform/crypto/secret-cipher';
import { SignatureVerificationError } from '../platform/errors';
import { parseSigningSecret } from '../platform/crypto/standard-webhooks';
import type { InboundSource } from './connections/connections-store';
import { sourceSecretContext, verifyingSourceSecrets } from './connections/source-secret';
import type { Verdict } from './receiver';
import { rejection } from './verdicts';

/**
 * A signed source's keys, decrypted once per warm function and kept by ciphertext (a rotated secret
 * has a new ciphertext). A secret that does not decrypt is reported, not thrown: it might not be the
 * one that signed, and the caller decides whether the failure matters.
 */

/** Decrypted keys kept per warm function. */
const MAX_CACHED_KEYS = 1_000;

export interface SourceKeys {
  readonly keys: Uint8Array[];
  /** Why a secret could not be decrypted, when one could not. */
  readonly undecryptable?: unknown;
}

export function createSourceKeyCache(cipher: SecretDecipher) {
  const cache = new Map<string, Uint8Array>();

  async function keyOf(source: InboundSource, ciphertext: string): Promise<Uint8Array> {
    const cacheKey = `${source.orgId}\n${source.sourceId}\n${ciphertext}`;
    const cached = cache.get(cacheKey);
    if (cached) return cached;
    const key = parseSigningSecret(
      await cipher.decrypt(ciphertext, sourceSecretContext(source.orgId, source.sourceId)),
    );
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
    cache.set(cacheKey, key);
    return key;
  }

  /** The keys that verify at `now`: a replaced secret keeps verifying during its grace period. */
  return async function keysOf(source: InboundSource, now: Date): Promise<SourceKeys> {
    const decrypted = await Promise.allSettled(
      verifyingSourceSecrets(source, now).map((ciphertext) => keyOf(source, ciphertext)),
    );
    const keys = decrypted.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failed = decrypted.find((outcome) => outcome.status === 'rejected');
    return failed ? { keys, undecryptable: failed.reason } : { keys };
  };
}

/** The 500 when a source or its secrets cannot be read: the sender retries later. */
function unavailable(cause: unknown): Verdict {
  return {
    kind: 'unavailable',
    message: 'The signature could not be checked right now; retry later',
    log: 'Source or its secrets could not be read; answering 500 so the sender retries',
    cause,
  };
}

/**
 * Checks a source event's `x-betterdata-signature` against the source's keys: undefined when it
 * matches, else the verdict (400 for the sender's fault, 500 when a key that might have signed did
 * not decrypt).
 */
export function createSourceVerifier(cipher: SecretDecipher) {
  const keysOf = createSourceKeyCache(cipher);
  async function verify(
    source: InboundSource,
    signature: string | undefined,
    payload: Buffer,
    nowSeconds: number,
  ): Promise<Verdict | undefined> {
    const { keys, undecryptable } = await keysOf(source, new Date(nowSeconds * 1000));
    try {
      verifyBetterdataSignature({ header: signature, body: payload, keys, nowSeconds });
      return undefined;
    } catch (error) {
      if (!(error instanceof SignatureVerificationError)) throw error;
      // The secret that did not decrypt might have been the one that signs: not the sender's fault.
      if (error.reason === 'no_matching_signature' && undecryptable) return unavailable(undecryptable);
      return rejection(400, error.reason, error.message);
    }
  }
  return Object.assign(verify, { header: BETTERDATA_SIGNATURE_HEADER, unavailable });
}
