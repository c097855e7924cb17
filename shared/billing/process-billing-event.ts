import type { QueueSender } from '../platform/aws/queue';
import { InvalidPayloadError, OrgNotResolvedError, WriteConflictError } from '../platform/errors';
import { publishEvent } from '../events/publish';
import type { AlertSink, OpsAlert } from '../platform/alerts';
import { auditEntryFor } from './audit';
import { decideInvoiceEvent, decideSubscriptionEvent, type BillingRecord, type Decision } from './billing-record';
import type { BillingStore } from './billing-store';
import { planOfSubscription } from './plans';
import {
  orgIdOfInvoice,
  orgIdOfSubscription,
  parseBillingEvent,
  STRIPE_ENVELOPE_RULES,
  type BillingEvent,
  type StripeEventEnvelope,
} from './stripe-events';
import { shapeProblems } from '../platform/json/shape';
import type { SubscriptionSource } from './subscription-source';

/**
 * Applies one Stripe billing event: resolve the organisation, decide (pure) against the current
 * record, write conditionally, then record the audit entry and raise any ops alert. Every step is
 * idempotent, so running the whole thing again after a crash at any point converges on one effect.
 */

export interface BillingDependencies {
  readonly store: BillingStore;
  readonly alerts: AlertSink;
  /** Present when reconciliation with the Stripe API is on. */
  readonly subscriptions?: SubscriptionSource;
  /** Where `subscription.updated` is published for tenants' webhooks. */
  readonly events: QueueSender;
  readonly now: () => Date;
}

export interface BillingOutcome {
  readonly eventId: string;
  readonly orgId: string;
  readonly outcome: Decision['outcome'];
  /** Why a stale or duplicate event changed nothing. */
  readonly reason?: string;
  readonly record?: BillingRecord;
  readonly planChanged: boolean;
  readonly statusChanged: boolean;
  /** Whether `subscription.updated` was published (again, after a crash) for this event. */
  readonly published: boolean;
}

const MAX_WRITE_ATTEMPTS = 5;

export function parseStripeEvent(rawBody: Buffer): BillingEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    throw new InvalidPayloadError('Queued body is not JSON', [], { cause: error });
  }
  const problems = shapeProblems(json, STRIPE_ENVELOPE_RULES);
  if (problems.length > 0)
    throw new InvalidPayloadError(
      'Queued body is not a Stripe event',
      problems.map((field) => `${field} is missing or invalid`),
    );
  const envelope = json as StripeEventEnvelope;
  try {
    return parseBillingEvent(envelope);
  } catch (error) {
    throw new InvalidPayloadError(`Stripe ${envelope.type} event does not have the expected shape`, [], {
      cause: error,
    });
  }
}

export async function processBillingEvent(
  payloadEvent: BillingEvent,
  deps: BillingDependencies,
): Promise<BillingOutcome> {
  const event = await reconcile(payloadEvent, deps.subscriptions);
  const orgId = await resolveOrg(event, deps);
  const now = deps.now().toISOString();
  const decision = await applyDecision(event, orgId, now, deps.store);
  await deps.store.putAuditEntry(auditEntryFor(event, orgId, decision));
  for (const alert of alertsFor(event, orgId, decision)) await deps.alerts.raise(alert);
  const published = await publishChange(event, orgId, decision, deps);
  const changes = decision.outcome === 'applied' ? decision.changes : undefined;
  return {
    eventId: event.id,
    orgId,
    outcome: decision.outcome,
    ...(decision.outcome === 'applied' ? { record: decision.record } : { reason: decision.reason }),
    planChanged: changes?.planChanged ?? false,
    statusChanged: changes?.statusChanged ?? false,
    published,
  };
}

/**
 * Tells tenants' systems when an event changed the plan or status. Published with an id derived from
 * the Stripe event, so a redelivered event (or a retry after a crash, found through the record's
 * `lastChange`) publishes the same id again and is delivered once.
 */
async function publishChange(
  event: BillingEvent,
  orgId: string,
  decision: Decision,
  deps: BillingDependencies,
): Promise<boolean> {
  if (decision.outcome === 'stale') return false;
  const record = decision.outcome === 'applied' ? decision.record : await deps.store.getRecord(orgId);
  const change = record?.lastChange;
  if (!record || change?.eventId !== event.id) return false;
  await publishEvent(
    {
      id: `subscription.updated:${event.id}`,
      type: 'subscription.updated',
      orgId,
      occurredAt: new Date(event.created * 1000).toISOString(),
      data: {
        plan: record.plan,
        previousPlan: change.previousPlan,
        status: record.status,
        previousStatus: change.previousStatus,
        capabilities: record.capabilities,
      },
    },
    deps.events,
  );
  return true;
}

async function reconcile(event: BillingEvent, source: SubscriptionSource | undefined): Promise<BillingEvent> {
  if (!source || event.kind !== 'subscription') return event;
  const current = await source.retrieve(event.subscription.id);
  // Keep the payload's org metadata if Stripe's copy lost it; Stripe's copy wins for everything else.
  return current
    ? { ...event, subscription: { ...current, metadata: current.metadata ?? event.subscription.metadata } }
    : event;
}

async function resolveOrg(event: BillingEvent, deps: BillingDependencies): Promise<string> {
  const customerId =
    event.kind === 'subscription' ? event.subscription.customer : (event.invoice.customer ?? undefined);
  const named = event.kind === 'subscription' ? orgIdOfSubscription(event.subscription) : orgIdOfInvoice(event.invoice);
  if (named && customerId) return deps.store.mapCustomerToOrg(customerId, named);
  const mapped = named ?? (customerId ? await deps.store.getCustomerOrg(customerId) : undefined);
  if (mapped) return mapped;
  await deps.alerts.raise(
    stripeAlert(event, null, {
      kind: 'org_unresolved',
      severity: 'critical',
      message:
        `Stripe event ${event.id} (${event.type}) names no organisation and customer ` +
        `${customerId ?? 'unknown'} is not mapped to one; it will be retried and then kept in the dead-letter queue`,
      details: { eventType: event.type, customerId: customerId ?? null },
    }),
  );
  throw new OrgNotResolvedError(event.id, customerId);
}

async function applyDecision(event: BillingEvent, orgId: string, now: string, store: BillingStore): Promise<Decision> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await store.getRecord(orgId);
    const decision =
      event.kind === 'subscription'
        ? decideSubscriptionEvent(current, event, orgId, now)
        : decideInvoiceEvent(current, event, orgId, now);
    if (decision.outcome !== 'applied') return decision;
    if ((await store.putRecord(decision.record, current?.revision ?? 0)) === 'written') return decision;
  }
  throw new WriteConflictError(`ORG#${orgId}/BILLING`, MAX_WRITE_ATTEMPTS);
}

/** An ops alert about a Stripe event: its id derived from the event, so a redelivery raises it once. */
function stripeAlert(
  event: BillingEvent,
  orgId: string | null,
  alert: Pick<OpsAlert, 'kind' | 'severity' | 'message' | 'details'>,
): OpsAlert {
  return {
    id: `${alert.kind}:${event.id}`,
    orgId,
    ...alert,
    at: new Date(event.created * 1000).toISOString(),
    source: 'stripe',
    details: { eventId: event.id, ...alert.details },
  };
}

function alertsFor(event: BillingEvent, orgId: string, decision: Decision): OpsAlert[] {
  if (decision.outcome === 'stale') return [];
  if (event.type === 'invoice.payment_failed') {
    const { invoice } = event;
    const attempt = invoice.attempt_count ?? 0;
    const message = `Payment failed for organisation ${orgId}, invoice ${invoice.id} (attempt ${attempt})`;
    const details = { invoiceId: invoice.id, amountDue: invoice.amount_due ?? 0, currency: invoice.currency };
    return [stripeAlert(event, orgId, { kind: 'payment_failed', severity: 'warning', message, details })];
  }
  if (
    event.kind === 'subscription' &&
    event.type !== 'customer.subscription.deleted' &&
    planOfSubscription(event.subscription) === undefined
  ) {
    const message =
      `Subscription ${event.subscription.id} of organisation ${orgId} names no known plan (price ` +
      `metadata.plan or lookup_key); the organisation was given the free plan`;
    const details = {
      subscriptionId: event.subscription.id,
      priceId: event.subscription.items.data[0]?.price?.id ?? null,
    };
    return [stripeAlert(event, orgId, { kind: 'unknown_plan', severity: 'critical', message, details })];
  }
  return [];
}
