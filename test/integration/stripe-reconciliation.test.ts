import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { eventually, getJson, postStripe, token } from '../support/local-system';
import { fixtureJson } from '../support/fixtures';
import { stripeEventPayload } from '../support/stripe-payloads';

/**
 * With STRIPE_API_KEY set, the consumer trusts Stripe's current subscription over the event payload.
 * A small fake Stripe API on loopback answers GET /v1/subscriptions/:id; the real `stripe` client
 * reaches it through STRIPE_API_BASE_URL.
 */
describe('Integration: reconciliation with the Stripe API', () => {
  let system: LocalSystem;
  let fakeStripe: Server;
  const current = new Map<string, Record<string, unknown>>();
  const requests: { path: string | undefined; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    fakeStripe = createServer((request, response) => {
      requests.push({ path: request.url, authorization: request.headers.authorization });
      const id = request.url?.match(/^\/v1\/subscriptions\/([^/?]+)/)?.[1];
      const subscription = id ? current.get(id) : undefined;
      response.writeHead(subscription ? 200 : 404, { 'content-type': 'application/json', 'request-id': 'req_fake' });
      response.end(
        JSON.stringify(
          subscription ?? {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              message: `No such subscription: '${id}'`,
            },
          },
        ),
      );
    });
    await new Promise<void>((resolve) => fakeStripe.listen(0, '127.0.0.1', resolve));
    const { port } = fakeStripe.address() as AddressInfo;
    system = await startLocalSystem({
      port: 0,
      memory: true,
      quiet: true,
      env: { STRIPE_API_KEY: 'sk_test_fake_key', STRIPE_API_BASE_URL: `http://127.0.0.1:${port}` },
    });
  });

  afterAll(async () => {
    await system?.stop();
    await new Promise<void>((resolve) => fakeStripe.close(() => resolve()));
  });

  it("applies Stripe's current subscription state, not the (stale) payload", async () => {
    const orgId = 'org_reconciled';
    const event = stripeEventPayload('customer.subscription.updated', {
      orgId,
      plan: 'starter',
      status: 'active',
      created: 1_780_000_000,
    });
    const live = fixtureJson<{
      data: { object: Record<string, unknown> & { items: { data: { price: Record<string, unknown> }[] } } };
    }>('stripe.customer.subscription.updated.json').data.object;
    live.id = event.subscriptionId;
    live.customer = event.customerId;
    live.status = 'past_due';
    live.metadata = { org_id: orgId };
    live.items.data[0]!.price.metadata = { plan: 'enterprise' };
    current.set(event.subscriptionId, live);

    expect((await postStripe(system, event.payload)).status).toBe(200);
    const record = await eventually(async () => {
      const response = await getJson(system, `/v1/orgs/${orgId}/billing`, await token(system, orgId));
      return response.status === 200 ? response.body : undefined;
    });
    expect(record).toMatchObject({ plan: 'enterprise', status: 'past_due' });
    expect(requests).toContainEqual({
      path: `/v1/subscriptions/${event.subscriptionId}`,
      authorization: 'Bearer sk_test_fake_key',
    });
  });

  it('falls back to the payload when Stripe no longer knows the subscription', async () => {
    const orgId = 'org_unknown_upstream';
    const event = stripeEventPayload('customer.subscription.created', {
      orgId,
      plan: 'growth',
      created: 1_780_000_100,
    });
    expect((await postStripe(system, event.payload)).status).toBe(200);
    const record = await eventually(async () => {
      const response = await getJson(system, `/v1/orgs/${orgId}/billing`, await token(system, orgId));
      return response.status === 200 ? response.body : undefined;
    });
    expect(record).toMatchObject({ plan: 'growth', status: 'active' });
  });
});
