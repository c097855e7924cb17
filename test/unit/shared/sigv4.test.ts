import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createSigner, type SigningCredentials } from '../../../shared/platform/aws/sigv4';

/** The SDK's own signer, with node:crypto hashes, as the reference the lean signer must match. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

async function reference(credentials: SigningCredentials, host: string, path: string, body: string, now: Date) {
  const sha256 = Sha256 as unknown as ConstructorParameters<typeof SignatureV4>[0]['sha256'];
  const signer = new SignatureV4({ service: 'sqs', region: 'eu-west-1', credentials, sha256 });
  const [hostname, port] = host.split(':');
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: hostname as string,
      ...(port && { port: Number(port) }),
      path,
      query: {},
      headers: { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body,
    },
    { signingDate: now },
  );
  return signed.headers;
}

describe('SigV4 signer of the lean AWS client', () => {
  const now = new Date('2026-12-06T19:30:45.123Z');
  const body = '{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/123456789012/q","MessageBody":"{\\"a\\":\\"Café\\"}"}';

  it.each([
    ['long-term keys', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }],
    [
      'Lambda session credentials',
      { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret/key+1', sessionToken: 'IQoJb3JpZ2luX2VjE//token==' },
    ],
  ])('signs exactly as @smithy/signature-v4 does, with %s', async (_label, credentials: SigningCredentials) => {
    const sign = createSigner();
    for (const [host, path] of [
      ['sqs.eu-west-1.amazonaws.com', '/'],
      ['127.0.0.1:4566', '/'],
    ] as const) {
      const ours = sign({
        credentials,
        region: 'eu-west-1',
        service: 'sqs',
        host,
        path,
        contentType: 'application/x-amz-json-1.0',
        target: 'AmazonSQS.SendMessage',
        body,
        now,
      });
      const theirs = await reference(credentials, host, path, body, now);
      expect(ours.authorization).toBe(theirs.authorization);
      expect(ours['x-amz-date']).toBe(theirs['x-amz-date']);
      expect(ours['x-amz-security-token']).toBe(theirs['x-amz-security-token']);
    }
  });
});
