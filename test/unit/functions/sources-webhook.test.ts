import { memoryInboundLog } from '../../support/inbound-log';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSourcesWebhookHandler } from '../../../functions/sources-webhook/sources-webhook';
import type { QueueSender } from '../../../shared/platform/aws/queue';
import type { InboundSource, SourceEvent } from '../../../shared/inbound/connections/connections-store';
import { inboundSourceMessageSchema } from '../../../shared/inbound/connections/inbound-source-message';
import { sourceSecretContext } from '../../../shared/inbound/connections/source-secret';
import { createLocalCipher, type SecretCipher } from '../../../shared/platform/crypto/secret-cipher';
import { EnqueueError } from '../../../shared/platform/errors';
import { generateSigningSecret } from '../../../shared/platform/crypto/standard-webhooks';
import { httpEvent } from '../../support/api-gateway';
import { recordingObservability } from '../../support/observability';

const NOW = new Date('2026-11-28T00:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const ORG = 'org_sources';
const SOURCE_ID = 'erp-orders';
const SECRET = generateSigningSecret();
const cipher = createLocalCipher('unit-test-local-key-material-for-sources');
const body =
  '{"id":"ord_1001","type":"order.created","data":{"sku":"TSHIRT-S","quantity":2,"variantId":788032119674292922}}';

/** `t=<ts>,v1=<hex HMAC-SHA256(decoded whsec key, "<ts>.<body>")>`, computed with node:crypto directly. */
function sign(payload: string | Buffer, secret = SECRET, timestamp = NOW_SECONDS): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `t=${timestamp},v1=${createHmac('sha256', key).update(`${timestamp}.`).update(payload).digest('hex')}`;
}

function post(
  payload: string | Buffer,
  signature: string | undefined,
  options: { sourceId?: string; base64?: boolean; method?: string } = {},
) {
  const sourceId = options.sourceId ?? SOURCE_ID;
  return httpEvent({
    method: options.method ?? 'POST',
    path: `/webhooks/sources/${sourceId}`,
    routeKey: 'ANY /webhooks/sources/{sourceId}',
    pathParameters: { sourceId },
    headers: {
      'content-type': 'application/json',
      ...(signature !== undefined && { 'x-betterdata-signature': signature }),
    },
    body: payload,
    ...(options.base64 !== undefined && { base64: options.base64 }),
  });
}

interface SetupOptions {
  secrets?: string[];
  cipher?: SecretCipher;
  failQueue?: boolean;
  failRecord?: boolean;
  failLookup?: boolean;
  maxBodyBytes?: number;
}

async function setup(options: SetupOptions = {}) {
  const sent: { body: string; attributes?: Record<string, string> }[] = [];
  const recorded: SourceEvent[] = [];
  const decrypts: string[] = [];
  const source: InboundSource = {
    sourceId: SOURCE_ID,
    orgId: ORG,
    secrets: await Promise.all(
      (options.secrets ?? [SECRET]).map((secret) => cipher.encrypt(secret, sourceSecretContext(ORG, SOURCE_ID))),
    ),
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
  const queue: QueueSender = {
    async send(messageBody, sendOptions) {
      if (options.failQueue) throw new EnqueueError('queue down');
      sent.push({ body: messageBody, attributes: sendOptions?.attributes });
      return `msg-${sent.length}`;
    },
    async sendBatch() {
      throw new Error('one message at a time');
    },
  };
  const usedCipher = options.cipher ?? cipher;
  const observability = recordingObservability();
  const inboundLog = memoryInboundLog(() => NOW);
  const handler = createSourcesWebhookHandler({
    connections: {
      async getSource(sourceId) {
        if (options.failLookup) throw new Error('DynamoDB unavailable');
        return sourceId === SOURCE_ID ? source : undefined;
      },
      async recordSourceEvent(event) {
        if (options.failRecord) throw new Error('DynamoDB unavailable');
        recorded.push(event);
      },
    },
    cipher: {
      encrypt: (plaintext, context) => usedCipher.encrypt(plaintext, context),
      decrypt: (ciphertext, context) => {
        decrypts.push(JSON.stringify(context));
        return usedCipher.decrypt(ciphertext, context);
      },
    },
    queue,
    maxBodyBytes: options.maxBodyBytes ?? 350 * 1024,
    sourceEventRetentionDays: 30,
    now: () => NOW,
    observability,
    inboundLog,
  });
  return {
    handler,
    sent,
    recorded,
    decrypts,
    observability,
    inboundLog,
    messages: () => sent.map((entry) => inboundSourceMessageSchema.parse(JSON.parse(entry.body))),
  };
}

describe('Function: sources-webhook handler', () => {
  it('queues a verified event on the inbound-sources queue, records it for 30 days, and answers 200', async () => {
    const { handler, messages, sent, recorded, observability } = await setup();
    const result = await handler(post(body, sign(body)));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ received: true });
    const [message] = messages();
    expect(message).toEqual({
      sourceId: SOURCE_ID,
      orgId: ORG,
      eventId: 'ord_1001',
      receivedAt: NOW.toISOString(),
      rawBodyBase64: Buffer.from(body).toString('base64'),
      // The 64-bit id survives as a digit string; everything else as JSON.parse reads it.
      json: {
        id: 'ord_1001',
        type: 'order.created',
        data: { sku: 'TSHIRT-S', quantity: 2, variantId: '788032119674292922' },
      },
    });
    expect(sent[0]!.attributes).toEqual({ sourceId: SOURCE_ID, orgId: ORG });
    expect(recorded).toEqual([
      {
        id: 'ord_1001',
        sourceId: SOURCE_ID,
        receivedAt: NOW.toISOString(),
        body,
        expiresAt: NOW_SECONDS + 30 * 86_400,
      },
    ]);
    expect(observability.metricNames).toEqual(['WebhookReceived', 'WebhookQueued']);
  });

  it("decrypts with the source's own encryption context", async () => {
    const { handler, decrypts } = await setup();
    await handler(post(body, sign(body)));
    expect(decrypts.map((context) => JSON.parse(context))).toEqual([
      { purpose: 'inbound-source-secret', orgId: ORG, sourceId: SOURCE_ID },
    ]);
  });

  it('decrypts each secret once per warm function', async () => {
    const { handler, decrypts } = await setup();
    await handler(post(body, sign(body)));
    await handler(post(body, sign(body)));
    expect(decrypts).toHaveLength(1);
  });

  it('names an event without a string id by a hash of its body, so a resend of it is recognised', async () => {
    const { handler, messages, recorded } = await setup();
    const numericId = '{"id":42,"hello":"world"}';
    expect((await handler(post(numericId, sign(numericId)))).statusCode).toBe(200);
    expect(messages()[0]!.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(recorded[0]!.id).toBe(messages()[0]!.eventId);
  });

  it('counts a second receipt of the same event id, even with another body, and does not queue it again', async () => {
    const { handler, sent, inboundLog, observability } = await setup();
    const altered = body.replace('"quantity":2', '"quantity":5');
    expect(altered).not.toBe(body);
    expect((await handler(post(body, sign(body)))).statusCode).toBe(200);
    expect((await handler(post(altered, sign(altered)))).statusCode).toBe(200);
    expect(sent).toHaveLength(1);
    const [entry] = [...inboundLog.entries.values()];
    expect(entry).toMatchObject({
      provider: 'sources',
      providerEventId: 'ord_1001',
      receiveCount: 2,
      status: 'applied',
      orgId: ORG,
    });
    expect(observability.metricNames).toContain('SourceEventDuplicateReceipt');
  });

  it('queues the retry of a receipt whose queueing failed', async () => {
    const failing = await setup({ failQueue: true });
    expect((await failing.handler(post(body, sign(body)))).statusCode).toBeGreaterThanOrEqual(500);
    expect([...failing.inboundLog.entries.values()][0]).toMatchObject({
      status: 'failed',
      reason: 'The event could not be queued',
    });
  });

  it('verifies a base64-encoded body (isBase64Encoded) over its decoded bytes', async () => {
    const { handler, sent } = await setup();
    expect((await handler(post(Buffer.from(body), sign(body), { base64: true }))).statusCode).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('accepts a signature by any of the source’s secrets while one is being rotated', async () => {
    const previous = generateSigningSecret();
    const { handler, sent } = await setup({ secrets: [SECRET, previous] });
    expect((await handler(post(body, sign(body, previous)))).statusCode).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['no signature header', undefined, 'missing_signature'],
    ['a signature by another secret', sign(body, generateSigningSecret()), 'no_matching_signature'],
    [
      'a signature keyed with the whole whsec_ string instead of its decoded bytes',
      `t=${NOW_SECONDS},v1=${createHmac('sha256', SECRET).update(`${NOW_SECONDS}.${body}`).digest('hex')}`,
      'no_matching_signature',
    ],
    ['a timestamp 301 s old', sign(body, SECRET, NOW_SECONDS - 301), 'timestamp_outside_tolerance'],
    ['a timestamp 301 s ahead', sign(body, SECRET, NOW_SECONDS + 301), 'timestamp_outside_tolerance'],
    ['a malformed header', 'v1=abc', 'malformed_signature'],
  ])('answers 400 and queues and records nothing for %s', async (_label, signature, error) => {
    const { handler, sent, recorded } = await setup();
    const result = await handler(post(body, signature));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error, message: expect.any(String) });
    expect(sent).toHaveLength(0);
    expect(recorded).toHaveLength(0);
  });

  it('answers 400 for a tampered body', async () => {
    const { handler, sent } = await setup();
    expect((await handler(post(body.replace('"quantity":2', '"quantity":20'), sign(body)))).statusCode).toBe(400);
    expect(sent).toHaveLength(0);
  });

  it.each([
    ['not JSON', Buffer.from('quantity=2')],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
  ])('answers 400 invalid_json for a verified body that is %s', async (_label, payload) => {
    const { handler, sent, recorded } = await setup();
    const result = await handler(post(payload, sign(payload), { base64: true }));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toBe('invalid_json');
    expect(sent).toHaveLength(0);
    expect(recorded).toHaveLength(0);
  });

  it(
    'answers 404 for an unknown source, and for an id that cannot be a ' + 'source, without decrypting anything',
    async () => {
      const { handler, sent, decrypts, observability } = await setup();
      for (const sourceId of ['no-such-source', 'Not A Source!']) {
        const result = await handler(post(body, sign(body), { sourceId }));
        expect(result.statusCode).toBe(404);
        expect(JSON.parse(result.body)).toEqual({ error: 'source_not_found', message: 'No such source' });
      }
      expect(decrypts).toHaveLength(0);
      expect(sent).toHaveLength(0);
      expect(observability.metricNames).toContain('WebhookUnknownSource');
    },
  );

  it('answers 413 over the size limit, 405 for other methods', async () => {
    const { handler, sent } = await setup({ maxBodyBytes: 10 });
    expect((await handler(post(body, sign(body)))).statusCode).toBe(413);
    const other = await handler(post(body, sign(body), { method: 'GET' }));
    expect(other.statusCode).toBe(405);
    expect(other.headers).toMatchObject({ allow: 'POST' });
    expect(sent).toHaveLength(0);
  });

  it('answers 413 when the queued envelope would exceed what SQS accepts', async () => {
    const { handler, sent } = await setup();
    // 1e20 re-serialises as 21 digits: the parsed copy outgrows the 1 MiB SQS message.
    const growing = `[${Array.from({ length: 60_000 }, () => '1e20').join(',')}]`;
    const result = await handler(post(growing, sign(growing)));
    expect(result.statusCode).toBe(413);
    expect(sent).toHaveLength(0);
  });

  it('answers 500 when the queue refuses the event, and records nothing', async () => {
    const { handler, recorded, observability } = await setup({ failQueue: true });
    const result = await handler(post(body, sign(body)));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body).error).toBe('enqueue_failed');
    expect(recorded).toHaveLength(0);
    expect(observability.metricNames).toContain('WebhookEnqueueFailed');
  });

  it('answers 200 once queued even if the listing write fails, and counts the miss', async () => {
    const { handler, sent, observability } = await setup({ failRecord: true });
    expect((await handler(post(body, sign(body)))).statusCode).toBe(200);
    expect(sent).toHaveLength(1);
    expect(observability.metricNames).toContain('SourceEventRecordFailed');
  });

  it('answers 500 when the source cannot be read or its secret cannot be decrypted', async () => {
    const lookupDown = await setup({ failLookup: true });
    expect((await lookupDown.handler(post(body, sign(body)))).statusCode).toBe(500);
    const wrongKey = await setup({ cipher: createLocalCipher('another-local-key-material-entirely') });
    const result = await wrongKey.handler(post(body, sign(body)));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body).error).toBe('verification_unavailable');
    expect(wrongKey.sent).toHaveLength(0);
  });
});
