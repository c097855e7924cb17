import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { EndpointSecretsKey } from '../config';
import { createLocalCipher, KMS_PREFIX, kmsDecipher, type KmsDecrypt, type SecretCipher } from './secret-cipher';

/** Endpoint and token secrets through the SDK's KMS client (every function but the ingest ones). */

function createKmsCipher(kms: () => KMSClient, keyId: string): SecretCipher {
  let client: KMSClient | undefined;
  const kmsClient = () => (client ??= kms());
  const sdkDecrypt: KmsDecrypt = async ({ keyId: id, ciphertext, context }) =>
    (await kmsClient().send(new DecryptCommand({ KeyId: id, CiphertextBlob: ciphertext, EncryptionContext: context })))
      .Plaintext;
  return {
    async encrypt(plaintext, context) {
      const result = await kmsClient().send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(plaintext, 'utf8'),
          EncryptionContext: { ...context },
        }),
      );
      if (!result.CiphertextBlob) throw new Error('KMS returned no ciphertext');
      return KMS_PREFIX + Buffer.from(result.CiphertextBlob).toString('base64');
    },
    ...kmsDecipher(() => sdkDecrypt, keyId),
  };
}

/** The cipher the configuration asks for. */
export function createSecretCipher(key: EndpointSecretsKey, kms: () => KMSClient): SecretCipher {
  return key.kind === 'kms' ? createKmsCipher(kms, key.keyId) : createLocalCipher(key.keyMaterial);
}
