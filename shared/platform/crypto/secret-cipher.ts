import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EndpointSecretsKey } from '../config';
import { ConfigurationError } from '../errors';

/**
 * Encryption at rest for tenants' endpoint signing secrets. In AWS each secret is encrypted with a
 * KMS key; on a laptop with AES-256-GCM under a local key. Both bind the ciphertext to its endpoint
 * through the encryption context (KMS) or additional authenticated data (local), so a ciphertext
 * copied onto another tenant's endpoint does not decrypt.
 *
 * This module loads no AWS SDK, so the ingest path can decrypt through the lean KMS client; the
 * SDK-backed cipher is in kms-secret-cipher.ts (an SDK import an ESM bundle keeps even when unused,
 * since the runtime's SDK is external).
 */
export interface SecretCipher {
  encrypt(plaintext: string, context: Readonly<Record<string, string>>): Promise<string>;
  decrypt(ciphertext: string, context: Readonly<Record<string, string>>): Promise<string>;
}

export const KMS_PREFIX = 'kms:v1:';
const LOCAL_PREFIX = 'local:v1:';

/** The decrypting half, all the ingest path needs (source secrets). */
export type SecretDecipher = Pick<SecretCipher, 'decrypt'>;

/** KMS `Decrypt` over bytes: the SDK's client here, or the lean one of the ingest path (aws/lean-kms.ts). */
export type KmsDecrypt = (request: {
  readonly keyId: string;
  readonly ciphertext: Uint8Array;
  readonly context: Record<string, string>;
}) => Promise<Uint8Array | undefined>;

export function kmsDecipher(kmsDecrypt: () => KmsDecrypt, keyId: string): SecretDecipher {
  return {
    async decrypt(ciphertext, context) {
      if (!ciphertext.startsWith(KMS_PREFIX)) throw new ConfigurationError('Stored secret was not encrypted with KMS');
      const plaintext = await kmsDecrypt()({
        keyId,
        ciphertext: Buffer.from(ciphertext.slice(KMS_PREFIX.length), 'base64'),
        context: { ...context },
      });
      if (!plaintext) throw new Error('KMS returned no plaintext');
      return Buffer.from(plaintext).toString('utf8');
    },
  };
}

/** AES-256-GCM; the key is derived from any string of key material (the local runtime's DEV key). */
export function createLocalCipher(keyMaterial: string): SecretCipher {
  if (keyMaterial.length < 16)
    throw new ConfigurationError('The local endpoint-secrets key must be at least 16 characters');
  const key = createHash('sha256').update(keyMaterial, 'utf8').digest();
  const aad = (context: Readonly<Record<string, string>>) =>
    Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b))));
  return {
    async encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(context));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return LOCAL_PREFIX + [iv, sealed, cipher.getAuthTag()].map((part) => part.toString('base64')).join('.');
    },
    async decrypt(ciphertext, context) {
      const [iv, sealed, tag] = ciphertext.startsWith(LOCAL_PREFIX)
        ? ciphertext
            .slice(LOCAL_PREFIX.length)
            .split('.')
            .map((part) => Buffer.from(part, 'base64'))
        : [];
      if (!iv || !sealed || !tag) throw new ConfigurationError('Stored secret was not encrypted with the local key');
      const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(aad(context)).setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * Decrypting only, with KMS reached through `kmsDecrypt` (the lean client on the ingest path, so its
 * bundle holds no KMS SDK); the local key as in `createSecretCipher`.
 */
export function createSecretDecipher(key: EndpointSecretsKey, kmsDecrypt: () => KmsDecrypt): SecretDecipher {
  return key.kind === 'kms' ? kmsDecipher(kmsDecrypt, key.keyId) : createLocalCipher(key.keyMaterial);
}
