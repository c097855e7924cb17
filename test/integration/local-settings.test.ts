import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sweepExpired } from '../../infra/local/ttl-sweep';
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { s3ClientOptions } from '../../shared/platform/aws/s3-client';
import { BUCKETS, ENDPOINT_SECRETS_KEY, TABLES } from '../../shared/platform/topology';
import { newEndpointRecord } from '../../shared/outbound/endpoint';
import { createEndpointsStore } from '../../shared/outbound/endpoints-store';
import { createLocalCipher } from '../../shared/platform/crypto/secret-cipher';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { eventually, token } from '../support/local-system';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * The local runtime respects what the user set: an explicit ALLOWED_PRIVATE_CIDRS replaces the
 * development default (loopback /8), and the gateway answers only requests addressed to it.
 */
describe('Integration: local runtime settings and Host check', () => {
  let system: LocalSystem;
  let allowed: Receiver;
  let outside: Server;
  let outsideHits = 0;

  beforeAll(async () => {
    allowed = await startReceiver();
    outside = createServer((_request, response) => {
      outsideHits += 1;
      response.end('ok');
    });
    await new Promise<void>((resolve) => outside.listen(0, '127.0.0.2', resolve));
    system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      env: { ALLOWED_PRIVATE_CIDRS: '127.0.0.1/32', LOCAL_ALLOWED_HOSTS: 'tunnel.example.dev' },
    });
  });

  afterAll(async () => {
    await system?.stop();
    await allowed?.close();
    await new Promise((resolve) => outside?.close(resolve));
  });

  async function createEndpoint(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${system.url}/v1/orgs/org_cidr/webhooks/endpoints`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token(system, 'org_cidr', 'admin')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ url, eventTypes: ['*'] }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  function statusWithHost(host: string, path = '/v1/openapi.json'): Promise<number> {
    const { port } = new URL(system.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(port), path, headers: { host } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it(
    'gives the functions the allowlist the user set, not the development default, and keeps the ' +
      'plain-http default',
    () => {
      expect(system.env.ALLOWED_PRIVATE_CIDRS).toBe('127.0.0.1/32');
      expect(system.env.ALLOW_HTTP_ENDPOINTS).toBe('true');
    },
  );

  it('refuses an endpoint on 127.0.0.2 without dialling it, and delivers to 127.0.0.1', async () => {
    const { port } = outside.address() as AddressInfo;
    const refused = await createEndpoint(`http://127.0.0.2:${port}/hook`);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('127.0.0.2');
    const accepted = await createEndpoint(`${allowed.baseUrl}/hook`);
    expect(accepted.status).toBe(201);
    const test = await fetch(`${system.url}/v1/orgs/org_cidr/webhooks/endpoints/${String(accepted.body.id)}/test`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token(system, 'org_cidr', 'admin')}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(test.status).toBeLessThan(300);
    await eventually(async () => (allowed.requestsTo('/hook').length > 0 ? true : undefined));
    expect(outsideHits).toBe(0);
  });

  it(
    'does not dial an endpoint on 127.0.0.2 stored while the allowlist was wider: its delivery is refused ' +
      'and recorded',
    async () => {
      const { port } = outside.address() as AddressInfo;
      // As the API stored it under the development default (loopback /8), before the user narrowed it.
      const documents = createDocumentClient(system.env);
      const endpointId = 'ep_allowlist_narrowed';
      const endpoint = await newEndpointRecord(
        {
          owner: 'org_cidr',
          endpointId,
          url: `http://127.0.0.2:${port}/hook`,
          eventTypes: ['*'],
          at: new Date().toISOString(),
        },
        generateSigningSecret(),
        createLocalCipher(system.env[ENDPOINT_SECRETS_KEY.localKeyEnvVar]!),
      );
      expect(await createEndpointsStore(documents, system.env[TABLES.webhooks.envVar]!).create(endpoint)).toBe(
        'created',
      );
      documents.destroy();
      const admin = { authorization: `Bearer ${await token(system, 'org_cidr', 'admin')}` };
      const test = await fetch(`${system.url}/v1/orgs/org_cidr/webhooks/endpoints/${endpointId}/test`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(test.status).toBeLessThan(300);
      const refused = await eventually(async () => {
        const page = await fetch(`${system.url}/v1/orgs/org_cidr/webhooks/endpoints/${endpointId}/attempts`, {
          headers: admin,
        });
        const { items } = (await page.json()) as { items: { status: string; error?: unknown }[] };
        return items.find((attempt) => attempt.status === 'failed');
      });
      expect(refused.error).toMatchObject({ kind: 'ssrf_blocked', message: expect.stringContaining('127.0.0.2') });
      expect(outsideHits).toBe(0);
    },
  );

  it(
    'answers 421 to a foreign Host, and serves loopback names with its port and the tunnel host the ' + 'user named',
    async () => {
      const { port } = new URL(system.url);
      expect(await statusWithHost('rebound.attacker.example')).toBe(421);
      expect(await statusWithHost(`rebound.attacker.example:${port}`)).toBe(421);
      expect(await statusWithHost('127.0.0.1:1')).toBe(421);
      // Past the Host check: the JWT authorizer answers 401 (no token).
      expect(await statusWithHost(`127.0.0.1:${port}`)).toBe(401);
      expect(await statusWithHost(`localhost:${port}`)).toBe(401);
      expect(await statusWithHost(`[::1]:${port}`)).toBe(401);
      expect(await statusWithHost('tunnel.example.dev')).toBe(401);
    },
  );

  it('deletes expired items and old bodies itself, as DynamoDB TTL and S3 lifecycle would', async () => {
    const documents = createDocumentClient(system.env);
    const s3 = new S3Client(s3ClientOptions(system.env));
    const table = TABLES.inbound.localName;
    const now = Math.floor(Date.now() / 1000);
    const item = (id: string, expiresAt: number) => ({ pk: `INBOUND#${id}`, sk: 'EVENT', expiresAt });
    await documents.send(new PutCommand({ TableName: table, Item: item('expired', now - 1) }));
    await documents.send(new PutCommand({ TableName: table, Item: item('current', now + 3_600) }));
    const bucket = BUCKETS.inboundBodies.localName;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ie_sweep/req', Body: 'large body' }));

    const swept = await sweepExpired({ documents, s3 });
    expect(swept.items).toBeGreaterThanOrEqual(1);
    const get = (id: string) =>
      documents.send(new GetCommand({ TableName: table, Key: { pk: `INBOUND#${id}`, sk: 'EVENT' } }));
    expect((await get('expired')).Item).toBeUndefined();
    expect((await get('current')).Item).toBeDefined();
    expect((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ie_sweep/req' }))).Body).toBeDefined();

    const later = new Date(Date.now() + (BUCKETS.inboundBodies.expireAfterDays + 1) * 86_400_000);
    expect((await sweepExpired({ documents, s3 }, later)).objects).toBe(1);
    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ie_sweep/req' }))).rejects.toThrow();
    documents.destroy();
    s3.destroy();
  });
});
