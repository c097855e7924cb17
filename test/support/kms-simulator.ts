import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * No KMS emulator exists (the local runtime encrypts endpoint secrets with a local AES key instead), so
 * this loopback server answers KMS's `Encrypt` and `Decrypt` as the KMS API reference documents them
 * (AWS JSON 1.1, `TrentService.*`, blobs base64): the ciphertext is bound to its key and encryption
 * context, and a blob decrypted under another context is `InvalidCiphertextException`, an unknown key
 * `NotFoundException`. The real SDK client and the lean one both talk to it.
 */

export interface KmsSimulator {
  readonly endpoint: string;
  readonly keyArn: string;
  close(): Promise<void>;
}

type Answer = { status: number; body: Record<string, unknown> };
type Input = {
  KeyId?: string;
  Plaintext?: string;
  CiphertextBlob?: string;
  EncryptionContext?: Record<string, string>;
};

const failure = (status: number, type: string, message: string): Answer => ({
  status,
  body: { __type: type, message },
});
const contextAad = (context: Record<string, string> = {}) =>
  Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1))));

export async function startKmsSimulator(): Promise<KmsSimulator> {
  const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-8444-555555555555';
  const key = randomBytes(32);

  function encrypt(input: Input): Answer {
    if (input.KeyId !== keyArn) return failure(400, 'NotFoundException', `Key '${input.KeyId}' does not exist`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(contextAad(input.EncryptionContext));
    const sealed = Buffer.concat([cipher.update(Buffer.from(input.Plaintext ?? '', 'base64')), cipher.final()]);
    const blob = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    return { status: 200, body: { CiphertextBlob: blob, KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' } };
  }

  function decrypt(input: Input): Answer {
    if (input.KeyId !== undefined && input.KeyId !== keyArn)
      return failure(
        400,
        'IncorrectKeyException',
        'The key ID in the request does not identify the key that encrypted',
      );
    const blob = Buffer.from(input.CiphertextBlob ?? '', 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12))
        .setAAD(contextAad(input.EncryptionContext))
        .setAuthTag(blob.subarray(12, 28));
      const plaintext = Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('base64');
      return { status: 200, body: { Plaintext: plaintext, KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' } };
    } catch {
      return failure(400, 'InvalidCiphertextException', '');
    }
  }

  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target']);
      const input = JSON.parse(text || '{}') as Input;
      const answer =
        target === 'TrentService.Encrypt'
          ? encrypt(input)
          : target === 'TrentService.Decrypt'
            ? decrypt(input)
            : failure(400, 'UnknownOperationException', target);
      response
        .writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keyArn,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
