import { capabilitiesOf, effectivePlan, planOfSubscription, type Capabilities, type PlanId } from './plans';
import { currentPeriodEnd, subscriptionIdOfInvoice, type BillingEvent, type StripeInvoice } from './stripe-events';

/**
 * An organisation's billing record and the pure state transitions that Stripe events cause.
 * Stripe delivers out of order and more than once, so every transition first decides whether the
 * event is newer than what the record already reflects; older events and duplicates change nothing.
 */

/** Orders events: by `created`, then (same second) deletion after update after creation, then by id. */
export interface EventVersion {
  readonly created: number;
  readonly rank: number;
  readonly eventId: string;
}

const TYPE_RANK: Record<BillingEvent['type'], number> = {
  'customer.subscription.created': 0,
  'customer.subscription.updated': 1,
  'customer.subscription.deleted': 2,
  'invoice.payment_failed': 0,
  'invoice.paid': 1,
};

export function versionOf(event: Pick<BillingEvent, 'id' | 'type' | 'created'>): EventVersion {
  return { created: event.created, rank: TYPE_RANK[event.type], eventId: event.id };
}

export function isNewer(candidate: EventVersion, current: EventVersion | undefined): boolean {
  if (!current) return true;
  if (candidate.created !== current.created) return candidate.created > current.created;
  if (candidate.rank !== current.rank) return candidate.rank > current.rank;
  return candidate.eventId > current.eventId;
}

export interface LastPayment {
  readonly invoiceId: string;
  readonly amountPaid: number;
  readonly currency: string;
  readonly paidAt: string;
  readonly version: EventVersion;
}

export interface LastPaymentFailure {
  readonly invoiceId: string;
  readonly amountDue: number;
  readonly currency: string;
  readonly attemptCount: number;
  readonly nextPaymentAttempt: string | null;
  readonly failedAt: string;
  readonly version: EventVersion;
}

export interface BillingRecord {
  readonly orgId: string;
  /** The plan whose capabilities apply now. */
  readonly plan: PlanId;
  /** The plan the subscription is for, even while its status does not entitle the org to it. */
  readonly subscribedPlan: PlanId | null;
  readonly status: string;
  readonly capabilities: Capabilities;
  readonly stripe: { readonly customerId: string | null; readonly subscriptionId: string | null };
  readonly currentPeriodEnd: string | null;
  readonly cancelAtPeriodEnd: boolean;
  readonly lastPayment: LastPayment | null;
  readonly lastPaymentFailure: LastPaymentFailure | null;
  readonly subscriptionVersion: EventVersion | null;
  /** Subscriptions that have ended; no later event may revive them. Newest last, bounded. */
  readonly endedSubscriptionIds: readonly string[];
  readonly updatedAt: string;
  /**
   * The last event that changed the plan or status, with what they were before: enough to publish
   * `subscription.updated` again if the consumer stopped between writing the record and publishing.
   */
  readonly lastChange: {
    readonly eventId: string;
    readonly previousPlan: PlanId;
    readonly previousStatus: string;
  } | null;
  /** Incremented on every write; the conditional write that guards against lost updates. */
  readonly revision: number;
}

const MAX_ENDED_SUBSCRIPTIONS = 20;

export type Decision =
  | { readonly outcome: 'applied'; readonly record: BillingRecord; readonly changes: RecordChanges }
  | { readonly outcome: 'stale' | 'duplicate'; readonly reason: string };

export interface RecordChanges {
  readonly planChanged: boolean;
  readonly statusChanged: boolean;
  /** The subscription named a plan the catalog does not know; it was treated as free. */
  readonly unknownPlan: boolean;
}

const NO_CHANGES: RecordChanges = { planChanged: false, statusChanged: false, unknownPlan: false };

function emptyRecord(orgId: string, now: string): BillingRecord {
  return {
    orgId,
    plan: 'free',
    subscribedPlan: null,
    status: 'none',
    capabilities: capabilitiesOf('free'),
    stripe: { customerId: null, subscriptionId: null },
    currentPeriodEnd: null,
    cancelAtPeriodEnd: false,
    lastPayment: null,
    lastPaymentFailure: null,
    subscriptionVersion: null,
    endedSubscriptionIds: [],
    updatedAt: now,
    lastChange: null,
    revision: 0,
  };
}

const isoFromUnix = (seconds: number): string => new Date(seconds * 1000).toISOString();

/** Decides what one Stripe event of a kind does to an organisation's billing record (none yet: `current` undefined). */
type EventDecider<Kind extends BillingEvent['kind']> = (
  current: BillingRecord | undefined,
  event: Extract<BillingEvent, { kind: Kind }>,
  orgId: string,
  now: string,
) => Decision;

export const decideSubscriptionEvent: EventDecider<'subscription'> = (current, event, orgId, now) => {
  const base = current ?? emptyRecord(orgId, now);
  const { subscription } = event;
  const version = versionOf(event);
  const deleted = event.type === 'customer.subscription.deleted';
  if (base.subscriptionVersion?.eventId === event.id) {
    return { outcome: 'duplicate', reason: 'event already applied' };
  }
  if (base.endedSubscriptionIds.includes(subscription.id) && !deleted) {
    return { outcome: 'stale', reason: `subscription ${subscription.id} has already ended` };
  }
  const isCurrentSubscription = base.stripe.subscriptionId === null || base.stripe.subscriptionId === subscription.id;
  if (deleted && !isCurrentSubscription) {
    // Another subscription now drives the plan: only remember that this one has ended.
    return applied(
      base,
      { ...base, endedSubscriptionIds: withEnded(base.endedSubscriptionIds, subscription.id) },
      now,
      false,
      event.id,
    );
  }
  if (!isNewer(version, base.subscriptionVersion ?? undefined)) {
    return { outcome: 'stale', reason: 'a newer subscription event has already been applied' };
  }
  const subscribedPlan = planOfSubscription(subscription);
  const status = deleted ? 'canceled' : subscription.status;
  const plan = effectivePlan(subscribedPlan ?? 'free', status, deleted);
  const periodEnd = currentPeriodEnd(subscription);
  const next: BillingRecord = {
    ...base,
    plan,
    subscribedPlan: subscribedPlan ?? null,
    status,
    capabilities: capabilitiesOf(plan),
    stripe: { customerId: subscription.customer, subscriptionId: subscription.id },
    currentPeriodEnd: periodEnd === undefined ? null : isoFromUnix(periodEnd),
    cancelAtPeriodEnd: subscription.cancel_at_period_end ?? false,
    subscriptionVersion: version,
    endedSubscriptionIds: deleted ? withEnded(base.endedSubscriptionIds, subscription.id) : base.endedSubscriptionIds,
  };
  return applied(base, next, now, subscribedPlan === undefined && !deleted, event.id);
};

export const decideInvoiceEvent: EventDecider<'invoice'> = (current, event, orgId, now) => {
  const base = current ?? emptyRecord(orgId, now);
  const { invoice } = event;
  const version = versionOf(event);
  const stripe = {
    customerId: base.stripe.customerId ?? invoice.customer,
    subscriptionId: base.stripe.subscriptionId ?? subscriptionIdOfInvoice(invoice) ?? null,
  };
  if (event.type === 'invoice.paid') {
    if (base.lastPayment?.version.eventId === event.id)
      return { outcome: 'duplicate', reason: 'payment already recorded' };
    if (!isNewer(version, base.lastPayment?.version))
      return { outcome: 'stale', reason: 'a newer payment is already recorded' };
    const failureSettled = base.lastPaymentFailure?.invoiceId === invoice.id;
    return applied(
      base,
      {
        ...base,
        stripe,
        lastPayment: paymentOf(invoice, event.created, version),
        lastPaymentFailure: failureSettled ? null : base.lastPaymentFailure,
      },
      now,
      false,
      event.id,
    );
  }
  if (base.lastPaymentFailure?.version.eventId === event.id)
    return { outcome: 'duplicate', reason: 'failure already recorded' };
  if (!isNewer(version, base.lastPaymentFailure?.version))
    return { outcome: 'stale', reason: 'a newer payment failure is already recorded' };
  if (base.lastPayment?.invoiceId === invoice.id && isNewer(base.lastPayment.version, version)) {
    return { outcome: 'stale', reason: 'the invoice has since been paid' };
  }
  return applied(
    base,
    { ...base, stripe, lastPaymentFailure: failureOf(invoice, event.created, version) },
    now,
    false,
    event.id,
  );
};

function applied(
  before: BillingRecord,
  after: BillingRecord,
  now: string,
  unknownPlan: boolean,
  eventId: string,
): Decision {
  const changes = {
    ...NO_CHANGES,
    planChanged: before.plan !== after.plan,
    statusChanged: before.status !== after.status,
    unknownPlan,
  };
  const lastChange =
    changes.planChanged || changes.statusChanged
      ? { eventId, previousPlan: before.plan, previousStatus: before.status }
      : before.lastChange;
  const record = { ...after, updatedAt: now, lastChange, revision: before.revision + 1 };
  return { outcome: 'applied', record, changes };
}

function withEnded(ended: readonly string[], subscriptionId: string): string[] {
  return [...ended.filter((id) => id !== subscriptionId), subscriptionId].slice(-MAX_ENDED_SUBSCRIPTIONS);
}

function paymentOf(invoice: StripeInvoice, created: number, version: EventVersion): LastPayment {
  return {
    invoiceId: invoice.id,
    amountPaid: invoice.amount_paid ?? 0,
    currency: invoice.currency,
    paidAt: isoFromUnix(invoice.status_transitions?.paid_at ?? created),
    version,
  };
}

function failureOf(invoice: StripeInvoice, created: number, version: EventVersion): LastPaymentFailure {
  return {
    invoiceId: invoice.id,
    amountDue: invoice.amount_due ?? 0,
    currency: invoice.currency,
    attemptCount: invoice.attempt_count ?? 0,
    nextPaymentAttempt: invoice.next_payment_attempt ? isoFromUnix(invoice.next_payment_attempt) : null,
    failedAt: isoFromUnix(created),
    version,
  };
}
