import type { SecretCipher } from '../platform/crypto/secret-cipher';
import { parseSigningSecret } from '../platform/crypto/standard-webhooks';
import type { InboundSource } from './connections/connections-store';
import { sourceSecretContext } from './connections/source-secret';

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

export function createSourceKeyCache(cipher: SecretCipher) {
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

  return async function keysOf(source: InboundSource): Promise<SourceKeys> {
    const decrypted = await Promise.allSettled(source.secrets.map((ciphertext) => keyOf(source, ciphertext)));
    const keys = decrypted.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failed = decrypted.find((outcome) => outcome.status === 'rejected');
    return failed ? { keys, undecryptable: failed.reason } : { keys };
  };
}
