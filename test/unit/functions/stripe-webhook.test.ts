import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createStripeWebhookHandler } from '../../../functions/stripe-webhook/stripe-webhook';
import type { QueueSender } from '../../../shared/platform/aws/queue';
import { EnqueueError } from '../../../shared/platform/errors';
import { decodeQueuedBody, queuedWebhookSchema } from '../../../shared/inbound/queued-webhook';
import type { SecretList } from '../../../shared/platform/secrets';
import { httpEvent } from '../../support/api-gateway';
import { fixtureBytes } from '../../support/fixtures';
import { recordingObservability } from '../../support/observability';

const SECRET = 'whsec_unit';
const NOW = new Date('2026-11-28T00:00:00Z');
const stripe = new Stripe('sk_test_unused');
const body = fixtureBytes('stripe.customer.subscription.created.json');

function sign(payload: Buffer | string, secret = SECRET, at = NOW): string {
  return stripe.webhooks.generateTestHeaderString({
    payload: payload.toString(),
    secret,
    timestamp: Math.floor(at.getTime() / 1000),
  });
}

function setup(options: { secrets?: SecretList; failQueue?: boolean; maxBodyBytes?: number } = {}) {
  const sent: { body: string; attributes?: Record<string, string> }[] = [];
  const queue: QueueSender = {
    async send(messageBody, sendOptions) {
      if (options.failQueue) throw new EnqueueError('queue down');
      sent.push({ body: messageBody, attributes: sendOptions?.attributes });
      return `msg-${sent.length}`;
    },
    async sendBatch() {
      throw new Error('the Stripe webhook sends one message at a time');
    },
  };
  const observability = recordingObservability();
  const secrets = options.secrets ?? { current: async () => [SECRET], refresh: async () => undefined };
  const handler = createStripeWebhookHandler({
    secrets,
    queue,
    maxBodyBytes: options.maxBodyBytes ?? 512 * 1024,
    now: () => NOW,
    observability,
  });
  return { handler, sent, observability };
}

describe('Function: stripe-webhook handler', () => {
  it('queues a verified event with its exact raw body and answers 200 {"received":true}', async () => {
    const { handler, sent, observability } = setup();
    const result = await handler(
      httpEvent({
        headers: { 'stripe-signature': sign(body), 'content-type': 'application/json' },
        body: body.toString('utf8'),
      }),
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ received: true });
    expect(sent).toHaveLength(1);
    const message = queuedWebhookSchema.parse(JSON.parse(sent[0]!.body));
    expect(decodeQueuedBody(message).equals(body)).toBe(true);
    expect(message).toMatchObject({
      source: 'stripe',
      eventId: 'evt_1Pgc6sB7WZ01zgkWsubcr001',
      eventType: 'customer.subscription.created',
      receivedAt: NOW.toISOString(),
    });
    expect(sent[0]!.attributes).toEqual({ source: 'stripe', eventType: 'customer.subscription.created' });
    expect(observability.metricNames).toEqual(['WebhookReceived', 'WebhookQueued']);
  });

  it('verifies a base64-encoded body over its decoded bytes', async () => {
    const { handler, sent } = setup();
    const result = await handler(httpEvent({ headers: { 'stripe-signature': sign(body) }, body, base64: true }));
    expect(result.statusCode).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['no signature header', {}, 'missing_signature'],
    ['a tampered signature', { 'stripe-signature': sign(body, 'whsec_other') }, 'no_matching_signature'],
    [
      'an expired timestamp',
      { 'stripe-signature': sign(body, SECRET, new Date(NOW.getTime() - 301_000)) },
      'timestamp_outside_tolerance',
    ],
    ['a malformed header', { 'stripe-signature': 't=now,v1=zz' }, 'malformed_signature'],
  ])('answers 400 and queues nothing for %s', async (_label, headers, error) => {
    const { handler, sent } = setup();
    const result = await handler(httpEvent({ headers, body: body.toString('utf8') }));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error });
    expect(sent).toHaveLength(0);
  });

  it('answers 400 for a verified body that is not JSON, and for JSON that is not a Stripe event', async () => {
    const { handler, sent } = setup();
    const notJson = 'hello';
    const first = await handler(httpEvent({ headers: { 'stripe-signature': sign(notJson) }, body: notJson }));
    expect(first.statusCode).toBe(400);
    expect(JSON.parse(first.body).error).toBe('invalid_json');
    const notEvent = JSON.stringify({ id: 'cus_1', object: 'customer' });
    const second = await handler(httpEvent({ headers: { 'stripe-signature': sign(notEvent) }, body: notEvent }));
    expect(second.statusCode).toBe(400);
    expect(JSON.parse(second.body)).toMatchObject({ error: 'not_a_stripe_event' });
    expect(sent).toHaveLength(0);
  });

  it('answers 413 for a body over the limit without verifying or queuing', async () => {
    const { handler, sent } = setup({ maxBodyBytes: 100 });
    const result = await handler(
      httpEvent({ headers: { 'stripe-signature': sign(body) }, body: body.toString('utf8') }),
    );
    expect(result.statusCode).toBe(413);
    expect(sent).toHaveLength(0);
  });

  it('answers 405 with Allow: POST for other methods', async () => {
    const { handler } = setup();
    const result = await handler(httpEvent({ method: 'GET' }));
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: 'POST' });
  });

  it('acknowledges a verified event of an unhandled type without queuing it, and counts it', async () => {
    const { handler, sent, observability } = setup();
    const other = JSON.stringify({
      id: 'evt_other',
      object: 'event',
      type: 'charge.refunded',
      created: 1,
      data: { object: { id: 'ch_1' } },
    });
    const result = await handler(httpEvent({ headers: { 'stripe-signature': sign(other) }, body: other }));
    expect(result.statusCode).toBe(200);
    expect(sent).toHaveLength(0);
    expect(observability.metricNames).toContain('WebhookUnhandledType');
  });

  it('answers 500 when the queue refuses the event, so Stripe retries', async () => {
    const { handler, observability } = setup({ failQueue: true });
    const result = await handler(
      httpEvent({ headers: { 'stripe-signature': sign(body) }, body: body.toString('utf8') }),
    );
    expect(result.statusCode).toBe(500);
    expect(observability.metricNames).toContain('WebhookEnqueueFailed');
  });

  it('re-reads the secret once when nothing matches, picking up a rotation', async () => {
    let refreshes = 0;
    const secrets: SecretList = {
      current: async () => ['whsec_before_rotation'],
      refresh: async () => {
        refreshes += 1;
        return [SECRET];
      },
    };
    const { handler, sent } = setup({ secrets });
    const result = await handler(
      httpEvent({ headers: { 'stripe-signature': sign(body) }, body: body.toString('utf8') }),
    );
    expect(result.statusCode).toBe(200);
    expect(refreshes).toBe(1);
    expect(sent).toHaveLength(1);
  });
});
