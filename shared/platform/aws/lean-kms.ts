import type { KmsDecrypt } from '../crypto/secret-cipher';
import { createJsonProtocolClient, type JsonProtocolClient, type JsonProtocolOptions } from './json-protocol';

/**
 * KMS `Decrypt` without the SDK, for the sources ingest (it decrypts a source's signing secret once
 * per warm function and rotation; the SDK's KMS client would be ≈ 250 KB of its bundle with the
 * shared SDK core). Blobs travel base64-encoded, as the JSON protocol carries them. Cross-tested
 * against the SDK's KMSClient in test/integration/lean-kms.test.ts.
 */

export const KMS_JSON_PROTOCOL = {
  signingName: 'kms',
  targetPrefix: 'TrentService',
  jsonVersion: '1.1',
  endpointService: 'KMS',
} as const;

export function leanKmsDecrypt(client: JsonProtocolClient | JsonProtocolOptions = {}): KmsDecrypt {
  const kms = 'call' in client ? client : createJsonProtocolClient(KMS_JSON_PROTOCOL, client);
  return async ({ keyId, ciphertext, context }) => {
    const request = JSON.stringify({
      KeyId: keyId,
      CiphertextBlob: Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength).toString('base64'),
      EncryptionContext: context,
    });
    const answer = await kms.call<{ Plaintext?: unknown }>('Decrypt', request);
    return typeof answer.Plaintext === 'string' ? new Uint8Array(Buffer.from(answer.Plaintext, 'base64')) : undefined;
  };
}
