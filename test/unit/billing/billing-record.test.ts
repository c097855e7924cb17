import { describe, expect, it } from 'vitest';
import {
  decideInvoiceEvent,
  decideSubscriptionEvent,
  isNewer,
  versionOf,
  type BillingRecord,
  type Decision,
} from '../../../shared/billing/billing-record';
import type { BillingEvent } from '../../../shared/billing/stripe-events';
import { invoiceEvent, subscriptionEvent } from '../../support/billing-events';

const ORG = 'org_1';
const NOW = '2026-11-28T00:00:00.000Z';

function decide(current: BillingRecord | undefined, event: BillingEvent): Decision {
  return event.kind === 'subscription'
    ? decideSubscriptionEvent(current, event, ORG, NOW)
    : decideInvoiceEvent(current, event, ORG, NOW);
}

/** Applies events in the given order the way the consumer does, keeping only applied results. */
function replay(events: readonly BillingEvent[]): BillingRecord | undefined {
  let record: BillingRecord | undefined;
  for (const event of events) {
    const decision = decide(record, event);
    if (decision.outcome === 'applied') record = decision.record;
  }
  return record;
}

function applied(decision: Decision): BillingRecord {
  if (decision.outcome !== 'applied') throw new Error(`expected applied, got ${decision.outcome}`);
  return decision.record;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

/** The record without bookkeeping that legitimately depends on arrival order. */
function state(record: BillingRecord | undefined) {
  if (!record) return undefined;
  const { revision: _revision, updatedAt: _updatedAt, lastChange: _lastChange, ...rest } = record;
  return rest;
}

describe('Module: billing record transitions', () => {
  describe('Function: isNewer', () => {
    it('orders by created, then deletion after update after creation, then by event id', () => {
      const created = versionOf({ id: 'evt_b', type: 'customer.subscription.created', created: 10 });
      const updated = versionOf({ id: 'evt_a', type: 'customer.subscription.updated', created: 10 });
      const deleted = versionOf({ id: 'evt_0', type: 'customer.subscription.deleted', created: 10 });
      const later = versionOf({ id: 'evt_0', type: 'customer.subscription.created', created: 11 });
      expect(isNewer(updated, created)).toBe(true);
      expect(isNewer(deleted, updated)).toBe(true);
      expect(isNewer(later, deleted)).toBe(true);
      expect(isNewer(created, updated)).toBe(false);
      expect(isNewer(versionOf({ id: 'evt_z', type: 'customer.subscription.updated', created: 10 }), updated)).toBe(
        true,
      );
      expect(isNewer(updated, updated)).toBe(false);
      expect(isNewer(updated, undefined)).toBe(true);
    });
  });

  describe('Function: decideSubscriptionEvent', () => {
    it('creates the record with the plan capabilities on customer.subscription.created', () => {
      const record = applied(
        decide(
          undefined,
          subscriptionEvent({
            created: 100,
            type: 'customer.subscription.created',
            plan: 'growth',
            orgId: ORG,
            periodEnd: 1_800_000_000,
          }),
        ),
      );
      expect(record).toMatchObject({
        orgId: ORG,
        plan: 'growth',
        subscribedPlan: 'growth',
        status: 'active',
        stripe: { customerId: 'cus_1', subscriptionId: 'sub_1' },
        currentPeriodEnd: '2027-01-15T08:00:00.000Z',
        revision: 1,
      });
      expect(record.capabilities.features).toContain('demand_signals');
      expect(record.capabilities.limits.webhookEndpoints).toBe(20);
    });

    it('applies a plan change and recomputes the capabilities', () => {
      const first = applied(decide(undefined, subscriptionEvent({ created: 100, plan: 'starter' })));
      const decision = decide(first, subscriptionEvent({ created: 200, plan: 'enterprise' }));
      const next = applied(decision);
      expect(next.plan).toBe('enterprise');
      expect(next.capabilities.features).toContain('federation');
      expect(next.revision).toBe(2);
      expect(decision.outcome === 'applied' && decision.changes).toEqual({
        planChanged: true,
        statusChanged: false,
        unknownPlan: false,
      });
    });

    it('keeps the subscribed plan but grants free capabilities while unpaid', () => {
      const record = applied(decide(undefined, subscriptionEvent({ created: 100, plan: 'growth', status: 'unpaid' })));
      expect(record).toMatchObject({ plan: 'free', subscribedPlan: 'growth', status: 'unpaid' });
      expect(record.capabilities.features).not.toContain('outbound_webhooks');
    });

    it('downgrades to free on deletion and remembers the ended subscription', () => {
      const active = applied(decide(undefined, subscriptionEvent({ created: 100, plan: 'growth' })));
      const deleted = applied(
        decide(
          active,
          subscriptionEvent({
            created: 200,
            plan: 'growth',
            type: 'customer.subscription.deleted',
            status: 'canceled',
          }),
        ),
      );
      expect(deleted).toMatchObject({ plan: 'free', status: 'canceled', endedSubscriptionIds: ['sub_1'] });
    });

    it('never lets an update revive a deleted subscription, even one stamped later', () => {
      const deleted = applied(
        decide(
          undefined,
          subscriptionEvent({
            created: 200,
            type: 'customer.subscription.deleted',
            status: 'canceled',
            plan: 'growth',
          }),
        ),
      );
      expect(decide(deleted, subscriptionEvent({ created: 150, plan: 'growth' })).outcome).toBe('stale');
      expect(decide(deleted, subscriptionEvent({ created: 250, plan: 'growth' })).outcome).toBe('stale');
    });

    it('ignores an older event and reports a redelivered one as a duplicate', () => {
      const newer = applied(decide(undefined, subscriptionEvent({ id: 'evt_new', created: 200, plan: 'enterprise' })));
      expect(decide(newer, subscriptionEvent({ id: 'evt_old', created: 100, plan: 'starter' })).outcome).toBe('stale');
      expect(decide(newer, subscriptionEvent({ id: 'evt_new', created: 200, plan: 'enterprise' })).outcome).toBe(
        'duplicate',
      );
    });

    it('lets a new subscription take over, and the old one ending later does not downgrade the org', () => {
      const old = applied(
        decide(undefined, subscriptionEvent({ created: 100, subscriptionId: 'sub_old', plan: 'starter' })),
      );
      const replaced = applied(
        decide(
          old,
          subscriptionEvent({
            created: 200,
            subscriptionId: 'sub_new',
            plan: 'growth',
            type: 'customer.subscription.created',
          }),
        ),
      );
      const oldEnds = applied(
        decide(
          replaced,
          subscriptionEvent({
            created: 300,
            subscriptionId: 'sub_old',
            type: 'customer.subscription.deleted',
            status: 'canceled',
            plan: 'starter',
          }),
        ),
      );
      expect(oldEnds).toMatchObject({
        plan: 'growth',
        stripe: { subscriptionId: 'sub_new' },
        endedSubscriptionIds: ['sub_old'],
      });
    });

    it('flags a subscription whose plan the catalog does not know and grants free', () => {
      const decision = decide(undefined, subscriptionEvent({ created: 100, lookupKey: 'platinum_monthly' }));
      expect(decision.outcome === 'applied' && decision.changes.unknownPlan).toBe(true);
      expect(applied(decision).plan).toBe('free');
    });
  });

  describe('Function: decideInvoiceEvent', () => {
    it('records the payment on invoice.paid, creating a free record if none exists yet', () => {
      const record = applied(decide(undefined, invoiceEvent({ created: 1_721_954_062, amount: 4_900 })));
      expect(record).toMatchObject({
        plan: 'free',
        status: 'none',
        lastPayment: { invoiceId: 'in_1', amountPaid: 4_900, currency: 'usd', paidAt: '2024-07-26T00:34:22.000Z' },
      });
    });

    it('records a failure, and a later payment of the same invoice settles it', () => {
      const failed = applied(decide(undefined, invoiceEvent({ created: 100, type: 'invoice.payment_failed' })));
      expect(failed.lastPaymentFailure).toMatchObject({ invoiceId: 'in_1', amountDue: 2_000, attemptCount: 1 });
      const paid = applied(decide(failed, invoiceEvent({ created: 200 })));
      expect(paid.lastPaymentFailure).toBeNull();
      expect(paid.lastPayment?.invoiceId).toBe('in_1');
    });

    it('ignores a failure that arrives after the same invoice was paid', () => {
      const paid = applied(decide(undefined, invoiceEvent({ created: 200 })));
      expect(decide(paid, invoiceEvent({ created: 100, type: 'invoice.payment_failed' })).outcome).toBe('stale');
    });

    it('treats a redelivered payment as a duplicate and an older payment as stale', () => {
      const paid = applied(decide(undefined, invoiceEvent({ id: 'evt_pay_2', created: 200, invoiceId: 'in_2' })));
      expect(decide(paid, invoiceEvent({ id: 'evt_pay_2', created: 200, invoiceId: 'in_2' })).outcome).toBe(
        'duplicate',
      );
      expect(decide(paid, invoiceEvent({ id: 'evt_pay_1', created: 100, invoiceId: 'in_1' })).outcome).toBe('stale');
    });

    it('does not touch the plan', () => {
      const growth = applied(decide(undefined, subscriptionEvent({ created: 100, plan: 'growth' })));
      expect(applied(decide(growth, invoiceEvent({ created: 200 }))).plan).toBe('growth');
    });
  });

  describe('Property: arrival order does not matter', () => {
    const lifecycle: BillingEvent[] = [
      subscriptionEvent({
        id: 'evt_1',
        created: 100,
        type: 'customer.subscription.created',
        plan: 'starter',
        status: 'trialing',
      }),
      subscriptionEvent({ id: 'evt_2', created: 200, plan: 'starter', status: 'active' }),
      invoiceEvent({ id: 'evt_3', created: 210, type: 'invoice.payment_failed', invoiceId: 'in_a' }),
      invoiceEvent({ id: 'evt_4', created: 220, invoiceId: 'in_a' }),
      subscriptionEvent({ id: 'evt_5', created: 300, plan: 'growth', status: 'active' }),
      subscriptionEvent({
        id: 'evt_6',
        created: 400,
        type: 'customer.subscription.deleted',
        plan: 'growth',
        status: 'canceled',
      }),
    ];

    it('every one of the 720 orders ends in the state of in-order delivery', () => {
      const expected = state(replay(lifecycle));
      expect(expected).toMatchObject({
        plan: 'free',
        status: 'canceled',
        lastPayment: { invoiceId: 'in_a' },
        lastPaymentFailure: null,
      });
      const orders = permutations(lifecycle);
      expect(orders).toHaveLength(720);
      for (const order of orders) expect(state(replay(order))).toEqual(expected);
    });

    it('without a deletion to settle it, the newest update still wins in every order', () => {
      const upgrades: BillingEvent[] = [
        subscriptionEvent({
          id: 'evt_a',
          created: 100,
          type: 'customer.subscription.created',
          plan: 'starter',
          status: 'trialing',
        }),
        subscriptionEvent({ id: 'evt_b', created: 200, plan: 'growth', status: 'active' }),
        subscriptionEvent({ id: 'evt_c', created: 300, plan: 'enterprise', status: 'past_due' }),
        subscriptionEvent({ id: 'evt_d', created: 300, plan: 'starter', status: 'active' }),
        invoiceEvent({ id: 'evt_e', created: 250, invoiceId: 'in_1' }),
        invoiceEvent({ id: 'evt_f', created: 260, invoiceId: 'in_2' }),
      ];
      for (const order of permutations(upgrades)) {
        // evt_d and evt_c share a second: the higher event id wins, deterministically.
        expect(state(replay(order))).toMatchObject({
          plan: 'starter',
          status: 'active',
          lastPayment: { invoiceId: 'in_2' },
        });
      }
    });

    it('delivering every event twice, in any order, changes nothing', () => {
      const expected = state(replay(lifecycle));
      const doubled = [...lifecycle, ...lifecycle].reverse();
      expect(state(replay(doubled))).toEqual(expected);
    });
  });
});
