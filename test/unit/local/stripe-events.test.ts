import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SUBSCRIPTION_ID,
  STRIPE_EVENT_TYPES,
  buildStripeEvent,
  loadStripeFixture,
  newStripeEventId,
} from '../../../infra/local/stripe-events';

interface SubscriptionEvent {
  data: {
    object: {
      id: string;
      customer: string;
      status: string;
      metadata: Record<string, string | undefined>;
      items: { data: Array<{ subscription: string; price: { metadata: Record<string, string>; lookup_key: string } }> };
    };
  };
}
interface InvoiceEvent {
  data: { object: { customer: string; parent: Record<string, unknown> } };
}

describe('buildStripeEvent', () => {
  it('loads a fixture for every supported type', () => {
    for (const type of STRIPE_EVENT_TYPES) expect(loadStripeFixture(type).type).toBe(type);
  });

  it('gives each event a fresh evt_ id and created = now', () => {
    const fixture = loadStripeFixture('invoice.paid');
    const before = Math.floor(Date.now() / 1000);
    const a = buildStripeEvent(fixture, 'invoice.paid', { orgId: 'org_1' });
    const b = buildStripeEvent(fixture, 'invoice.paid', { orgId: 'org_1' });
    expect(a.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.created).toBeGreaterThanOrEqual(before);
    expect(newStripeEventId()).toMatch(/^evt_/);
  });

  it('puts org, plan, lookup key, customer, subscription and status into a subscription event', () => {
    const fixture = loadStripeFixture('customer.subscription.updated');
    const event = buildStripeEvent(fixture, 'customer.subscription.updated', {
      orgId: 'org_123',
      plan: 'scale',
      customerId: 'cus_X',
      subscriptionId: 'sub_X',
      status: 'past_due',
    }) as unknown as SubscriptionEvent;
    const subscription = event.data.object;
    expect(subscription).toMatchObject({
      id: 'sub_X',
      customer: 'cus_X',
      status: 'past_due',
      metadata: { org_id: 'org_123' },
    });
    expect(subscription.items.data[0]?.price).toMatchObject({
      metadata: { plan: 'scale' },
      lookup_key: 'scale_monthly',
    });
    expect(subscription.items.data[0]?.subscription).toBe('sub_X');
    // The fixture is not modified.
    expect((fixture as unknown as SubscriptionEvent).data.object.metadata.org_id).toBeUndefined();
  });

  it('defaults subscription status per type and the plan to growth', () => {
    const created = buildStripeEvent(
      loadStripeFixture('customer.subscription.created'),
      'customer.subscription.created',
      { orgId: 'o' },
    ) as unknown as SubscriptionEvent;
    const deleted = buildStripeEvent(
      loadStripeFixture('customer.subscription.deleted'),
      'customer.subscription.deleted',
      { orgId: 'o' },
    ) as unknown as SubscriptionEvent;
    expect(created.data.object.status).toBe('active');
    expect(created.data.object.items.data[0]?.price.lookup_key).toBe('growth_monthly');
    expect(deleted.data.object.status).toBe('canceled');
  });

  it('links an invoice to the org and subscription through parent.subscription_details', () => {
    const event = buildStripeEvent(loadStripeFixture('invoice.payment_failed'), 'invoice.payment_failed', {
      orgId: 'org_9',
      customerId: 'cus_9',
    }) as unknown as InvoiceEvent;
    expect(event.data.object.customer).toBe('cus_9');
    expect(event.data.object.parent).toMatchObject({
      type: 'subscription_details',
      subscription_details: { metadata: { org_id: 'org_9' }, subscription: DEFAULT_SUBSCRIPTION_ID },
    });
  });
});
