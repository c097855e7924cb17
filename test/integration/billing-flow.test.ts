import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { TABLES } from '../../shared/platform/topology';
import { messageIdFor, orgScope } from '../../shared/events/ids';
import { stripeEventPayload } from '../support/stripe-payloads';
import { eventually, getJson, postStripe, sqsClient, token } from '../support/local-system';

/**
 * The foundation end to end: real HTTP into the local runtime, the real stripe library signing,
 * the real AWS SDK clients against fauxqs (SQS) and dynalite (DynamoDB), the real pollers.
 */
describe('Integration: Stripe billing through the local runtime', () => {
  let system: LocalSystem;
  let clock = 1_780_000_000;
  const nextCreated = () => (clock += 10);

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, memory: true, quiet: true, visibilityTimeoutSeconds: 1 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function billing(orgId: string) {
    return getJson(system, `/v1/orgs/${orgId}/billing`, await token(system, orgId));
  }

  async function auditItems(orgId: string) {
    const { body } = await getJson(system, `/v1/orgs/${orgId}/audit?limit=100`, await token(system, orgId));
    return body.items as { eventId: string; type: string; summary: string }[];
  }

  /** Sends a marker event for another org and waits for it: everything queued before it has been consumed. */
  async function drain(): Promise<void> {
    const orgId = `org_drain_${nextCreated()}`;
    const marker = stripeEventPayload('customer.subscription.created', {
      orgId,
      plan: 'starter',
      created: nextCreated(),
    });
    expect((await postStripe(system, marker.payload)).status).toBe(200);
    await eventually(async () => ((await billing(orgId)).status === 200 ? true : undefined));
  }

  it('a signed subscription.created gives the organisation its plan, capabilities and an audit entry', async () => {
    const event = stripeEventPayload('customer.subscription.created', {
      orgId: 'org_created',
      plan: 'growth',
      created: nextCreated(),
    });
    const answer = await postStripe(system, event.payload);
    expect(answer).toEqual({ status: 200, body: { received: true } });

    const record = await eventually(async () => {
      const response = await billing('org_created');
      return response.status === 200 ? response.body : undefined;
    });
    expect(record).toMatchObject({
      orgId: 'org_created',
      plan: 'growth',
      status: 'active',
      stripe: { customerId: event.customerId, subscriptionId: event.subscriptionId },
      capabilities: {
        features: expect.arrayContaining(['outbound_webhooks', 'demand_signals']),
        limits: expect.objectContaining({ webhookEndpoints: 20 }),
      },
    });
    const audit = await auditItems('org_created');
    expect(audit).toEqual([expect.objectContaining({ eventId: event.id, type: 'customer.subscription.created' })]);

    // The plan change is published to tenants' webhooks as subscription.updated, once per Stripe event.
    const messageId = messageIdFor(orgScope('org_created'), `subscription.updated:${event.id}`);
    const published = await eventually(async () => {
      const response = await getJson(
        system,
        `/v1/orgs/org_created/webhooks/messages/${messageId}`,
        await token(system, 'org_created'),
      );
      return response.status === 200 ? response.body : undefined;
    });
    expect(published).toMatchObject({
      eventType: 'subscription.updated',
      payload: {
        type: 'subscription.updated',
        data: { plan: 'growth', previousPlan: 'free', status: 'active', previousStatus: 'none' },
      },
    });
  });

  it('rejects bad, missing, tampered and expired signatures with 400 and queues nothing', async () => {
    const orgId = 'org_rejected';
    const event = stripeEventPayload('customer.subscription.created', {
      orgId,
      plan: 'growth',
      created: nextCreated(),
    });
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      {
        label: 'missing',
        answer: await postStripe(system, event.payload, { signature: null }),
        error: 'missing_signature',
      },
      {
        label: 'garbage',
        answer: await postStripe(system, event.payload, { signature: 'nonsense' }),
        error: 'malformed_signature',
      },
      {
        label: 'wrong secret',
        answer: await postStripe(system, event.payload, { secret: 'whsec_not_ours' }),
        error: 'no_matching_signature',
      },
      {
        label: 'expired',
        answer: await postStripe(system, event.payload, { timestamp: now - 301 }),
        error: 'timestamp_outside_tolerance',
      },
      {
        label: 'tampered body',
        answer: await postStripe(system, event.payload.replace('"growth"', '"enterprise"'), {
          signature: (await import('stripe')).default.webhooks.generateTestHeaderString({
            payload: event.payload,
            secret: system.stripeWebhookSecrets[0]!,
          }),
        }),
        error: 'no_matching_signature',
      },
    ];
    for (const { label, answer, error } of attempts) {
      expect({ label, status: answer.status }).toEqual({ label, status: 400 });
      expect(answer.body).toMatchObject({ error });
    }
    await drain();
    expect((await billing(orgId)).status).toBe(404);
    expect(await auditItems(orgId)).toEqual([]);
  });

  it('applies a duplicate delivery once: one audit entry per event, one alert', async () => {
    const orgId = 'org_duplicates';
    const created = stripeEventPayload('customer.subscription.created', {
      orgId,
      plan: 'starter',
      created: nextCreated(),
    });
    const failed = stripeEventPayload('invoice.payment_failed', {
      orgId,
      customerId: created.customerId,
      subscriptionId: created.subscriptionId,
      created: nextCreated(),
    });
    for (let delivery = 0; delivery < 3; delivery++) {
      expect((await postStripe(system, created.payload)).status).toBe(200);
      expect((await postStripe(system, failed.payload)).status).toBe(200);
    }
    await drain();
    const audit = await auditItems(orgId);
    expect(audit.map((entry) => entry.eventId).sort()).toEqual([created.id, failed.id].sort());
    const { body: alerts } = await getJson(system, `/v1/orgs/${orgId}/alerts`, await token(system, orgId));
    expect(alerts.items).toEqual([expect.objectContaining({ kind: 'payment_failed', orgId })]);
    const { body: record } = await billing(orgId);
    expect(record).toMatchObject({ plan: 'starter', lastPaymentFailure: { invoiceId: failed.invoiceId } });
  });

  it('ends a shuffled lifecycle in the state of its newest event', async () => {
    const orgId = 'org_shuffled';
    const ids = { customerId: 'cus_shuffled', subscriptionId: 'sub_shuffled' };
    const lifecycle = [
      stripeEventPayload('customer.subscription.created', {
        orgId,
        ...ids,
        plan: 'starter',
        status: 'trialing',
        created: nextCreated(),
      }),
      stripeEventPayload('customer.subscription.updated', {
        orgId,
        ...ids,
        plan: 'starter',
        status: 'active',
        created: nextCreated(),
      }),
      stripeEventPayload('customer.subscription.updated', {
        orgId,
        ...ids,
        plan: 'growth',
        status: 'active',
        created: nextCreated(),
      }),
      stripeEventPayload('customer.subscription.updated', {
        orgId,
        ...ids,
        plan: 'enterprise',
        status: 'past_due',
        created: nextCreated(),
      }),
      stripeEventPayload('customer.subscription.deleted', {
        orgId,
        ...ids,
        plan: 'enterprise',
        status: 'canceled',
        created: nextCreated(),
      }),
    ];
    const shuffled = [lifecycle[3]!, lifecycle[4]!, lifecycle[0]!, lifecycle[2]!, lifecycle[1]!];
    for (const event of shuffled) expect((await postStripe(system, event.payload)).status).toBe(200);
    await drain();
    const { body: record } = await billing(orgId);
    expect(record).toMatchObject({
      plan: 'free',
      status: 'canceled',
      subscribedPlan: 'enterprise',
      capabilities: { features: ['catalog_sync'] },
    });
    expect(await auditItems(orgId)).toHaveLength(5);
  });

  it('keeps the newest plan when upgrades arrive newest first', async () => {
    const orgId = 'org_upgrades';
    const ids = { customerId: 'cus_upgrades', subscriptionId: 'sub_upgrades' };
    const created = stripeEventPayload('customer.subscription.created', {
      orgId,
      ...ids,
      plan: 'starter',
      created: nextCreated(),
    });
    const growth = stripeEventPayload('customer.subscription.updated', {
      orgId,
      ...ids,
      plan: 'growth',
      created: nextCreated(),
    });
    const enterprise = stripeEventPayload('customer.subscription.updated', {
      orgId,
      ...ids,
      plan: 'enterprise',
      created: nextCreated(),
    });
    for (const event of [enterprise, growth, created]) {
      expect((await postStripe(system, event.payload)).status).toBe(200);
      await drain();
    }
    const { body: record } = await billing(orgId);
    expect(record).toMatchObject({ plan: 'enterprise', status: 'active' });
    const audit = await auditItems(orgId);
    expect(
      audit
        .filter((entry) => entry.summary.includes('not applied'))
        .map((entry) => entry.eventId)
        .sort(),
    ).toEqual([created.id, growth.id].sort());
  });

  it('moves a message that keeps failing to the DLQ, raising an ops alert', async () => {
    const orphan = stripeEventPayload('invoice.paid', { customerId: 'cus_nobody_knows', created: nextCreated() });
    expect((await postStripe(system, orphan.payload)).status).toBe(200);
    const sqs = sqsClient(system);
    const dead = await eventually(
      async () => {
        const result = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: system.queueUrls.billing.dlqUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        return result.Messages?.find((message) => message.Body?.includes(orphan.id));
      },
      { timeoutMs: 25_000 },
    );
    expect(JSON.parse(dead.Body ?? '{}')).toMatchObject({
      source: 'stripe',
      eventId: orphan.id,
      eventType: 'invoice.paid',
    });

    // Not tied to any organisation, the alert is kept under the unresolved partition of the ops table.
    const documents = createDocumentClient(system.env);
    const alerts = await documents.send(
      new QueryCommand({
        TableName: system.env[TABLES.ops.envVar],
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'ALERTS#_unresolved' },
      }),
    );
    const raised = (alerts.Items ?? []).filter((item) => item.id === `org_unresolved:${orphan.id}`);
    expect(raised).toEqual([
      expect.objectContaining({ kind: 'org_unresolved', severity: 'critical', published: true }),
    ]);
  });

  describe('JWT rules on the read API', () => {
    it('answers 401 without a token or with a bad one', async () => {
      expect((await getJson(system, '/v1/orgs/org_created/billing')).status).toBe(401);
      expect((await getJson(system, '/v1/orgs/org_created/billing', 'not-a-jwt')).status).toBe(401);
      const { signLocalToken } = await import('../../infra/local/jwt');
      const forged = await signLocalToken('some-other-secret', { orgId: 'org_created', role: 'admin' });
      expect((await getJson(system, '/v1/orgs/org_created/billing', forged)).status).toBe(401);
      const expired = await signLocalToken(system.jwtSecret, {
        orgId: 'org_created',
        role: 'admin',
        issuedAt: Math.floor(Date.now() / 1000) - 7_200,
        ttlSeconds: 60,
      });
      expect((await getJson(system, '/v1/orgs/org_created/billing', expired)).status).toBe(401);
    });

    it("answers 404 for another organisation's data", async () => {
      const other = await token(system, 'org_someone_else', 'admin');
      for (const resource of ['billing', 'audit', 'alerts']) {
        const response = await getJson(system, `/v1/orgs/org_created/${resource}`, other);
        expect({ resource, status: response.status }).toEqual({ resource, status: 404 });
      }
    });

    it('lets members read billing and audit but not ops alerts', async () => {
      const member = await token(system, 'org_created', 'member');
      expect((await getJson(system, '/v1/orgs/org_created/billing', member)).status).toBe(200);
      expect((await getJson(system, '/v1/orgs/org_created/audit', member)).status).toBe(200);
      const alerts = await getJson(system, '/v1/orgs/org_created/alerts', member);
      expect(alerts.status).toBe(403);
      expect(alerts.body).toMatchObject({ status: 403, code: 'forbidden' });
    });

    it('answers 400 with the offending field for a bad query', async () => {
      const response = await getJson(
        system,
        '/v1/orgs/org_created/audit?limit=1000',
        await token(system, 'org_created'),
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'invalid_request',
        errors: [expect.objectContaining({ field: 'limit' })],
      });
    });
  });
});
