import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalToken, type LocalRole } from '../../infra/local/jwt';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { EVENT_CATALOG, type EventType } from '../../shared/events/event-catalog';
import { eventually, token } from '../support/local-system';
import { respond, startReceiver, type Receiver } from '../support/receiver';

/**
 * Federation webhooks end to end on the local runtime: a Commerce Gateway merchant's webhook set
 * through /v1/merchants/{merchantId}/webhook, federation events published with `merchantId`, real
 * HTTP to a loopback receiver and signatures checked with `standardwebhooks`. Merchant and
 * organisation deliveries never cross, even when a merchant and an organisation share an id.
 */

describe('Integration: federation webhooks through the local runtime', () => {
  let system: LocalSystem;
  let receiver: Receiver;
  let counter = 0;

  beforeAll(async () => {
    receiver = await startReceiver();
    system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      env: { DELIVERY_RETRY_SCHEDULE: '1s,1s', DELIVERY_TIMEOUT_MS: '1500', ENDPOINT_DISABLE_AFTER: '1h' },
    });
  });

  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  });

  const merchantToken = (merchantId: string, role: LocalRole) => signLocalToken(system.jwtSecret, { merchantId, role });

  async function call(method: string, path: string, options: { bearer?: string; body?: unknown } = {}) {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: {
        ...(options.bearer && { authorization: `Bearer ${options.bearer}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  }

  async function putWebhook(merchantId: string, path: string, extra: Record<string, unknown> = {}) {
    return call('PUT', `/v1/merchants/${merchantId}/webhook`, {
      bearer: await merchantToken(merchantId, 'admin'),
      body: { webhookUrl: `${receiver.baseUrl}${path}`, ...extra },
    });
  }

  async function publish(tenant: { orgId: string } | { merchantId: string }, type: EventType) {
    const id = `evt_fed_${++counter}_${Date.now()}`;
    const response = await call('POST', '/internal/events', {
      bearer: system.env.INTERNAL_API_TOKEN,
      body: { id, type, ...tenant, occurredAt: new Date().toISOString(), data: EVENT_CATALOG[type].example },
    });
    expect(response.status).toBe(202);
    return response.body.messageId as string;
  }

  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

  it('lets merchant admins write, members read, and answers 404 to other merchants', async () => {
    const created = await putWebhook('m_auth_1', '/auth-1');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      merchantId: 'm_auth_1',
      webhookUrl: `${receiver.baseUrl}/auth-1`,
      eventTypes: ['federation.*'],
      enabled: true,
    });
    expect(created.body.secret).toMatch(/^whsec_/);

    const read = await call('GET', '/v1/merchants/m_auth_1/webhook', {
      bearer: await merchantToken('m_auth_1', 'member'),
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ merchantId: 'm_auth_1', id: created.body.id });
    expect(read.body).not.toHaveProperty('secret');

    const memberWrite = await call('PUT', '/v1/merchants/m_auth_1/webhook', {
      bearer: await merchantToken('m_auth_1', 'member'),
      body: { webhookUrl: `${receiver.baseUrl}/x` },
    });
    expect(memberWrite.status).toBe(403);
    expect(
      (await call('DELETE', '/v1/merchants/m_auth_1/webhook', { bearer: await merchantToken('m_auth_1', 'member') }))
        .status,
    ).toBe(403);
    expect(
      (
        await call('POST', '/v1/merchants/m_auth_1/webhook/secret/rotate', {
          bearer: await merchantToken('m_auth_1', 'member'),
        })
      ).status,
    ).toBe(403);

    for (const [method, path] of [
      ['GET', ''],
      ['PUT', ''],
      ['DELETE', ''],
      ['POST', '/secret/rotate'],
    ] as const) {
      const other = await call(method, `/v1/merchants/m_auth_1/webhook${path}`, {
        bearer: await merchantToken('m_auth_2', 'admin'),
        ...(method === 'PUT' && { body: { webhookUrl: `${receiver.baseUrl}/x` } }),
      });
      expect(other.status, `${method} ${path}`).toBe(404);
    }
    // An organisation's token (even of an org named like the merchant) is not a merchant's.
    expect(
      (await call('GET', '/v1/merchants/m_auth_1/webhook', { bearer: await token(system, 'm_auth_1', 'admin') }))
        .status,
    ).toBe(401);
    expect((await call('GET', '/v1/merchants/m_auth_1/webhook')).status).toBe(401);
    // And a merchant's token does not reach organisation routes.
    expect(
      (await call('GET', '/v1/orgs/m_auth_1/webhooks/endpoints', { bearer: await merchantToken('m_auth_1', 'admin') }))
        .status,
    ).toBe(401);
    expect(
      (await call('GET', '/v1/merchants/m_auth_2/webhook', { bearer: await merchantToken('m_auth_2', 'member') }))
        .status,
    ).toBe(404);
  });

  it('validates webhookUrl like organisation endpoint URLs and eventTypes against federation types only', async () => {
    const badUrl = await putWebhook('m_valid_1', '', { webhookUrl: 'ftp://example.com/hook' });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'url' })]));
    const orgType = await putWebhook('m_valid_1', '/v', { eventTypes: ['import.completed'] });
    expect(orgType.status).toBe(422);
    expect(orgType.body.errors).toEqual([expect.objectContaining({ field: 'eventTypes[0]' })]);
    expect((await putWebhook('m_valid_1', '/v', { eventTypes: ['loop.*'] })).status).toBe(422);
    expect((await putWebhook('m_valid_1', '/v', { unknown: true })).status).toBe(422);
    expect((await putWebhook('m_valid_1', '/v', { eventTypes: ['federation.order.*'] })).status).toBe(201);
    // And organisation endpoints cannot subscribe to federation types.
    const orgEndpoint = await call('POST', '/v1/orgs/org_valid_1/webhooks/endpoints', {
      bearer: await token(system, 'org_valid_1', 'admin'),
      body: { url: `${receiver.baseUrl}/o`, eventTypes: ['federation.order.created'] },
    });
    expect(orgEndpoint.status).toBe(422);
  });

  it('delivers federation events, signed, to the merchant only; organisation events never reach the merchant', async () => {
    // An organisation and a merchant with the same id, and an org named like a merchant's record label.
    const shared = 'acme_1';
    const webhook = await putWebhook(shared, '/fed-merchant');
    expect(webhook.status).toBe(201);
    const secret = webhook.body.secret as string;
    for (const orgId of [shared, `merchant:${shared}`]) {
      const created = await call('POST', `/v1/orgs/${orgId}/webhooks/endpoints`, {
        bearer: await token(system, orgId, 'admin'),
        body: { url: `${receiver.baseUrl}/fed-org-${orgId.replace(':', '-')}`, eventTypes: ['*'] },
      });
      expect(created.status).toBe(201);
    }

    const messageId = await publish({ merchantId: shared }, 'federation.order.created');
    const [request] = await eventually(async () =>
      receiver.requestsTo('/fed-merchant').length > 0 ? receiver.requestsTo('/fed-merchant') : undefined,
    );
    const headers = request!.headers as Record<string, string>;
    expect(headers['webhook-id']).toBe(messageId);
    expect(new Webhook(secret).verify(request!.body, headers)).toMatchObject({
      id: messageId,
      type: 'federation.order.created',
      data: EVENT_CATALOG['federation.order.created'].example,
    });

    const orgMessageId = await publish({ orgId: shared }, 'webhook.test');
    await eventually(async () => (receiver.requestsTo(`/fed-org-${shared}`).length > 0 ? true : undefined));
    await settle();
    expect(receiver.requestsTo('/fed-merchant')).toHaveLength(1);
    expect(receiver.requestsTo(`/fed-org-${shared}`).map((received) => JSON.parse(received.body).id)).toEqual([
      orgMessageId,
    ]);
    expect(receiver.requestsTo(`/fed-org-merchant-${shared}`)).toHaveLength(0);

    // The merchant's message is no organisation's, whatever the org is called.
    for (const orgId of [shared, `merchant:${shared}`]) {
      const seen = await call('GET', `/v1/orgs/${orgId}/webhooks/messages/${messageId}`, {
        bearer: await token(system, orgId, 'member'),
      });
      expect(seen.status).toBe(404);
      const resent = await call('POST', `/v1/orgs/${orgId}/webhooks/messages/${messageId}/resend`, {
        bearer: await token(system, orgId, 'admin'),
        body: { endpointId: webhook.body.id },
      });
      expect(resent.status).toBe(404);
    }
    // Same event id, different scope: a different message.
    expect(orgMessageId).not.toBe(messageId);
  });

  it('retries a failing merchant webhook on the same schedule as organisation endpoints', async () => {
    receiver.on('/fed-retry', respond(500, 200));
    expect((await putWebhook('m_retry_1', '/fed-retry')).status).toBe(201);
    const messageId = await publish({ merchantId: 'm_retry_1' }, 'federation.inventory.updated');
    const requests = await eventually(async () =>
      receiver.requestsTo('/fed-retry').length >= 2 ? receiver.requestsTo('/fed-retry') : undefined,
    );
    expect(requests.map((received) => received.headers['webhook-id'])).toEqual([messageId, messageId]);
    const read = await eventually(async () => {
      const current = await call('GET', '/v1/merchants/m_retry_1/webhook', {
        bearer: await merchantToken('m_retry_1', 'member'),
      });
      return current.body.lastSuccessAt ? current : undefined;
    });
    expect(read.body).toMatchObject({ failingSince: null, enabled: true });
  });

  const deliveryStatus = (merchantId: string, messageId: string, wanted: string) =>
    eventually(async () => {
      const { body } = await call('GET', `/v1/merchants/${merchantId}/webhook/messages/${messageId}`, {
        bearer: await merchantToken(merchantId, 'member'),
      });
      return (body.deliveries as { status: string }[] | undefined)?.[0]?.status === wanted ? body : undefined;
    });

  it('lets a merchant read its attempts, message and stats after a delivery', async () => {
    const webhook = await putWebhook('m_ops_1', '/fed-ops');
    expect(webhook.status).toBe(201);
    const messageId = await publish({ merchantId: 'm_ops_1' }, 'federation.order.created');
    const message = await deliveryStatus('m_ops_1', messageId, 'succeeded');
    expect(message).toMatchObject({
      id: messageId,
      eventType: 'federation.order.created',
      attempts: [expect.objectContaining({ status: 'succeeded', statusCode: 200 })],
    });

    const member = await merchantToken('m_ops_1', 'member');
    const attempts = await call(
      'GET',
      '/v1/merchants/m_ops_1/webhook/attempts?status=succeeded&eventType=federation.order.created&limit=5',
      { bearer: member },
    );
    expect(attempts.status).toBe(200);
    expect(attempts.body.items).toEqual([
      expect.objectContaining({ messageId, endpointId: webhook.body.id, status: 'succeeded', statusCode: 200 }),
    ]);
    expect(
      (await call('GET', '/v1/merchants/m_ops_1/webhook/attempts?status=failed', { bearer: member })).body.items,
    ).toEqual([]);

    const stats = await eventually(async () => {
      const current = await call('GET', '/v1/merchants/m_ops_1/webhook/stats?window=7d', { bearer: member });
      return (current.body.messages as { succeeded?: number } | undefined)?.succeeded === 1 &&
        current.body.lastSuccessAt
        ? current
        : undefined;
    });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      endpointId: webhook.body.id,
      window: '7d',
      attempts: { succeeded: 1, failed: 0 },
      messages: { succeeded: 1, failed: 0, skipped: 0, pending: 0 },
      latencyMs: { p50: expect.any(Number), p95: expect.any(Number) },
      lastSuccessAt: expect.any(String),
      state: 'healthy',
    });
    expect((await call('GET', '/v1/merchants/m_ops_1/webhook/stats?window=1y', { bearer: member })).status).toBe(400);
  });

  it('recovers a failed federation delivery, re-delivering it once', async () => {
    let up = false;
    receiver.on('/fed-recover', (_request, _index, response) => {
      const status = up ? 200 : 500;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
    });
    const webhook = await putWebhook('m_rec_1', '/fed-recover');
    expect(webhook.status).toBe(201);
    const since = new Date(Date.now() - 1_000).toISOString();
    const messageId = await publish({ merchantId: 'm_rec_1' }, 'federation.inventory.updated');
    // Fails its whole (compressed) schedule: the first attempt and two retries.
    await deliveryStatus('m_rec_1', messageId, 'failed');
    const failedAttempts = receiver.requestsTo('/fed-recover').length;
    expect(failedAttempts).toBe(3);

    up = true;
    const admin = await merchantToken('m_rec_1', 'admin');
    const member = await merchantToken('m_rec_1', 'member');
    expect(
      (await call('POST', '/v1/merchants/m_rec_1/webhook/recover', { bearer: member, body: { since } })).status,
    ).toBe(403);
    const started = await call('POST', '/v1/merchants/m_rec_1/webhook/recover', { bearer: admin, body: { since } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ endpointId: webhook.body.id, queued: 1, continuation: null });
    const progress = await eventually(async () => {
      const response = await call('GET', `/v1/merchants/m_rec_1/webhook/recoveries/${String(started.body.id)}`, {
        bearer: member,
      });
      return response.body.status === 'completed' ? response.body : undefined;
    });
    expect(progress).toMatchObject({ id: started.body.id, queued: 1, succeeded: 1, failed: 0, remaining: 0 });
    await deliveryStatus('m_rec_1', messageId, 'succeeded');
    await settle();
    const requests = receiver.requestsTo('/fed-recover');
    expect(requests).toHaveLength(failedAttempts + 1);
    expect(requests.at(-1)!.headers['webhook-id']).toBe(messageId);
    expect(
      new Webhook(webhook.body.secret as string).verify(
        requests.at(-1)!.body,
        requests.at(-1)!.headers as Record<string, string>,
      ),
    ).toMatchObject({ id: messageId });
    const { body } = await call('GET', `/v1/merchants/m_rec_1/webhook/messages/${messageId}`, { bearer: member });
    expect(
      (body.attempts as { trigger: string; status: string }[]).filter((attempt) => attempt.trigger === 'manual'),
    ).toEqual([expect.objectContaining({ status: 'succeeded', manualId: started.body.id })]);
  });

  it('keeps attempts, stats, messages and recoveries to their merchant', async () => {
    const webhook = await putWebhook('m_iso_1', '/fed-iso');
    expect(webhook.status).toBe(201);
    const messageId = await publish({ merchantId: 'm_iso_1' }, 'federation.order.updated');
    await deliveryStatus('m_iso_1', messageId, 'succeeded');
    const admin = await merchantToken('m_iso_1', 'admin');
    const recovery = await call('POST', '/v1/merchants/m_iso_1/webhook/recover', {
      bearer: admin,
      body: { since: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(recovery.status).toBe(202);
    const recoveryId = String(recovery.body.id);

    // An organisation's message and recovery, under the same id as the merchant.
    const orgEndpoint = await call('POST', '/v1/orgs/m_iso_1/webhooks/endpoints', {
      bearer: await token(system, 'm_iso_1', 'admin'),
      body: { url: `${receiver.baseUrl}/fed-iso-org`, eventTypes: ['*'] },
    });
    expect(orgEndpoint.status).toBe(201);
    const orgMessageId = await publish({ orgId: 'm_iso_1' }, 'webhook.test');
    await eventually(async () => (receiver.requestsTo('/fed-iso-org').length > 0 ? true : undefined));
    const orgRecovery = await call(
      'POST',
      `/v1/orgs/m_iso_1/webhooks/endpoints/${String(orgEndpoint.body.id)}/recover`,
      { bearer: await token(system, 'm_iso_1', 'admin'), body: { since: new Date(Date.now() - 60_000).toISOString() } },
    );
    expect(orgRecovery.status).toBe(202);
    expect(
      (await call('GET', `/v1/merchants/m_iso_1/webhook/messages/${orgMessageId}`, { bearer: admin })).status,
    ).toBe(404);
    expect(
      (await call('GET', `/v1/merchants/m_iso_1/webhook/recoveries/${String(orgRecovery.body.id)}`, { bearer: admin }))
        .status,
    ).toBe(404);
    expect(
      (
        await call('GET', `/v1/orgs/m_iso_1/webhooks/recoveries/${recoveryId}`, {
          bearer: await token(system, 'm_iso_1', 'admin'),
        })
      ).status,
    ).toBe(404);

    const routes = [
      ['GET', '/attempts'],
      ['GET', '/stats?window=24h'],
      ['POST', '/recover'],
      ['GET', `/recoveries/${recoveryId}`],
      ['GET', `/messages/${messageId}`],
    ] as const;
    const body = { since: new Date(Date.now() - 60_000).toISOString() };
    for (const [method, path] of routes) {
      const options = method === 'POST' ? { body } : {};
      // Another merchant (even an admin) gets 404; an organisation's token, or none, 401.
      const other = await call(method, `/v1/merchants/m_iso_1/webhook${path}`, {
        bearer: await merchantToken('m_iso_2', 'admin'),
        ...options,
      });
      expect(other.status, `${method} ${path} (other merchant)`).toBe(404);
      const org = await call(method, `/v1/merchants/m_iso_1/webhook${path}`, {
        bearer: await token(system, 'm_iso_1', 'admin'),
        ...options,
      });
      expect(org.status, `${method} ${path} (org token)`).toBe(401);
      expect(
        (await call(method, `/v1/merchants/m_iso_1/webhook${path}`, options)).status,
        `${method} ${path} (no token)`,
      ).toBe(401);
      const own = await call(method, `/v1/merchants/m_iso_1/webhook${path}`, { bearer: admin, ...options });
      expect(own.status, `${method} ${path} (own merchant)`).toBe(method === 'POST' ? 202 : 200);
    }
    // A merchant without a webhook: 404 on its own routes too.
    const bare = await merchantToken('m_iso_2', 'admin');
    expect((await call('GET', '/v1/merchants/m_iso_2/webhook/attempts', { bearer: bare })).status).toBe(404);
    expect((await call('GET', '/v1/merchants/m_iso_2/webhook/stats', { bearer: bare })).status).toBe(404);
    expect((await call('POST', '/v1/merchants/m_iso_2/webhook/recover', { bearer: bare, body })).status).toBe(404);
  });

  it('keeps the secret on a later PUT, rotates it with a grace period, and deletes the webhook', async () => {
    const first = await putWebhook('m_life_1', '/fed-life-a');
    expect(first.status).toBe(201);
    const updated = await putWebhook('m_life_1', '/fed-life-b', { eventTypes: ['federation.order.updated'] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id: first.body.id,
      webhookUrl: `${receiver.baseUrl}/fed-life-b`,
      eventTypes: ['federation.order.updated'],
    });
    expect(updated.body).not.toHaveProperty('secret');

    await publish({ merchantId: 'm_life_1' }, 'federation.order.created'); // filtered out
    await publish({ merchantId: 'm_life_1' }, 'federation.order.updated');
    const [request] = await eventually(async () =>
      receiver.requestsTo('/fed-life-b').length > 0 ? receiver.requestsTo('/fed-life-b') : undefined,
    );
    expect(
      new Webhook(first.body.secret as string).verify(request!.body, request!.headers as Record<string, string>),
    ).toMatchObject({ type: 'federation.order.updated' });

    const rotated = await call('POST', '/v1/merchants/m_life_1/webhook/secret/rotate', {
      bearer: await merchantToken('m_life_1', 'admin'),
      body: { gracePeriodSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: first.body.id, signingSecrets: 2 });
    await publish({ merchantId: 'm_life_1' }, 'federation.order.updated');
    const after = await eventually(async () =>
      receiver.requestsTo('/fed-life-b').length > 1 ? receiver.requestsTo('/fed-life-b')[1] : undefined,
    );
    for (const secret of [first.body.secret, rotated.body.secret] as string[]) {
      expect(new Webhook(secret).verify(after.body, after.headers as Record<string, string>)).toMatchObject({
        type: 'federation.order.updated',
      });
    }
    await settle();
    expect(receiver.requestsTo('/fed-life-a')).toHaveLength(0);
    expect(receiver.requestsTo('/fed-life-b')).toHaveLength(2);

    const admin = await merchantToken('m_life_1', 'admin');
    expect((await call('DELETE', '/v1/merchants/m_life_1/webhook', { bearer: admin })).status).toBe(204);
    expect((await call('GET', '/v1/merchants/m_life_1/webhook', { bearer: admin })).status).toBe(404);
    expect((await call('DELETE', '/v1/merchants/m_life_1/webhook', { bearer: admin })).status).toBe(404);
    expect((await call('POST', '/v1/merchants/m_life_1/webhook/secret/rotate', { bearer: admin })).status).toBe(404);
  });
});
