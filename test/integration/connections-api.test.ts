import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createConnectionsStore, type ConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { sourceSecretContext } from '../../shared/inbound/connections/source-secret';
import { betterdataSignatureHeader } from '../../shared/platform/crypto/betterdata-signature';
import { parseSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { createLocalCipher } from '../../shared/platform/crypto/secret-cipher';
import type { QueuedWebhook } from '../../shared/inbound/queued-webhook';
import { ENDPOINT_SECRETS_KEY, TABLES } from '../../shared/platform/topology';
import { fixtureBytes } from '../support/fixtures';
import { callApi, sqsClient, token } from '../support/local-system';
import { connectByOAuth } from '../support/oauth';

/**
 * The connections API end to end on the local runtime: real HTTP through the gateway's JWT check,
 * the DynamoDB store on dynalite, replay onto the catalog queue on fauxqs, and source secrets
 * encrypted with the local key. Events are written straight through the store where the ingest
 * functions would write them.
 */

const DAY_MS = 86_400_000;

describe('Integration: the connections API through the local runtime', () => {
  let system: LocalSystem;
  let store: ConnectionsStore;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, memory: true, quiet: true });
    const documents = createDocumentClient({
      AWS_ENDPOINT_URL_DYNAMODB: system.dynamodbEndpoint,
      AWS_REGION: 'us-east-1',
    });
    store = createConnectionsStore(documents, system.env[TABLES.connections.envVar]!);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const call = (method: string, path: string, options: { bearer?: string; body?: unknown } = {}) =>
    callApi(system, method, path, options);

  const admin = (orgId: string) => token(system, orgId, 'admin');
  const member = (orgId: string) => token(system, orgId, 'member');
  const connections = (orgId: string) => `/v1/orgs/${orgId}/connections`;

  it('connects by OAuth, lists and disconnects a Square merchant and a Shopify shop', async () => {
    const bearer = await admin('org_conn_1');
    expect((await connectByOAuth(system, 'org_conn_1', 'square', 'MLCONN1')).searchParams.get('connected')).toBe(
      'square',
    );
    expect(
      (await connectByOAuth(system, 'org_conn_1', 'shopify', 'Conn-One.myshopify.com')).searchParams.get('connected'),
    ).toBe('shopify');

    const listed = await call('GET', connections('org_conn_1'), { bearer: await member('org_conn_1') });
    expect(listed).toMatchObject({
      status: 200,
      body: {
        square: {
          merchantId: 'MLCONN1',
          provider: 'square',
          account: 'MLCONN1',
          state: 'active',
          notificationUrl: null,
        },
        shopify: { shopDomain: 'conn-one.myshopify.com', provider: 'shopify', state: 'active' },
        sources: [],
      },
    });
    await expect(store.connectionOf('shopify', 'conn-one.myshopify.com')).resolves.toMatchObject({
      orgId: 'org_conn_1',
    });

    expect((await call('DELETE', `${connections('org_conn_1')}/square`, { bearer })).status).toBe(204);
    expect((await call('DELETE', `${connections('org_conn_1')}/square`, { bearer })).status).toBe(404);
    expect((await call('DELETE', `${connections('org_conn_1')}/shopify`, { bearer })).status).toBe(204);
    expect((await call('DELETE', `${connections('org_conn_1')}/stripe`, { bearer })).status).toBe(404);
    expect((await call('GET', connections('org_conn_1'), { bearer })).body).toEqual({
      square: null,
      shopify: null,
      sources: [],
    });
    await expect(store.connectionOf('square', 'MLCONN1')).resolves.toBeUndefined();
  });

  it('connects nothing by assertion: the old PUTs answer 405 problem+json, even for an unclaimed account', async () => {
    const bearer = await admin('org_conn_2b');
    const square = await call('PUT', `${connections('org_conn_2b')}/square`, {
      bearer,
      body: { merchantId: 'MLUNCLAIMED', notificationUrl: 'https://example.com/square' },
    });
    const shopify = await call('PUT', `${connections('org_conn_2b')}/shopify`, {
      bearer,
      body: { shopDomain: 'unclaimed.myshopify.com' },
    });
    for (const response of [square, shopify])
      expect(response).toMatchObject({ status: 405, body: { code: 'use_oauth' } });
    await expect(store.connectionOf('square', 'MLUNCLAIMED')).resolves.toBeUndefined();
    await expect(store.connectionOf('shopify', 'unclaimed.myshopify.com')).resolves.toBeUndefined();
  });

  it('names each invalid field with 422 and answers 400 to a body that is not JSON', async () => {
    const bearer = await admin('org_conn_4');
    const shopify = await call('POST', `${connections('org_conn_4')}/shopify/authorize`, {
      bearer,
      body: { shop: 'shop.example.com' },
    });
    expect(shopify).toMatchObject({
      status: 422,
      body: { errors: [{ field: 'shop', message: 'must be a shop domain like example.myshopify.com' }] },
    });
    const extra = await call('POST', `${connections('org_conn_4')}/square/authorize`, {
      bearer,
      body: { merchantId: 'X' },
    });
    expect(extra).toMatchObject({ status: 422, body: { errors: [{ field: 'merchantId' }] } });
    const source = await call('PUT', `${connections('org_conn_4')}/sources/Not%20Valid`, { bearer });
    expect(source).toMatchObject({ status: 422, body: { errors: [{ field: 'sourceId' }] } });
    expect(
      (await call('POST', `${connections('org_conn_4')}/shopify/authorize`, { bearer, body: '{"shop":' })).status,
    ).toBe(400);
  });

  it('lets a member read but not connect, disconnect or issue source secrets (403)', async () => {
    const bearer = await member('org_conn_5');
    expect((await call('GET', connections('org_conn_5'), { bearer })).status).toBe(200);
    expect((await call('POST', `${connections('org_conn_5')}/square/authorize`, { bearer, body: {} })).status).toBe(
      403,
    );
    expect(
      (
        await call('POST', `${connections('org_conn_5')}/shopify/authorize`, {
          bearer,
          body: { shop: 'member.myshopify.com' },
        })
      ).status,
    ).toBe(403);
    expect((await call('DELETE', `${connections('org_conn_5')}/square`, { bearer })).status).toBe(403);
    expect((await call('PUT', `${connections('org_conn_5')}/sources/member-src`, { bearer })).status).toBe(403);
  });

  it("answers 404 on every route to another organisation's token", async () => {
    const owner = await admin('org_conn_6');
    await connectByOAuth(system, 'org_conn_6', 'square', 'MLSIX');
    await call('PUT', `${connections('org_conn_6')}/sources/six-src`, { bearer: owner });
    const stranger = await admin('org_conn_6x');

    const responses = await Promise.all([
      call('GET', connections('org_conn_6'), { bearer: stranger }),
      call('PUT', `${connections('org_conn_6')}/square`, {
        bearer: stranger,
        body: { merchantId: 'MLSIX', notificationUrl: 'https://example.com/square' },
      }),
      call('PUT', `${connections('org_conn_6')}/shopify`, {
        bearer: stranger,
        body: { shopDomain: 'six.myshopify.com' },
      }),
      call('DELETE', `${connections('org_conn_6')}/square`, { bearer: stranger }),
      call('PUT', `${connections('org_conn_6')}/sources/six-src`, { bearer: stranger }),
      call('GET', `${connections('org_conn_6')}/sources/six-src/events`, { bearer: stranger }),
    ]);

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expect((await call('GET', connections('org_conn_6'), { bearer: owner })).body).toMatchObject({
      square: { merchantId: 'MLSIX' },
      sources: [{ sourceId: 'six-src' }],
    });
  });

  it('shows a source secret only when it is issued, stores it encrypted, and rotates it', async () => {
    const bearer = await admin('org_conn_7');
    const created = await call('PUT', `${connections('org_conn_7')}/sources/erp-feed`, { bearer });
    expect(created).toMatchObject({
      status: 201,
      body: {
        sourceId: 'erp-feed',
        url: '/webhooks/sources/erp-feed',
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]+$/),
        createdAt: expect.any(String),
      },
    });
    const secret = created.body.secret as string;

    const listed = await call('GET', connections('org_conn_7'), { bearer });
    expect(listed.body.sources).toEqual([
      { sourceId: 'erp-feed', url: '/webhooks/sources/erp-feed', createdAt: created.body.createdAt },
    ]);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain('whsec_');

    const stored = await store.getSource('erp-feed');
    const cipher = createLocalCipher(system.env[ENDPOINT_SECRETS_KEY.localKeyEnvVar]!);
    expect(stored?.secrets).toHaveLength(1);
    expect(stored?.secrets[0]).not.toContain(secret);
    await expect(cipher.decrypt(stored!.secrets[0]!, sourceSecretContext('org_conn_7', 'erp-feed'))).resolves.toBe(
      secret,
    );

    const rotated = await call('PUT', `${connections('org_conn_7')}/sources/erp-feed`, { bearer });
    expect(rotated).toMatchObject({ status: 200, body: { sourceId: 'erp-feed', createdAt: created.body.createdAt } });
    expect(rotated.body.secret).not.toBe(secret);
    const after = await store.getSource('erp-feed');
    await expect(cipher.decrypt(after!.secrets[0]!, sourceSecretContext('org_conn_7', 'erp-feed'))).resolves.toBe(
      rotated.body.secret,
    );
    expect(after?.secrets).toHaveLength(1);

    const elsewhere = await call('PUT', `${connections('org_conn_7x')}/sources/erp-feed`, {
      bearer: await admin('org_conn_7x'),
    });
    expect(elsewhere).toMatchObject({ status: 409, body: { code: 'source_id_unavailable' } });
    expect(elsewhere.text).not.toContain('org_conn_7');
    await expect(store.getSource('erp-feed')).resolves.toMatchObject({ orgId: 'org_conn_7', secrets: after?.secrets });
  });

  it('keeps a replaced source secret verifying for the grace period, and retires it at once with grace 0', async () => {
    const bearer = await admin('org_conn_grace');
    const path = `${connections('org_conn_grace')}/sources/grace-src`;
    const first = String((await call('PUT', path, { bearer })).body.secret);
    const signedPost = async (secret: string) => {
      const body = JSON.stringify({ hello: 'grace' });
      const signature = betterdataSignatureHeader([parseSigningSecret(secret)], Math.floor(Date.now() / 1000), body);
      const response = await fetch(`${system.url}/webhooks/sources/grace-src`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-betterdata-signature': signature },
        body,
      });
      return response.status;
    };
    expect(await signedPost(first)).toBe(200);

    const second = await call('PUT', path, { bearer, body: { gracePeriodSeconds: 3_600 } });
    expect(second.status).toBe(200);
    expect(await signedPost(String(second.body.secret))).toBe(200);
    expect(await signedPost(first)).toBe(200);
    expect((await store.getSource('grace-src'))?.retiredSecrets).toEqual([
      { ciphertext: expect.any(String), expiresAt: expect.any(String) },
    ]);

    const third = await call('PUT', path, { bearer, body: { gracePeriodSeconds: 0 } });
    expect(await signedPost(String(third.body.secret))).toBe(200);
    expect(await signedPost(String(second.body.secret))).toBe(400);
    expect(await signedPost(first)).toBe(400);
    expect((await call('PUT', path, { bearer, body: { gracePeriodSeconds: -1 } })).status).toBe(422);
  });

  it("lists a source's events of the last 30 days, newest first, page by page", async () => {
    const bearer = await admin('org_conn_8');
    expect((await call('PUT', `${connections('org_conn_8')}/sources/events-src`, { bearer })).status).toBe(201);
    const now = Date.now();
    const at = (ageMs: number) => new Date(now - ageMs).toISOString();
    const events = [
      { id: 'ev_10d', receivedAt: at(10 * DAY_MS), body: { n: 3 } },
      { id: 'ev_1m', receivedAt: at(60_000), body: { n: 1 } },
      { id: 'ev_31d', receivedAt: at(31 * DAY_MS), body: { n: 0 } },
      { id: 'ev_2h', receivedAt: at(2 * 3_600_000), body: { n: 2 } },
    ];
    for (const event of events) {
      await store.recordSourceEvent({
        ...event,
        sourceId: 'events-src',
        body: JSON.stringify(event.body),
        expiresAt: Math.floor(Date.parse(event.receivedAt) / 1000) + 30 * 86_400,
      });
    }
    const path = `${connections('org_conn_8')}/sources/events-src/events`;
    const reader = await member('org_conn_8');

    const first = await call('GET', `${path}?limit=2`, { bearer: reader });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      { id: 'ev_1m', receivedAt: at(60_000), body: { n: 1 } },
      { id: 'ev_2h', receivedAt: at(2 * 3_600_000), body: { n: 2 } },
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const second = await call('GET', `${path}?limit=2&cursor=${encodeURIComponent(first.body.nextCursor as string)}`, {
      bearer: reader,
    });
    expect(second.body.items?.map((item) => item.id)).toEqual(['ev_10d']);
    expect(second.body.nextCursor).toBeNull();

    const all = await call('GET', path, { bearer: reader });
    expect(all.body.items?.map((item) => item.id)).toEqual(['ev_1m', 'ev_2h', 'ev_10d']);
  });

  it("refuses a cursor minted for another source, and another source's events are 404", async () => {
    const bearer = await admin('org_conn_9');
    await call('PUT', `${connections('org_conn_9')}/sources/nine-a`, { bearer });
    await call('PUT', `${connections('org_conn_9x')}/sources/nine-b`, { bearer: await admin('org_conn_9x') });
    for (const id of ['1', '2'])
      await store.recordSourceEvent({
        id,
        sourceId: 'nine-b',
        receivedAt: new Date().toISOString(),
        body: '{}',
        expiresAt: 0,
      });
    const page = await call('GET', `${connections('org_conn_9x')}/sources/nine-b/events?limit=1`, {
      bearer: await admin('org_conn_9x'),
    });

    const foreign = await call(
      'GET',
      `${connections('org_conn_9')}/sources/nine-a/events?cursor=${encodeURIComponent(page.body.nextCursor as string)}`,
      { bearer },
    );
    expect(foreign.status).toBe(400);
    expect((await call('GET', `${connections('org_conn_9')}/sources/nine-b/events`, { bearer })).status).toBe(404);
    expect((await call('GET', `${connections('org_conn_9')}/sources/never-made/events`, { bearer })).status).toBe(404);
  });

  it('replays the events kept for a merchant onto the catalog queue once it is connected', async () => {
    const body = fixtureBytes('square.catalog.version.updated.json');
    const parsed = JSON.parse(body.toString('utf8')) as { event_id: string; merchant_id: string; type: string };
    const kept: QueuedWebhook = {
      source: 'square',
      eventId: parsed.event_id,
      eventType: parsed.type,
      receivedAt: new Date().toISOString(),
      correlationId: 'corr-replay-1',
      rawBodyBase64: body.toString('base64'),
      account: parsed.merchant_id,
    };
    await store.keepUnmatched('square', parsed.merchant_id, kept, 7);
    expect(await store.unmatched('square', parsed.merchant_id)).toEqual([kept]);

    const connected = await connectByOAuth(system, 'org_conn_10', 'square', parsed.merchant_id);
    expect(connected.searchParams.get('connected')).toBe('square');
    await expect(store.unmatched('square', parsed.merchant_id)).resolves.toEqual([]);
    // Best effort: the catalog consumer polls the same queue and may already have taken the message.
    const received = await sqsClient(system).send(
      new ReceiveMessageCommand({
        QueueUrl: system.queueUrls.catalog.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const replayed = (received.Messages ?? [])
      .map((message) => JSON.parse(message.Body ?? '{}') as QueuedWebhook)
      .filter((message) => message.eventId === kept.eventId);
    if (replayed.length > 0) expect(replayed).toEqual([kept]);
  });
});
