import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leanSecretReader } from '../../shared/platform/aws/lean-secret-reader';
import { sdkSecretReader } from '../../shared/platform/aws/secrets-manager-client';
import { createSecretList } from '../../shared/platform/secrets';

/**
 * No Secrets Manager emulator exists, so a tiny loopback server answers GetSecretValue the way the
 * real service does (AWS JSON 1.1), and the real SDK client talks to it through its endpoint variable.
 */
describe('Integration: secrets from Secrets Manager through the real SDK client', () => {
  let server: Server;
  let endpoint: string;
  let secretString = 'whsec_first';
  const requests: { target: string | undefined; secretId: unknown }[] = [];
  const signedHeaders: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const input = JSON.parse(body) as { SecretId?: unknown };
        requests.push({ target: request.headers['x-amz-target'] as string | undefined, secretId: input.SecretId });
        signedHeaders.push(/SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))?.[1] ?? '');
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            ARN: String(input.SecretId),
            Name: 'stripe',
            SecretString: secretString,
            VersionId: 'v1',
            CreatedDate: 1_700_000_000,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads, caches and picks up a rotated secret on refresh', async () => {
    let now = 0;
    const secrets = createSecretList({
      location: { kind: 'secretsManager', secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe' },
      read: sdkSecretReader({ AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint, AWS_REGION: 'us-east-1' }),
      now: () => now,
    });
    expect(await secrets.current()).toEqual(['whsec_first']);
    expect(await secrets.current()).toEqual(['whsec_first']);
    expect(requests).toEqual([
      {
        target: 'secretsmanager.GetSecretValue',
        secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe',
      },
    ]);

    secretString = 'whsec_second,whsec_first';
    now = 60_000;
    expect(await secrets.refresh()).toEqual(['whsec_second', 'whsec_first']);
    expect(requests).toHaveLength(2);
  });

  it('reads the same secret through the lean reader of the ingest functions as through the SDK', async () => {
    const env = { AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint, AWS_REGION: 'us-east-1' };
    const secretId = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shopify';
    requests.length = 0;
    secretString = 'shpss_a,shpss_b';
    const [fromSdk, fromLean] = [await sdkSecretReader(env)(secretId), await leanSecretReader({ env })(secretId)];
    expect(fromLean).toBe(fromSdk);
    expect(fromLean).toBe('shpss_a,shpss_b');
    expect(requests).toEqual([
      { target: 'secretsmanager.GetSecretValue', secretId },
      { target: 'secretsmanager.GetSecretValue', secretId },
    ]);
    expect(signedHeaders[0]).toEqual(signedHeaders[1]);
  });
});
