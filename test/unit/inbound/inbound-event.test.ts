import { describe, expect, it } from 'vitest';
import {
  afterTry,
  inboundEventId,
  isInboundEventId,
  newEntry,
  safeHeaders,
  shopifyEventIdOf,
  sourceEventIdOf,
  type InboundEntry,
} from '../../../shared/inbound/log/inbound-event';

const NOW = new Date('2026-06-01T10:00:00.000Z');
const LATER = new Date('2026-06-01T10:05:00.000Z');

function entry(): InboundEntry {
  return newEntry({
    provider: 'stripe',
    providerEventId: 'evt_1',
    type: 'invoice.paid',
    receivedAt: NOW.toISOString(),
    receiptId: 'req_1',
    account: 'cus_1',
    orgId: null,
    headers: {},
    retentionDays: 30,
    now: NOW,
  });
}

describe('inbound event identity', () => {
  it('gives the same provider event id the same log id, and different providers different ones', () => {
    const id = inboundEventId('stripe', 'evt_1');
    expect(isInboundEventId(id)).toBe(true);
    expect(inboundEventId('stripe', 'evt_1')).toBe(id);
    expect(inboundEventId('square', 'evt_1')).not.toBe(id);
    expect(isInboundEventId('ie_nope')).toBe(false);
  });

  it("names a source's event by its body id, else webhook-id, else a hash of the body", () => {
    expect(sourceEventIdOf({ id: 'ord_1' }, { 'webhook-id': 'msg_1' })).toBe('ord_1');
    expect(sourceEventIdOf({ id: 42 }, { 'webhook-id': 'msg_1' })).toBe('msg_1');
    const hashed = sourceEventIdOf({ id: 42 }, {});
    expect(hashed).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sourceEventIdOf({ id: 42 }, {})).toBe(hashed);
    expect(sourceEventIdOf({ id: 43 }, {})).not.toBe(hashed);
  });

  it('prefers x-shopify-event-id to the webhook id', () => {
    expect(shopifyEventIdOf({ 'x-shopify-event-id': 'e1' }, 'w1')).toBe('e1');
    expect(shopifyEventIdOf({}, 'w1')).toBe('w1');
  });

  it('keeps descriptive headers and never signatures or credentials', () => {
    expect(
      safeHeaders({
        'Content-Type': 'application/json',
        'x-shopify-topic': 'products/update',
        'x-shopify-hmac-sha256': 'secret',
        'stripe-signature': 't=1,v1=x',
        authorization: 'Bearer x',
        'webhook-id': 'msg_1',
        'webhook-signature': 'v1,x',
        'x-forwarded-for': '1.2.3.4',
      }),
    ).toEqual({ 'content-type': 'application/json', 'x-shopify-topic': 'products/update', 'webhook-id': 'msg_1' });
  });
});

describe('outcome transitions', () => {
  it('records a failure with its reason, the first failed try and the tries since', () => {
    const failed = afterTry(entry(), { status: 'failed', reason: 'no organisation' }, NOW);
    expect(failed).toMatchObject({
      status: 'failed',
      reason: 'no organisation',
      tries: 1,
      firstFailedAt: NOW.toISOString(),
      orgId: null,
    });
    const again = afterTry(failed, { status: 'failed', reason: 'still none' }, LATER);
    expect(again).toMatchObject({
      tries: 2,
      reason: 'still none',
      firstFailedAt: NOW.toISOString(),
      lastTriedAt: LATER.toISOString(),
    });
  });

  it('applies a failed event once it can be resolved, dropping the failure', () => {
    const failed = afterTry(entry(), { status: 'failed', reason: 'no organisation' }, NOW);
    const applied = afterTry(
      failed,
      { status: 'applied', changed: true, orgId: 'org_1', effects: { auditEntryId: 'evt_1' } },
      LATER,
    );
    expect(applied).toMatchObject({ status: 'applied', orgId: 'org_1', tries: 2, effects: { auditEntryId: 'evt_1' } });
    expect(applied).not.toHaveProperty('reason');
    expect(applied).not.toHaveProperty('firstFailedAt');
  });

  it('keeps an applied event as it was when a replay changes nothing', () => {
    const applied = afterTry(
      entry(),
      { status: 'applied', changed: true, orgId: 'org_1', effects: { publishedEventIds: ['a'] } },
      NOW,
    );
    const replayed = afterTry(
      applied,
      { status: 'ignored', changed: false, orgId: 'org_1', reason: 'event already applied', effects: {} },
      LATER,
    );
    expect(replayed).toMatchObject({ status: 'applied', tries: 2, effects: { publishedEventIds: ['a'] } });
    expect(replayed).not.toHaveProperty('reason');
  });

  it('clips long reasons and sets the expiry from the receipt time', () => {
    const failed = afterTry(entry(), { status: 'failed', reason: 'x'.repeat(2_000) }, NOW);
    expect(failed.reason).toHaveLength(500);
    expect(entry().expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 30 * 86_400);
  });
});
