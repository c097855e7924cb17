import type { SecretCipher } from '../platform/crypto/secret-cipher';
import { parseSigningSecret } from '../platform/crypto/standard-webhooks';
import { secretContext, signingSecrets, type Endpoint } from './endpoint';

/**
 * The decoded signing keys of an endpoint. Decrypting costs a KMS call, so keys are cached per
 * ciphertext (each secret's ciphertext is unique, so a rotated secret is simply a new entry).
 */
export interface SigningKeys {
  keysFor(
    endpoint: Pick<Endpoint, 'orgId' | 'endpointId' | 'merchantId' | 'secrets'>,
    now: Date,
  ): Promise<Uint8Array[]>;
}

const MAX_CACHED_KEYS = 1_000;

export function createSigningKeys(cipher: SecretCipher): SigningKeys {
  const cache = new Map<string, Uint8Array>();
  return {
    async keysFor(endpoint, now) {
      return Promise.all(
        signingSecrets(endpoint, now).map(async ({ ciphertext }) => {
          const cached = cache.get(ciphertext);
          if (cached) return cached;
          const key = parseSigningSecret(await cipher.decrypt(ciphertext, secretContext(endpoint)));
          if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
          cache.set(ciphertext, key);
          return key;
        }),
      );
    },
  };
}
