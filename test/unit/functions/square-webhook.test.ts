import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSquareWebhookHandler } from '../../../functions/square-webhook/square-webhook';
import type { QueueSender } from '../../../shared/platform/aws/queue';
import type { ProviderConnection } from '../../../shared/inbound/connections/connections-store';
import { EnqueueError } from '../../../shared/platform/errors';
import { decodeQueuedBody, queuedWebhookSchema } from '../../../shared/inbound/queued-webhook';
import type { SecretList } from '../../../shared/platform/secrets';
import { httpEvent } from '../../support/api-gateway';
import { fixtureBytes } from '../../support/fixtures';
import { recordingObservability } from '../../support/observability';

const KEY = 'square-signature-key-unit';
const URL = 'https://hooks.example.com/api/webhooks/square';
const NOW = new Date('2026-11-28T00:00:00Z');
const PATH = '/api/webhooks/square';
const inventory = fixtureBytes('square.inventory.count.updated.json');
const catalog = fixtureBytes('square.catalog.version.updated.json');
const MERCHANT = '6SSW7HV8K2ST5';

/** Signed the way Square signs, with node:crypto directly (not the module under test). */
function sign(body: Buffer | string, key = KEY, url = URL): string {
  return createHmac('sha256', key).update(url).update(body).digest('base64');
}

function post(body: Buffer | string, signature: string | undefined, extra: { base64?: boolean } = {}) {
  return httpEvent({
    path: PATH,
    headers: {
      'content-type': 'application/json',
      ...(signature !== undefined && { 'x-square-hmacsha256-signature': signature }),
    },
    body: Buffer.isBuffer(body) && !extra.base64 ? body.toString('utf8') : body,
    ...(extra.base64 !== undefined && { base64: extra.base64 }),
  });
}

interface SetupOptions {
  keys?: SecretList;
  notificationUrl?: string | undefined;
  connections?: ProviderConnection[];
  failLookup?: boolean;
  failQueue?: boolean;
  maxBodyBytes?: number;
}

function setup(options: SetupOptions = {}) {
  const sent: { body: string; attributes?: Record<string, string> }[] = [];
  const lookups: string[] = [];
  const queue: QueueSender = {
    async send(messageBody, sendOptions) {
      if (options.failQueue) throw new EnqueueError('queue down');
      sent.push({ body: messageBody, attributes: sendOptions?.attributes });
      return `msg-${sent.length}`;
    },
    async sendBatch() {
      throw new Error('the Square webhook sends one message at a time');
    },
  };
  const connections = {
    async connectionOf(provider: 'square' | 'shopify', account: string) {
      lookups.push(`${provider}:${account}`);
      if (options.failLookup) throw new Error('DynamoDB unavailable');
      return (options.connections ?? []).find(
        (connection) => connection.provider === provider && connection.account === account,
      );
    },
  };
  const observability = recordingObservability();
  const handler = createSquareWebhookHandler({
    keys: options.keys ?? { current: async () => [KEY], refresh: async () => undefined },
    notificationUrl: 'notificationUrl' in options ? options.notificationUrl : URL,
    connections,
    queue,
    maxBodyBytes: options.maxBodyBytes ?? 512 * 1024,
    now: () => NOW,
    observability,
  });
  return {
    handler,
    sent,
    lookups,
    observability,
    messages: () => sent.map((entry) => queuedWebhookSchema.parse(JSON.parse(entry.body))),
  };
}

const connection = (notificationUrl: string | null, account = MERCHANT): ProviderConnection => ({
  provider: 'square',
  orgId: 'org_square',
  account,
  notificationUrl,
  connectedAt: NOW.toISOString(),
});

describe('Function: square-webhook handler', () => {
  it(
    'queues a verified inventory.count.updated with its exact raw body ' + 'and answers 200 {"received":true}',
    async () => {
      const { handler, messages, sent, lookups, observability } = setup();
      const result = await handler(post(inventory, sign(inventory)));
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ received: true });
      const [message] = messages();
      expect(message).toMatchObject({
        source: 'square',
        eventId: 'df5f3813-a913-45a1-94e9-fdc3f7d5e3b6',
        eventType: 'inventory.count.updated',
        account: MERCHANT,
        receivedAt: NOW.toISOString(),
      });
      expect(decodeQueuedBody(message!).equals(inventory)).toBe(true);
      expect(sent[0]!.attributes).toEqual({ source: 'square', eventType: 'inventory.count.updated' });
      // The configured URL matched: no database read on the hot path.
      expect(lookups).toEqual([]);
      expect(observability.metricNames).toEqual(['WebhookReceived', 'WebhookQueued']);
    },
  );

  it('queues a verified catalog.version.updated', async () => {
    const { handler, messages } = setup();
    expect((await handler(post(catalog, sign(catalog)))).statusCode).toBe(200);
    expect(messages()[0]).toMatchObject({
      eventId: 'aeaaa5f6-c4fd-4e93-b688-71b50706266f',
      eventType: 'catalog.version.updated',
      account: MERCHANT,
    });
  });

  it('verifies a base64-encoded body (isBase64Encoded) over its decoded bytes', async () => {
    const { handler, messages } = setup();
    const result = await handler(post(inventory, sign(inventory), { base64: true }));
    expect(result.statusCode).toBe(200);
    expect(decodeQueuedBody(messages()[0]!).equals(inventory)).toBe(true);
  });

  it.each([
    ['no signature header', undefined, 'missing_signature'],
    ['a signature of another key', sign(inventory, 'another-key'), 'no_matching_signature'],
    [
      'a signature over another URL (http instead of https)',
      sign(inventory, KEY, URL.replace('https:', 'http:')),
      'no_matching_signature',
    ],
    ['a signature over another URL (trailing slash)', sign(inventory, KEY, `${URL}/`), 'no_matching_signature'],
    [
      'a signature of the body re-serialised',
      sign(JSON.stringify(JSON.parse(inventory.toString('utf8')))),
      'no_matching_signature',
    ],
    ['a non-base64 signature', '*'.repeat(43) + '=', 'malformed_signature'],
    ['a wrong-length signature', Buffer.alloc(16).toString('base64'), 'malformed_signature'],
  ])('answers 400 with a JSON reason and queues nothing for %s', async (_label, signature, error) => {
    const { handler, sent, observability } = setup();
    const result = await handler(post(inventory, signature));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error, message: expect.any(String) });
    expect(sent).toHaveLength(0);
    expect(observability.metricNames).toContain('WebhookRejected');
  });

  it('answers 400 for a tampered body', async () => {
    const { handler, sent } = setup();
    const tampered = inventory.toString('utf8').replace('"quantity": "10"', '"quantity": "1000"');
    const result = await handler(post(tampered, sign(inventory)));
    expect(result.statusCode).toBe(400);
    expect(sent).toHaveLength(0);
  });

  it('never rebuilds the URL from the request: a Host header naming another URL does not help', async () => {
    const { handler, sent } = setup();
    const forged = sign(inventory, KEY, 'https://attacker.example/api/webhooks/square');
    const event = post(inventory, forged);
    event.headers.host = 'attacker.example';
    event.requestContext.domainName = 'attacker.example';
    expect((await handler(event)).statusCode).toBe(400);
    expect(sent).toHaveLength(0);
  });

  it(
    'answers 400 for a verified body that is not JSON, and for JSON ' + 'lacking event_id, type or merchant_id',
    async () => {
      const { handler, sent } = setup();
      const notJson = 'merchant_id=1';
      const first = await handler(post(notJson, sign(notJson)));
      expect(first.statusCode).toBe(400);
      expect(JSON.parse(first.body).error).toBe('invalid_json');
      for (const missing of ['event_id', 'type', 'merchant_id']) {
        const event = JSON.parse(inventory.toString('utf8')) as Record<string, unknown>;
        delete event[missing];
        const body = JSON.stringify(event);
        const result = await handler(post(body, sign(body)));
        expect(result.statusCode).toBe(400);
        expect(JSON.parse(result.body)).toMatchObject({
          error: 'not_a_square_event',
          message: expect.stringContaining(missing),
        });
      }
      expect(sent).toHaveLength(0);
    },
  );

  it('answers 413 for a body over the limit without verifying or queuing', async () => {
    const { handler, sent } = setup({ maxBodyBytes: 100 });
    const result = await handler(post(inventory, sign(inventory)));
    expect(result.statusCode).toBe(413);
    expect(JSON.parse(result.body).error).toBe('payload_too_large');
    expect(sent).toHaveLength(0);
  });

  it('answers 405 with Allow: POST for other methods', async () => {
    const { handler } = setup();
    const result = await handler(httpEvent({ method: 'GET', path: PATH }));
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: 'POST' });
    expect(JSON.parse(result.body).error).toBe('method_not_allowed');
  });

  it('acknowledges a verified event of another type without queuing it, and counts it', async () => {
    const { handler, sent, observability } = setup();
    const body = JSON.stringify({
      merchant_id: MERCHANT,
      type: 'webhooks.test_notification',
      event_id: 'evt-test',
      created_at: NOW.toISOString(),
      data: { type: 'webhooks', id: 'x' },
    });
    const result = await handler(post(body, sign(body)));
    expect(result.statusCode).toBe(200);
    expect(sent).toHaveLength(0);
    expect(observability.metricNames).toContain('WebhookUnhandledType');
  });

  it('answers 500 when the queue refuses the event, so Square retries', async () => {
    const { handler, observability } = setup({ failQueue: true });
    const result = await handler(post(inventory, sign(inventory)));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body).error).toBe('enqueue_failed');
    expect(observability.metricNames).toContain('WebhookEnqueueFailed');
  });

  describe('when the configured URL does not match', () => {
    const merchantUrl = 'https://merchant-proxy.example.com/square';

    it('verifies against the notification URL of the merchant connection', async () => {
      const { handler, sent, lookups, observability } = setup({ connections: [connection(merchantUrl)] });
      const result = await handler(post(inventory, sign(inventory, KEY, merchantUrl)));
      expect(result.statusCode).toBe(200);
      expect(sent).toHaveLength(1);
      expect(lookups).toEqual([`square:${MERCHANT}`]);
      expect(observability.metricNames).not.toContain('WebhookUnmatchedAccount');
    });

    it("does not accept another merchant's URL: the URL is that of the body's merchant_id", async () => {
      const { handler, sent } = setup({ connections: [connection(merchantUrl, 'OTHERMERCHANT')] });
      expect((await handler(post(inventory, sign(inventory, KEY, merchantUrl)))).statusCode).toBe(400);
      expect(sent).toHaveLength(0);
    });

    it('verifies with only connection URLs when SQUARE_NOTIFICATION_URL is unset', async () => {
      const { handler, sent } = setup({ notificationUrl: undefined, connections: [connection(merchantUrl)] });
      expect((await handler(post(inventory, sign(inventory, KEY, merchantUrl)))).statusCode).toBe(200);
      expect(sent).toHaveLength(1);
    });

    it('answers 400 when no URL is known for an unconfigured deployment and an unknown merchant', async () => {
      const { handler, sent } = setup({ notificationUrl: undefined });
      const result = await handler(post(inventory, sign(inventory)));
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body).error).toBe('no_matching_signature');
      expect(sent).toHaveLength(0);
    });

    it('answers 500 (Square retries) when the connection cannot be read', async () => {
      const { handler, sent } = setup({ failLookup: true });
      const result = await handler(post(inventory, sign(inventory, KEY, merchantUrl)));
      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body).error).toBe('verification_unavailable');
      expect(sent).toHaveLength(0);
    });
  });

  it(
    'still queues a verified event of an unknown merchant, and counts it ' + 'when the lookup showed it unknown',
    async () => {
      let refreshes = 0;
      const keys: SecretList = {
        current: async () => ['key-before-rotation'],
        refresh: async () => {
          refreshes += 1;
          return [KEY];
        },
      };
      const { handler, messages, lookups, observability } = setup({ keys });
      const result = await handler(post(inventory, sign(inventory)));
      expect(result.statusCode).toBe(200);
      expect(refreshes).toBe(1);
      expect(lookups).toEqual([`square:${MERCHANT}`]);
      expect(messages()[0]).toMatchObject({ account: MERCHANT, eventType: 'inventory.count.updated' });
      expect(observability.metricNames).toContain('WebhookUnmatchedAccount');
    },
  );

  it('queues a verified event of an unknown merchant without a lookup when the configured URL matches', async () => {
    const { handler, sent, lookups } = setup({ connections: [] });
    expect((await handler(post(inventory, sign(inventory)))).statusCode).toBe(200);
    expect(sent).toHaveLength(1);
    expect(lookups).toEqual([]);
  });

  it('accepts any key of a comma-separated rotation list', async () => {
    const { handler, sent } = setup({
      keys: { current: async () => ['old-key', KEY], refresh: async () => undefined },
    });
    expect((await handler(post(inventory, sign(inventory, 'old-key')))).statusCode).toBe(200);
    expect((await handler(post(inventory, sign(inventory, KEY)))).statusCode).toBe(200);
    expect(sent).toHaveLength(2);
  });
});
