import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKmsClient } from '../../shared/platform/aws/kms-client';
import { leanKmsDecrypt } from '../../shared/platform/aws/lean-kms';
import { createSecretCipher } from '../../shared/platform/crypto/kms-secret-cipher';
import { createSecretDecipher } from '../../shared/platform/crypto/secret-cipher';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startKmsSimulator, type KmsSimulator } from '../support/kms-simulator';

/**
 * The lean KMS Decrypt of the sources ingest against the SDK's KMSClient, both on a loopback KMS
 * (test/support/kms-simulator.ts; there is no KMS emulator): what the SDK encrypts the lean client
 * decrypts, through the same secret cipher the endpoints API encrypts source secrets with; a blob
 * under another encryption context fails alike; throttling and a 500 are retried like the SDK does.
 */

describe('Integration: lean KMS Decrypt against the SDK client', () => {
  let kms: KmsSimulator;
  let proxy: FaultProxy;
  let sdk: KMSClient;

  beforeAll(async () => {
    kms = await startKmsSimulator();
    proxy = await startFaultProxy(kms.endpoint, 'application/x-amz-json-1.1');
    sdk = createKmsClient({ AWS_ENDPOINT_URL_KMS: kms.endpoint, AWS_REGION: 'us-east-1' });
  });

  afterAll(async () => {
    await proxy?.close();
    await kms?.close();
  });

  const lean = (endpoint = kms.endpoint) =>
    leanKmsDecrypt({ env: { AWS_ENDPOINT_URL_KMS: endpoint, AWS_REGION: 'us-east-1' }, sleep: async () => {} });
  const context = { purpose: 'inbound-source-secret', orgId: 'org_1', sourceId: 'src_1' };

  async function sdkEncrypt(plaintext: string, encryptionContext: Record<string, string> = context) {
    const { CiphertextBlob } = await sdk.send(
      new EncryptCommand({
        KeyId: kms.keyArn,
        Plaintext: Buffer.from(plaintext),
        EncryptionContext: encryptionContext,
      }),
    );
    return CiphertextBlob as Uint8Array;
  }

  it('decrypts what the SDK encrypted to the same bytes the SDK decrypts', async () => {
    const ciphertext = await sdkEncrypt('whsec_c2VjcmV0LWJ5dGVzLWZvci10aGUtc291cmNl');
    const viaLean = await lean()({ keyId: kms.keyArn, ciphertext, context });
    const viaSdk = await sdk.send(
      new DecryptCommand({ KeyId: kms.keyArn, CiphertextBlob: ciphertext, EncryptionContext: context }),
    );
    expect(Buffer.from(viaLean as Uint8Array).toString()).toBe('whsec_c2VjcmV0LWJ5dGVzLWZvci10aGUtc291cmNl');
    expect(Buffer.from(viaLean as Uint8Array)).toEqual(Buffer.from(viaSdk.Plaintext as Uint8Array));
  });

  it('reads a source secret the SDK-backed cipher stored, through the ingest decipher', async () => {
    const key = { kind: 'kms', keyId: kms.keyArn } as const;
    const stored = await createSecretCipher(key, () => sdk).encrypt('whsec_AAECAwQFBgcICQ==', context);
    expect(stored).toMatch(/^kms:v1:/);
    const decipher = createSecretDecipher(key, () => lean());
    expect(await decipher.decrypt(stored, context)).toBe('whsec_AAECAwQFBgcICQ==');
    await expect(decipher.decrypt(stored, { ...context, orgId: 'org_2' })).rejects.toMatchObject({
      code: 'InvalidCiphertextException',
    });
    await expect(decipher.decrypt('local:v1:abc', context)).rejects.toThrow(/not encrypted with KMS/);
  });

  it('fails a blob under another encryption context with the SDK error code', async () => {
    const ciphertext = await sdkEncrypt('whsec_x');
    const other = { ...context, sourceId: 'src_2' };
    const leanError = await lean()({ keyId: kms.keyArn, ciphertext, context: other }).catch((error: unknown) => error);
    const sdkError = await sdk
      .send(new DecryptCommand({ KeyId: kms.keyArn, CiphertextBlob: ciphertext, EncryptionContext: other }))
      .catch((error: unknown) => error);
    expect(leanError).toMatchObject({ code: 'InvalidCiphertextException', statusCode: 400 });
    expect(sdkError).toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('retries throttling and a 500 like the SDK, then decrypts', async () => {
    const ciphertext = await sdkEncrypt('whsec_retry');
    const through = (client: 'lean' | 'sdk') =>
      client === 'lean'
        ? lean(proxy.endpoint)({ keyId: kms.keyArn, ciphertext, context })
        : createKmsClient({ AWS_ENDPOINT_URL_KMS: proxy.endpoint, AWS_REGION: 'us-east-1' })
            .send(new DecryptCommand({ KeyId: kms.keyArn, CiphertextBlob: ciphertext, EncryptionContext: context }))
            .then((answer) => answer.Plaintext);
    for (const client of ['lean', 'sdk'] as const) {
      proxy.targets.length = 0;
      proxy.faults.push(
        { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
        { status: 500, type: 'KMSInternalException', message: 'oops' },
      );
      expect(Buffer.from((await through(client)) as Uint8Array).toString()).toBe('whsec_retry');
      expect(proxy.targets).toEqual(Array(3).fill('TrentService.Decrypt'));
    }
  });
});
