import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalToken } from '../../infra/local/jwt';
import {
  buildShopifyEvent,
  buildSquareEvent,
  loadShopifyFixture,
  loadSquareFixture,
} from '../../infra/local/provider-events';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { EVENT_CATALOG } from '../../shared/events/event-catalog';
import { openApiDocument, type OpenApiDocument } from '../../shared/openapi/document';
import { betterdataSignatureHeader } from '../../shared/platform/crypto/betterdata-signature';
import { parseSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { ENV } from '../../shared/platform/topology';
import { eventually, token } from '../support/local-system';
import { createOpenApiValidator } from '../support/openapi-validator';
import { respond, startReceiver, type Receiver } from '../support/receiver';
import { stripeEventPayload } from '../support/stripe-payloads';

/**
 * The OpenAPI contract against the running local runtime: every documented operation is called over
 * real HTTP — at least one success and one error each — and every answer's status, content type and
 * body are checked against the document's schema for that operation and status. The document is the
 * one the runtime serves at GET /v1/openapi.json.
 */

const SQUARE_KEY = 'contract-square-key';
const SHOPIFY_SECRET = 'contract-shopify-secret';
const ORG = 'org_contract';
const OTHER_ORG = 'org_contract_other';

describe('Integration: answers conform to the OpenAPI document', () => {
  let system: LocalSystem;
  let receiver: Receiver;
  let document: OpenApiDocument;
  let validator: ReturnType<typeof createOpenApiValidator>;
  let admin: string;
  let member: string;
  const exercised = new Map<string, { success: boolean; error: boolean }>();

  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.on('/contract', respond(200));
    system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      env: {
        [ENV.squareSignatureKey]: SQUARE_KEY,
        [ENV.shopifyApiSecret]: SHOPIFY_SECRET,
        DELIVERY_RETRY_SCHEDULE: '1s',
      },
    });
    admin = await token(system, ORG, 'admin');
    member = await token(system, ORG, 'member');
    const served = await fetch(`${system.url}/v1/openapi.json`, { headers: { authorization: `Bearer ${member}` } });
    expect(served.status).toBe(200);
    document = (await served.json()) as OpenApiDocument;
    validator = createOpenApiValidator(document);
  });

  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  });

  /** Calls `METHOD template` (ANY routes as POST) and checks the answer against the document. */
  async function call(
    method: string,
    template: string,
    options: {
      params?: Record<string, string>;
      query?: string;
      bearer?: string;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ) {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(options.params?.[name] ?? (name === 'orgId' ? ORG : `missing_${name}`)),
    );
    const raw =
      typeof options.body === 'string' || Buffer.isBuffer(options.body)
        ? options.body
        : options.body === undefined
          ? undefined
          : JSON.stringify(options.body);
    const response = await fetch(`${system.url}${path}${options.query ? `?${options.query}` : ''}`, {
      method,
      headers: {
        ...(options.bearer && { authorization: `Bearer ${options.bearer}` }),
        ...(raw !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(raw !== undefined && { body: raw }),
    });
    const text = await response.text();
    const answer = {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    expect(
      validator.check(method, template, answer),
      `${method} ${template} → ${answer.status} ${text.slice(0, 500)}`,
    ).toEqual([]);
    const key = `${method.toLowerCase()} ${template}`;
    const seen = exercised.get(key) ?? { success: false, error: false };
    if (answer.status < 300) seen.success = true;
    else seen.error = true;
    exercised.set(key, seen);
    return answer as {
      status: number;
      contentType: string | null;
      body: Record<string, unknown> & { items?: Record<string, unknown>[] };
    };
  }

  it('serves the document generated from the handlers’ schemas', () => {
    expect(document).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('documentation routes', async () => {
    const list = await call('GET', '/v1/webhooks/event-types', { bearer: await token(system, OTHER_ORG, 'member') });
    expect(list.status).toBe(200);
    expect(list.body.items!.map((item) => item.type)).toContain('import.completed');
    const one = await call('GET', '/v1/webhooks/event-types/{type}', {
      params: { type: 'import.completed' },
      bearer: member,
    });
    expect(one.body).toMatchObject({
      type: 'import.completed',
      description: EVENT_CATALOG['import.completed'].description,
      example: EVENT_CATALOG['import.completed'].example,
    });
    expect(
      (await call('GET', '/v1/webhooks/event-types/{type}', { params: { type: 'nope.nothing' }, bearer: member }))
        .status,
    ).toBe(404);
    expect((await call('GET', '/v1/webhooks/event-types', {})).status).toBe(401);
    await call('GET', '/v1/openapi.json', { bearer: member });
    expect((await call('GET', '/v1/openapi.json', {})).status).toBe(401);
  });

  it('Stripe receiver and the billing routes', async () => {
    const event = stripeEventPayload('customer.subscription.created', {
      orgId: ORG,
      plan: 'growth',
      created: Math.floor(Date.now() / 1000),
    });
    expect(
      (await call('POST', '/webhooks/stripe', { body: event.payload, headers: { 'stripe-signature': 'v1=nope' } }))
        .status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/webhooks/stripe', {
          body: event.payload,
          headers: { 'stripe-signature': stripeSignature(event.payload, system.stripeWebhookSecrets[0]!) },
        })
      ).body,
    ).toEqual({ received: true });

    await eventually(async () =>
      (await call('GET', '/v1/orgs/{orgId}/billing', { bearer: member })).status === 200 ? true : undefined,
    );
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/billing', {
          params: { orgId: OTHER_ORG },
          bearer: await token(system, OTHER_ORG, 'member'),
        })
      ).status,
    ).toBe(404);
    const audit = await eventually(async () => {
      const page = await call('GET', '/v1/orgs/{orgId}/audit', { bearer: member, query: 'limit=5' });
      return page.body.items!.length > 0 ? page : undefined;
    });
    expect(audit.status).toBe(200);
    expect((await call('GET', '/v1/orgs/{orgId}/audit', { bearer: member, query: 'limit=0' })).status).toBe(400);
    expect((await call('GET', '/v1/orgs/{orgId}/alerts', { bearer: admin })).status).toBe(200);
    expect((await call('GET', '/v1/orgs/{orgId}/alerts', { bearer: member })).status).toBe(403);
  });

  it('Square and Shopify receivers', async () => {
    const square = buildSquareEvent(loadSquareFixture('inventory.count.updated'), 'inventory.count.updated', {
      merchantId: 'MCONTRACT1',
      quantity: 2,
    });
    const squareSignature = createHmac('sha256', SQUARE_KEY)
      .update(system.squareNotificationUrl)
      .update(square.body)
      .digest('base64');
    expect(
      (
        await call('POST', '/api/webhooks/square', {
          body: square.body,
          headers: { 'x-square-hmacsha256-signature': squareSignature },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', '/api/webhooks/square', {
          body: square.body,
          headers: { 'x-square-hmacsha256-signature': 'AAAA' },
        })
      ).status,
    ).toBe(400);

    const shopify = buildShopifyEvent(loadShopifyFixture('products/create'), 'products/create', {
      shopDomain: 'contract-shop.myshopify.com',
    });
    const shopifySignature = createHmac('sha256', SHOPIFY_SECRET).update(shopify.body).digest('base64');
    expect(
      (
        await call('POST', '/api/webhooks/shopify', {
          body: shopify.body,
          headers: { ...shopify.headers, 'x-shopify-hmac-sha256': shopifySignature },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', '/api/webhooks/shopify', {
          body: shopify.body,
          headers: { 'x-shopify-hmac-sha256': shopifySignature },
        })
      ).status,
    ).toBe(400);
  });

  it('connections and the inbound source receiver', async () => {
    expect((await call('GET', '/v1/orgs/{orgId}/connections', { bearer: member })).status).toBe(200);
    expect(
      (await call('GET', '/v1/orgs/{orgId}/connections', { bearer: await token(system, OTHER_ORG, 'admin') })).status,
    ).toBe(404);
    expect(
      (
        await call('PUT', '/v1/orgs/{orgId}/connections/square', {
          bearer: admin,
          body: { merchantId: 'MCONTRACT1', notificationUrl: system.squareNotificationUrl },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT', '/v1/orgs/{orgId}/connections/square', {
          bearer: admin,
          body: { merchantId: 'not a merchant id!' },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call('PUT', '/v1/orgs/{orgId}/connections/shopify', {
          bearer: admin,
          body: { shopDomain: 'contract-shop.myshopify.com' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT', '/v1/orgs/{orgId}/connections/shopify', {
          bearer: member,
          body: { shopDomain: 'contract-shop.myshopify.com' },
        })
      ).status,
    ).toBe(403);
    expect((await call('GET', '/v1/orgs/{orgId}/connections', { bearer: member })).body).toMatchObject({
      square: { merchantId: 'MCONTRACT1' },
      shopify: { shopDomain: 'contract-shop.myshopify.com' },
    });
    expect(
      (
        await call('DELETE', '/v1/orgs/{orgId}/connections/{provider}', {
          params: { provider: 'shopify' },
          bearer: admin,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await call('DELETE', '/v1/orgs/{orgId}/connections/{provider}', {
          params: { provider: 'shopify' },
          bearer: admin,
        })
      ).status,
    ).toBe(404);

    const created = await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
      params: { sourceId: 'contract-src' },
      bearer: admin,
    });
    expect(created.status).toBe(201);
    expect(
      (
        await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
          params: { sourceId: 'contract-src' },
          bearer: admin,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
          params: { sourceId: 'Not_Valid!' },
          bearer: admin,
        })
      ).status,
    ).toBe(422);
    const rotated = await call('GET', '/v1/orgs/{orgId}/connections', { bearer: member });
    expect(rotated.status).toBe(200);

    const secret = (
      await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
        params: { sourceId: 'contract-src' },
        bearer: admin,
      })
    ).body.secret as string;
    const body = JSON.stringify({ hello: 'world' });
    const signature = betterdataSignatureHeader([parseSigningSecret(secret)], Math.floor(Date.now() / 1000), body);
    expect(
      (
        await call('POST', '/webhooks/sources/{sourceId}', {
          params: { sourceId: 'contract-src' },
          body,
          headers: { 'x-betterdata-signature': signature },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', '/webhooks/sources/{sourceId}', {
          params: { sourceId: 'contract-unknown' },
          body,
          headers: { 'x-betterdata-signature': signature },
        })
      ).status,
    ).toBe(404);

    const events = await eventually(async () => {
      const page = await call('GET', '/v1/orgs/{orgId}/connections/sources/{sourceId}/events', {
        params: { sourceId: 'contract-src' },
        bearer: member,
      });
      return page.body.items!.length > 0 ? page : undefined;
    });
    expect(events.body.items![0]).toMatchObject({ body: { hello: 'world' } });
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/connections/sources/{sourceId}/events', {
          params: { sourceId: 'contract-unknown' },
          bearer: member,
        })
      ).status,
    ).toBe(404);
  });

  it('catalog routes', async () => {
    expect(
      (await call('GET', '/v1/orgs/{orgId}/catalog/items', { bearer: member, query: 'source=square&limit=10' })).status,
    ).toBe(200);
    expect((await call('GET', '/v1/orgs/{orgId}/catalog/items', { bearer: member, query: 'source=ebay' })).status).toBe(
      400,
    );
    expect((await call('GET', '/v1/orgs/{orgId}/inventory', { bearer: member })).status).toBe(200);
    expect((await call('GET', '/v1/orgs/{orgId}/inventory', { bearer: member, query: 'limit=1000' })).status).toBe(400);
    expect(
      (await call('PUT', '/v1/orgs/{orgId}/settings/inventory', { bearer: admin, body: { stockoutThreshold: '2.5' } }))
        .body,
    ).toMatchObject({ stockoutThreshold: 2.5 });
    expect(
      (await call('PUT', '/v1/orgs/{orgId}/settings/inventory', { bearer: admin, body: { stockoutThreshold: -1 } }))
        .status,
    ).toBe(422);
  });

  it('events, endpoints, attempts and messages', async () => {
    const endpoint = await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints', {
      bearer: admin,
      body: { url: `${receiver.baseUrl}/contract`, eventTypes: ['*'], description: 'contract' },
    });
    expect(endpoint.status).toBe(201);
    const endpointId = endpoint.body.id as string;
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints', {
          bearer: admin,
          body: { url: 'ftp://x', eventTypes: [] },
        })
      ).status,
    ).toBe(422);
    expect((await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints', { bearer: member })).body.items).toHaveLength(1);
    expect((await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints', {})).status).toBe(401);
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', {
          params: { endpointId },
          bearer: member,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', {
          params: { endpointId: 'ep_missing' },
          bearer: member,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('PATCH', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', {
          params: { endpointId },
          bearer: admin,
          body: { description: 'changed' },
        })
      ).body,
    ).toMatchObject({ description: 'changed' });
    expect(
      (
        await call('PATCH', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', {
          params: { endpointId },
          bearer: admin,
          body: {},
        })
      ).status,
    ).toBe(422);

    const internal = system.env.INTERNAL_API_TOKEN!;
    const published = await call('POST', '/internal/events', {
      bearer: internal,
      body: {
        id: `evt_contract_${Date.now()}`,
        type: 'import.completed',
        orgId: ORG,
        occurredAt: new Date().toISOString(),
        data: EVENT_CATALOG['import.completed'].example,
      },
    });
    expect(published.status).toBe(202);
    expect(
      (
        await call('POST', '/internal/events', {
          bearer: internal,
          body: { id: 'evt_bad', type: 'import.completed', orgId: ORG, occurredAt: 'yesterday', data: {} },
        })
      ).status,
    ).toBe(422);
    const messageId = published.body.messageId as string;

    const attempts = await eventually(async () => {
      const page = await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts', {
        params: { endpointId },
        bearer: member,
      });
      return page.body.items!.find((attempt) => attempt.messageId === messageId && attempt.status === 'succeeded');
    });
    expect(attempts).toMatchObject({ messageId, endpointId, statusCode: 200 });
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts', {
          params: { endpointId },
          bearer: member,
          query: 'status=bogus',
        })
      ).status,
    ).toBe(400);
    const message = await call('GET', '/v1/orgs/{orgId}/webhooks/messages/{messageId}', {
      params: { messageId },
      bearer: member,
    });
    expect(message.body).toMatchObject({ id: messageId, eventType: 'import.completed' });
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/messages/{messageId}', {
          params: { messageId },
          bearer: await token(system, OTHER_ORG, 'member'),
        })
      ).status,
    ).toBe(404);

    expect(
      (
        await call('DELETE', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', {
          params: { endpointId },
          bearer: member,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('DELETE', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', {
          params: { endpointId },
          bearer: admin,
        })
      ).status,
    ).toBe(204);
  });

  it('webhook operations: rotation, test send, resend, stats and recovery', async () => {
    const created = await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints', {
      bearer: admin,
      body: { url: `${receiver.baseUrl}/contract`, eventTypes: ['*'], description: 'operations' },
    });
    expect(created.status).toBe(201);
    const endpointId = created.body.id as string;
    const params = { endpointId };

    // Rotation: the body may be empty.
    const rotated = await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate', {
      params,
      bearer: admin,
    });
    expect(rotated.body).toMatchObject({ id: endpointId, signingSecrets: 2 });
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate', {
          params,
          bearer: admin,
          body: { gracePeriodSeconds: -1 },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate', {
          params: { endpointId: 'ep_missing' },
          bearer: admin,
          body: {},
        })
      ).status,
    ).toBe(404);

    // Test send.
    const tested = await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test', {
      params,
      bearer: admin,
      body: { eventType: 'import.completed' },
    });
    expect(tested.body).toMatchObject({ endpointId, attempt: { attempt: 1, status: 'succeeded', statusCode: 200 } });
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test', {
          params,
          bearer: admin,
          body: { eventType: 'no.such.type' },
        })
      ).status,
    ).toBe(422);
    expect(
      (await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test', { params, bearer: member })).status,
    ).toBe(403);

    // Resend a published message once delivered (the answer's attempt carries its manualId).
    const published = await call('POST', '/internal/events', {
      bearer: system.env.INTERNAL_API_TOKEN!,
      body: {
        id: `evt_contract_ops_${Date.now()}`,
        type: 'webhook.test',
        orgId: ORG,
        occurredAt: new Date().toISOString(),
        data: EVENT_CATALOG['webhook.test'].example,
      },
    });
    const messageId = published.body.messageId as string;
    await eventually(async () => {
      const message = await call('GET', '/v1/orgs/{orgId}/webhooks/messages/{messageId}', {
        params: { messageId },
        bearer: member,
      });
      return (message.body.deliveries as { status: string }[] | undefined)?.[0]?.status === 'succeeded'
        ? true
        : undefined;
    });
    const resent = await call('POST', '/v1/orgs/{orgId}/webhooks/messages/{messageId}/resend', {
      params: { messageId },
      bearer: admin,
      body: { endpointId },
    });
    expect(resent.body).toMatchObject({
      messageId,
      endpointId,
      attempt: { trigger: 'manual', manualId: expect.stringMatching(/^man_/), status: 'succeeded' },
    });
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/messages/{messageId}/resend', {
          params: { messageId },
          bearer: admin,
          body: { endpointId: 'ep_nope' },
        })
      ).body,
    ).toMatchObject({ code: 'endpoint_not_found' });
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/messages/{messageId}/resend', {
          params: { messageId },
          bearer: admin,
          body: {},
        })
      ).status,
    ).toBe(422);
    // Attempt pages and message views now hold manual attempts too.
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts', { params, bearer: member })
      ).body.items!.some((attempt) => attempt.trigger === 'manual'),
    ).toBe(true);
    expect(
      (await call('GET', '/v1/orgs/{orgId}/webhooks/messages/{messageId}', { params: { messageId }, bearer: member }))
        .status,
    ).toBe(200);

    // Stats.
    const stats = await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats', {
      params,
      bearer: member,
      query: 'window=7d',
    });
    expect(stats.body).toMatchObject({ endpointId, window: '7d', state: 'healthy' });
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats', {
          params,
          bearer: member,
          query: 'window=1y',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats', {
          params: { endpointId: 'ep_missing' },
          bearer: member,
        })
      ).status,
    ).toBe(404);
    const all = await call('GET', '/v1/orgs/{orgId}/webhooks/stats', { bearer: member });
    expect(all.body).toMatchObject({ window: '24h', items: [expect.objectContaining({ endpointId })] });
    expect((await call('GET', '/v1/orgs/{orgId}/webhooks/stats', { bearer: member, query: 'window=1y' })).status).toBe(
      400,
    );

    // Recovery.
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const recovery = await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover', {
      params,
      bearer: admin,
      body: { since },
    });
    expect(recovery.status).toBe(202);
    expect(recovery.body).toMatchObject({ endpointId, queued: 0, status: 'completed', continuation: null });
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover', {
          params,
          bearer: admin,
          body: {},
        })
      ).status,
    ).toBe(422);
    const recoveryId = recovery.body.id as string;
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}', {
          params: { recoveryId },
          bearer: member,
        })
      ).body,
    ).toMatchObject({ id: recoveryId, remaining: 0 });
    expect(
      (
        await call('GET', '/v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}', {
          params: { recoveryId: 'rec_missing' },
          bearer: member,
        })
      ).status,
    ).toBe(404);

    // Disabled: test send, resend and recovery refuse; stats say so; re-enabling answers the endpoint.
    expect(
      (
        await call('PATCH', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', {
          params,
          bearer: admin,
          body: { enabled: false },
        })
      ).body,
    ).toMatchObject({ enabled: false });
    expect(
      (await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test', { params, bearer: admin })).body,
    ).toMatchObject({ status: 409, code: 'endpoint_disabled' });
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/messages/{messageId}/resend', {
          params: { messageId },
          bearer: admin,
          body: { endpointId },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await call('POST', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover', {
          params,
          bearer: admin,
          body: { since },
        })
      ).status,
    ).toBe(409);
    expect(
      (await call('GET', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats', { params, bearer: member })).body,
    ).toMatchObject({ state: 'disabled', disabledReason: 'manual' });
    expect(
      (
        await call('PATCH', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', {
          params,
          bearer: admin,
          body: { enabled: true },
        })
      ).body,
    ).toMatchObject({ enabled: true });
    expect(
      (await call('DELETE', '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}', { params, bearer: admin })).status,
    ).toBe(204);
  });

  it('federation webhooks (merchant routes)', async () => {
    const merchant = 'm_contract';
    const params = { merchantId: merchant };
    const merchantAdmin = await signLocalToken(system.jwtSecret, { merchantId: merchant, role: 'admin' });
    const merchantMember = await signLocalToken(system.jwtSecret, { merchantId: merchant, role: 'member' });
    const path = '/v1/merchants/{merchantId}/webhook';
    expect((await call('GET', path, { params, bearer: merchantMember })).status).toBe(404);
    expect(
      (
        await call('PUT', path, {
          params,
          bearer: merchantMember,
          body: { webhookUrl: `${receiver.baseUrl}/contract` },
        })
      ).status,
    ).toBe(403);
    expect((await call('PUT', path, { params, bearer: merchantAdmin, body: { webhookUrl: 'not a url' } })).status).toBe(
      422,
    );
    const created = await call('PUT', path, {
      params,
      bearer: merchantAdmin,
      body: { webhookUrl: `${receiver.baseUrl}/contract` },
    });
    expect(created.status).toBe(201);
    expect(
      (
        await call('PUT', path, {
          params,
          bearer: merchantAdmin,
          body: { webhookUrl: `${receiver.baseUrl}/contract`, eventTypes: ['federation.order.*'] },
        })
      ).status,
    ).toBe(200);
    expect((await call('GET', path, { params, bearer: merchantMember })).body).toMatchObject({
      id: created.body.id,
      eventTypes: ['federation.order.*'],
    });
    expect(
      (await call('GET', path, { params: { merchantId: 'm_contract_other' }, bearer: merchantMember })).status,
    ).toBe(404);
    const published = await call('POST', '/internal/events', {
      bearer: system.env.INTERNAL_API_TOKEN,
      body: {
        id: `evt_contract_fed_${Date.now()}`,
        type: 'federation.order.created',
        merchantId: merchant,
        occurredAt: new Date().toISOString(),
        data: EVENT_CATALOG['federation.order.created'].example,
      },
    });
    expect(published.status).toBe(202);
    const messageId = published.body.messageId as string;
    // Its attempts, message, stats and recovery: the organisation endpoints' handlers, owned by the merchant.
    await eventually(async () => {
      const message = await call('GET', `${path}/messages/{messageId}`, {
        params: { ...params, messageId },
        bearer: merchantMember,
      });
      return (message.body.deliveries as { status: string }[] | undefined)?.[0]?.status === 'succeeded'
        ? true
        : undefined;
    });
    expect(
      (
        await call('GET', `${path}/messages/{messageId}`, {
          params: { ...params, messageId: 'msg_missing' },
          bearer: merchantMember,
        })
      ).status,
    ).toBe(404);
    const attempts = await call('GET', `${path}/attempts`, { params, bearer: merchantMember, query: 'limit=10' });
    expect(attempts.body.items![0]).toMatchObject({ messageId, endpointId: created.body.id, statusCode: 200 });
    expect(
      (await call('GET', `${path}/attempts`, { params, bearer: merchantMember, query: 'status=bogus' })).status,
    ).toBe(400);
    expect(
      (await call('GET', `${path}/stats`, { params, bearer: merchantMember, query: 'window=7d' })).body,
    ).toMatchObject({ endpointId: created.body.id, window: '7d', state: 'healthy' });
    expect((await call('GET', `${path}/stats`, { params, bearer: merchantMember, query: 'window=1y' })).status).toBe(
      400,
    );
    const recovery = await call('POST', `${path}/recover`, {
      params,
      bearer: merchantAdmin,
      body: { since: new Date(Date.now() - 3_600_000).toISOString() },
    });
    expect(recovery.status).toBe(202);
    expect(recovery.body).toMatchObject({ endpointId: created.body.id, queued: 0, status: 'completed' });
    expect((await call('POST', `${path}/recover`, { params, bearer: merchantAdmin, body: {} })).status).toBe(422);
    const recoveryId = recovery.body.id as string;
    expect(
      (
        await call('GET', `${path}/recoveries/{recoveryId}`, {
          params: { ...params, recoveryId },
          bearer: merchantMember,
        })
      ).body,
    ).toMatchObject({ id: recoveryId, remaining: 0 });
    expect(
      (
        await call('GET', `${path}/recoveries/{recoveryId}`, {
          params: { ...params, recoveryId: 'rec_missing' },
          bearer: merchantMember,
        })
      ).status,
    ).toBe(404);
    expect(
      (await call('POST', `${path}/secret/rotate`, { params, bearer: merchantAdmin, body: { gracePeriodSeconds: -1 } }))
        .status,
    ).toBe(422);
    expect((await call('POST', `${path}/secret/rotate`, { params, bearer: merchantAdmin })).body).toMatchObject({
      id: created.body.id,
      signingSecrets: 2,
    });
    expect((await call('DELETE', path, { params, bearer: merchantAdmin })).status).toBe(204);
    expect((await call('DELETE', path, { params, bearer: merchantAdmin })).status).toBe(404);
  });

  it('exercised every documented operation with a success and an error', () => {
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation['x-undocumented']) continue;
        const seen = exercised.get(`${method} ${path}`);
        if (!seen?.success || !seen.error)
          missing.push(`${method} ${path} (${seen ? (seen.success ? 'no error' : 'no success') : 'never called'})`);
      }
    }
    expect(missing).toEqual([]);
  });
});

function stripeSignature(payload: string, secret: string): string {
  const timestamp = Math.floor(Date.now() / 1000);
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`;
}
