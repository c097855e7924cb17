import { describe, expect, it } from 'vitest';
import {
  buildQueuedWebhook,
  decodeQueuedBody,
  parseQueuedWebhook,
  type QueuedWebhookFields,
} from '../../../shared/inbound/queued-webhook';

const FIELDS: QueuedWebhookFields = {
  source: 'shopify',
  eventId: 'b54557e4-"quoted"',
  eventType: 'products/update',
  receivedAt: '2026-11-28T00:00:00.000Z',
  correlationId: 'req-1',
  account: 'shop.myshopify.com',
  headers: { 'x-shopify-topic': 'products/update' },
};
const LIMIT = 1_048_576;

function roundTrip(payload: Buffer, limit = LIMIT) {
  const text = buildQueuedWebhook(FIELDS, payload, limit);
  const message = parseQueuedWebhook(text);
  expect(decodeQueuedBody(message).equals(payload)).toBe(true);
  return { text, message };
}

describe('Queued webhook message', () => {
  it('carries a UTF-8 body as the exact string, with every field the schema asks for', () => {
    const payload = Buffer.from('{"title":"Café \\"crème\\"\\n","tab":"\t","nul":"\\u0000"}');
    const { message } = roundTrip(payload);
    expect(message).toEqual({ ...FIELDS, rawBody: payload.toString('utf8') });
  });

  it.each([
    ['is not valid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['holds U+FFFF, which SQS refuses', Buffer.from('{"x":"\uffff"}')],
    ['holds a character outside the BMP, which the emulator refuses', Buffer.from('{"x":"🧾"}')],
    ['holds a raw control character', Buffer.from('{"x":"\u0001"}')],
  ])('falls back to base64 when the body %s (or escapes it safely)', (label, payload) => {
    const { message } = roundTrip(payload);
    if (label.includes('control')) expect(message.rawBody).toBe(payload.toString('utf8'));
    else expect(message.rawBodyBase64).toBe(payload.toString('base64'));
  });

  it('falls back to base64 when escaping would push the message past the limit', () => {
    const payload = Buffer.from(`"${'\u0001'.repeat(2_000)}"`);
    expect(roundTrip(payload, 10_000 + 8_192).message.rawBodyBase64).toBe(payload.toString('base64'));
    expect(roundTrip(payload, LIMIT).message.rawBody).toBe(payload.toString('utf8'));
  });

  it('refuses a message with both or neither body field', () => {
    const base = { ...FIELDS };
    expect(() => parseQueuedWebhook(JSON.stringify(base))).toThrow(/exactly one/);
    expect(() => parseQueuedWebhook(JSON.stringify({ ...base, rawBody: '{}', rawBodyBase64: 'e30=' }))).toThrow(
      /exactly one/,
    );
  });
});
