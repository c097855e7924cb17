import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { inboundEventId } from '../../shared/inbound/log/inbound-event';
import { createConnectionsStore, type ProviderConnection } from '../../shared/inbound/connections/connections-store';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { TABLES } from '../../shared/platform/topology';
import { inventoryLevelBody, rawJson, squareCountBody } from '../support/catalog-messages';
import { eventually, postStripe, receiveAll, token } from '../support/local-system';
import { betterdataSignatureHeader } from '../../shared/platform/crypto/betterdata-signature';
import { parseSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { stripeEventPayload } from '../support/stripe-payloads';

/**
 * The inbound event log end to end on the local runtime: signed Stripe, Square and Shopify webhooks
 * over real HTTP, the consumers on their queues recording each provider event id once, the log's
 * read API, single and bulk replays (the bulk one as a durable job on the job worker), and the
 * operator view of events no organisation could be attributed to.
 */

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface LoggedEvent {
  id: string;
  provider: string;
  providerEventId: string;
  type: string;
  receiveCount: number;
  status: string;
  reason?: string;
  tries?: number;
  body?: string;
  effects?: Record<string, unknown>;
}

describe('Integration: inbound event log through the local runtime', () => {
  let system: LocalSystem;
  let clock = 1_790_000_000;
  const nextCreated = () => (clock += 10);

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, memory: true, quiet: true, visibilityTimeoutSeconds: 2 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function call(
    method: string,
    path: string,
    options: { bearer?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Answer> {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: {
        ...(options.bearer && { authorization: `Bearer ${options.bearer}` }),
        ...((options.body !== undefined || options.raw !== undefined) && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.raw !== undefined && { body: options.raw }),
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  const member = (orgId: string) => token(system, orgId, 'member');
  const admin = (orgId: string) => token(system, orgId, 'admin');
  /** Connects an account as the OAuth callback does once the merchant has approved (that flow has its own tests). */
  const connect = (connection: Omit<ProviderConnection, 'connectedAt'>) =>
    createConnectionsStore(createDocumentClient(system.env), system.env[TABLES.connections.envVar] as string).connect({
      ...connection,
      connectedAt: new Date().toISOString(),
    });

  async function logged(orgId: string, id: string): Promise<LoggedEvent | undefined> {
    const answer = await call('GET', `/v1/orgs/${orgId}/inbound/events/${id}`, { bearer: await member(orgId) });
    return answer.status === 200 ? (answer.body as unknown as LoggedEvent) : undefined;
  }

  async function listed(orgId: string, query = ''): Promise<LoggedEvent[]> {
    const answer = await call('GET', `/v1/orgs/${orgId}/inbound/events${query}`, { bearer: await member(orgId) });
    expect(answer.status).toBe(200);
    return answer.body.data as LoggedEvent[];
  }

  async function settled(orgId: string, id: string, check: (event: LoggedEvent) => boolean): Promise<LoggedEvent> {
    return eventually(async () => {
      const event = await logged(orgId, id);
      return event && check(event) ? event : undefined;
    });
  }

  async function billingPlan(orgId: string): Promise<string | undefined> {
    const answer = await call('GET', `/v1/orgs/${orgId}/billing`, { bearer: await member(orgId) });
    return answer.status === 200 ? (answer.body.plan as string) : undefined;
  }

  async function auditCount(orgId: string): Promise<number> {
    const answer = await call('GET', `/v1/orgs/${orgId}/audit?limit=100`, { bearer: await member(orgId) });
    return (answer.body.items as unknown[]).length;
  }

  async function postSquare(body: string): Promise<void> {
    const signature = createHmac('sha256', system.squareSignatureKeys[0]!)
      .update(system.squareNotificationUrl + body)
      .digest('base64');
    const answer = await call('POST', '/api/webhooks/square', {
      raw: body,
      headers: { 'x-square-hmacsha256-signature': signature },
    });
    expect(answer.status).toBe(200);
  }

  async function postShopify(
    topic: string,
    body: string,
    shop: string,
    ids: { eventId: string; webhookId: string },
  ): Promise<void> {
    const answer = await call('POST', '/api/webhooks/shopify', {
      raw: body,
      headers: {
        'x-shopify-hmac-sha256': createHmac('sha256', system.shopifyApiSecrets[0]!).update(body).digest('base64'),
        'x-shopify-topic': topic,
        'x-shopify-shop-domain': shop,
        'x-shopify-webhook-id': ids.webhookId,
        'x-shopify-event-id': ids.eventId,
        'x-shopify-api-version': '2026-04',
      },
    });
    expect(answer.status).toBe(200);
  }

  async function inventory(orgId: string): Promise<{ quantity: string }[]> {
    const answer = await call('GET', `/v1/orgs/${orgId}/inventory`, { bearer: await member(orgId) });
    return answer.body.items as { quantity: string }[];
  }

  it(
    'Stripe: a second receipt of an event id with another body changes nothing; the log shows it ' +
      'once, received twice, applied',
    async () => {
      const orgId = 'org_log_stripe';
      const first = stripeEventPayload('customer.subscription.created', {
        orgId,
        plan: 'growth',
        created: nextCreated(),
      });
      expect((await postStripe(system, first.payload)).status).toBe(200);
      const id = inboundEventId('stripe', first.id);
      await settled(orgId, id, (event) => event.status === 'applied');
      expect(await billingPlan(orgId)).toBe('growth');

      // Same event id, a different plan and a later timestamp: a replayed or forged-looking duplicate.
      const altered = JSON.parse(first.payload) as {
        created: number;
        data: { object: { items: { data: { price: { metadata: Record<string, string>; lookup_key?: string } }[] } } };
      };
      altered.created = nextCreated();
      const price = altered.data.object.items.data[0]!.price;
      price.metadata = { ...price.metadata, plan: 'starter' };
      price.lookup_key = 'starter';
      const alteredPayload = JSON.stringify(altered);
      expect(alteredPayload).not.toBe(first.payload);
      expect((await postStripe(system, alteredPayload)).status).toBe(200);

      const event = await settled(orgId, id, (entry) => entry.receiveCount === 2);
      expect(event).toMatchObject({
        provider: 'stripe',
        providerEventId: first.id,
        type: 'customer.subscription.created',
        status: 'applied',
        tries: 1,
      });
      expect(event.body).toBe(first.payload);
      expect(event.effects).toMatchObject({ auditEntryId: first.id });
      expect(await billingPlan(orgId)).toBe('growth');
      expect(await auditCount(orgId)).toBe(1);
      expect(
        (await listed(orgId, '?provider=stripe')).map((entry) => [entry.id, entry.receiveCount, entry.status]),
      ).toEqual([[id, 2, 'applied']]);
    },
  );

  it(
    'replaying an applied event changes nothing; an unattributed failure is kept for operators and ' +
      'applies once its mapping exists',
    async () => {
      const orgId = 'org_log_replay';
      const subscription = stripeEventPayload('customer.subscription.created', {
        orgId,
        plan: 'growth',
        created: nextCreated(),
      });
      expect((await postStripe(system, subscription.payload)).status).toBe(200);
      const subscriptionLogId = inboundEventId('stripe', subscription.id);
      await settled(orgId, subscriptionLogId, (event) => event.status === 'applied');
      const audits = await auditCount(orgId);

      const replay = await call('POST', `/v1/orgs/${orgId}/inbound/events/${subscriptionLogId}/replay`, {
        bearer: await admin(orgId),
      });
      expect(replay).toMatchObject({ status: 202, body: { id: subscriptionLogId, status: 'applied' } });
      const replayed = await settled(orgId, subscriptionLogId, (event) => event.tries === 2);
      expect(replayed).toMatchObject({
        status: 'applied',
        receiveCount: 1,
        effects: { auditEntryId: subscription.id },
      });
      expect(await auditCount(orgId)).toBe(audits);
      expect(await billingPlan(orgId)).toBe('growth');
      // Members read, only admins replay.
      const byMember = await call('POST', `/v1/orgs/${orgId}/inbound/events/${subscriptionLogId}/replay`, {
        bearer: await member(orgId),
      });
      expect(byMember.status).toBe(403);
      // Another organisation's event does not exist for this one.
      expect(
        (
          await call('GET', `/v1/orgs/org_other/inbound/events/${subscriptionLogId}`, {
            bearer: await member('org_other'),
          })
        ).status,
      ).toBe(404);

      // An invoice of a customer no organisation is mapped to yet.
      const customerId = `cus_${randomUUID().slice(0, 8)}`;
      const invoice = stripeEventPayload('invoice.paid', { customerId, created: nextCreated() });
      expect((await postStripe(system, invoice.payload)).status).toBe(200);
      const invoiceLogId = inboundEventId('stripe', invoice.id);
      const operator = { bearer: system.internalApiToken };
      const failed = await eventually(async () => {
        const answer = await call('GET', '/internal/inbound/events?status=failed&provider=stripe', operator);
        return (answer.body.data as LoggedEvent[] | undefined)?.find((event) => event.id === invoiceLogId);
      });
      expect(failed).toMatchObject({ status: 'failed', reason: expect.stringContaining(customerId) as unknown });
      expect((await call('GET', '/internal/inbound/events', {})).status).toBe(403);

      // The mapping appears (a subscription event naming the organisation), then the operator replays.
      const mapping = stripeEventPayload('customer.subscription.created', {
        orgId: 'org_log_mapped',
        customerId,
        plan: 'growth',
        created: nextCreated(),
      });
      expect((await postStripe(system, mapping.payload)).status).toBe(200);
      await settled('org_log_mapped', inboundEventId('stripe', mapping.id), (event) => event.status === 'applied');
      expect((await call('POST', `/internal/inbound/events/${invoiceLogId}/replay`, operator)).status).toBe(202);
      const applied = await settled('org_log_mapped', invoiceLogId, (event) => event.status === 'applied');
      expect(applied.tries).toBeGreaterThanOrEqual(2);
      expect(applied.reason).toBeUndefined();
    },
  );

  it('Square: a second event_id with another quantity has no effect and is counted', async () => {
    const orgId = 'org_log_square';
    const merchantId = 'MLLOGSQUARE';
    expect(
      await connect({ provider: 'square', orgId, account: merchantId, notificationUrl: system.squareNotificationUrl }),
    ).toBe('connected');
    const count = (quantity: string, calculatedAt: string) =>
      rawJson(
        squareCountBody({
          eventId: 'ev-log-1',
          merchantId,
          counts: [{ objectId: 'OBJLOG1', locationId: 'LOCLOG1', quantity, calculatedAt }],
        }),
      );
    await postSquare(count('10', '2024-06-01T10:00:00Z'));
    const id = inboundEventId('square', 'ev-log-1');
    await settled(orgId, id, (event) => event.status === 'applied');
    await postSquare(count('99', '2024-06-01T11:00:00Z'));
    const event = await settled(orgId, id, (entry) => entry.receiveCount === 2);
    expect(event).toMatchObject({ status: 'applied', tries: 1, effects: { catalogItems: ['square#OBJLOG1'] } });
    expect((await inventory(orgId)).map((level) => level.quantity)).toEqual(['10']);
  });

  it(
    'Shopify: a second delivery of an x-shopify-event-id (another webhook id, another body) has no ' + 'effect',
    async () => {
      const orgId = 'org_log_shopify';
      const shop = 'log-shop.myshopify.com';
      expect(await connect({ provider: 'shopify', orgId, account: shop, notificationUrl: null })).toBe('connected');
      const level = (available: number, updatedAt: string) =>
        rawJson(inventoryLevelBody({ inventoryItemId: 808950810n, locationId: 905684977n, available, updatedAt }));
      await postShopify('inventory_levels/update', level(7, '2024-06-01T10:00:00Z'), shop, {
        eventId: 'shop-ev-1',
        webhookId: randomUUID(),
      });
      const id = inboundEventId('shopify', 'shop-ev-1');
      await settled(orgId, id, (event) => event.status === 'applied');
      await postShopify('inventory_levels/update', level(1, '2024-06-01T12:00:00Z'), shop, {
        eventId: 'shop-ev-1',
        webhookId: randomUUID(),
      });
      await settled(orgId, id, (entry) => entry.receiveCount === 2);
      expect((await inventory(orgId)).map((entry) => entry.quantity)).toEqual(['7']);
      expect(await listed(orgId, '?provider=shopify&type=inventory_levels/update')).toHaveLength(1);
      expect(await listed(orgId, '?provider=shopify&status=failed')).toHaveLength(0);
    },
  );

  it('signed sources: a second receipt of a body id with another body is counted and not queued again', async () => {
    const orgId = 'org_log_sources';
    const created = await call('PUT', `/v1/orgs/${orgId}/connections/sources/log-src`, { bearer: await admin(orgId) });
    expect(created.status).toBe(201);
    const key = parseSigningSecret(created.body.secret as string);
    const post = (body: string) =>
      call('POST', '/webhooks/sources/log-src', {
        raw: body,
        headers: { 'x-betterdata-signature': betterdataSignatureHeader([key], Math.floor(Date.now() / 1000), body) },
      });
    expect((await post('{"id":"ord_log_1","type":"order.created","quantity":2}')).status).toBe(200);
    expect((await post('{"id":"ord_log_1","type":"order.created","quantity":9}')).status).toBe(200);
    const id = inboundEventId('sources', 'ord_log_1');
    const event = await settled(orgId, id, (entry) => entry.receiveCount === 2);
    expect(event).toMatchObject({
      provider: 'sources',
      type: 'order.created',
      status: 'applied',
      body: '{"id":"ord_log_1","type":"order.created","quantity":2}',
    });
    const queued = await receiveAll(system, system.queueUrls.inboundSources.url);
    expect(queued.filter((message) => message.body.includes('ord_log_1'))).toHaveLength(1);
  });

  it('keeps a body too large for its item in the bucket and shows it whole', async () => {
    const orgId = 'org_log_large';
    const event = stripeEventPayload('customer.subscription.created', {
      orgId,
      plan: 'growth',
      created: nextCreated(),
    });
    const large = JSON.parse(event.payload) as { data: { object: { description?: string } } };
    large.data.object.description = 'x'.repeat(300 * 1024);
    const payload = JSON.stringify(large);
    expect((await postStripe(system, payload)).status).toBe(200);
    const logged = await settled(orgId, inboundEventId('stripe', event.id), (entry) => entry.status === 'applied');
    expect(logged.body).toBe(payload);
  });

  it('a bulk replay runs as a job on the job worker and completes with its progress', async () => {
    const orgId = 'org_log_bulk';
    const since = new Date().toISOString();
    const ids: string[] = [];
    for (const plan of ['starter', 'growth', 'starter']) {
      const event = stripeEventPayload('customer.subscription.updated', { orgId, plan, created: nextCreated() });
      expect((await postStripe(system, event.payload)).status).toBe(200);
      ids.push(inboundEventId('stripe', event.id));
    }
    for (const id of ids) await settled(orgId, id, (event) => event.status !== undefined);
    const until = new Date(Date.now() + 1000).toISOString();
    const invalid = await call('POST', `/v1/orgs/${orgId}/inbound/replay`, {
      bearer: await admin(orgId),
      body: { provider: 'stripe', since: until, until: since },
    });
    expect(invalid.status).toBe(422);
    const started = await call('POST', `/v1/orgs/${orgId}/inbound/replay`, {
      bearer: await admin(orgId),
      body: { provider: 'stripe', since, until },
    });
    expect(started).toMatchObject({ status: 202, body: { kind: 'inbound-replay', status: 'queued' } });
    const replayId = started.body.id as string;
    const done = await eventually(
      async () => {
        const view = await call('GET', `/v1/orgs/${orgId}/inbound/replays/${replayId}`, {
          bearer: await member(orgId),
        });
        return view.body.status === 'completed' ? view.body : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(done.progress).toEqual({ queued: 3, scanned: 3 });
    for (const id of ids) await settled(orgId, id, (event) => event.tries === 2);
    expect(await billingPlan(orgId)).toBe('starter');
    expect(
      (await call('GET', `/v1/orgs/org_other/inbound/replays/${replayId}`, { bearer: await member('org_other') }))
        .status,
    ).toBe(404);
  });
});
