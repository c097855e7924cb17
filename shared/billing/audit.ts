import type { Decision } from './billing-record';
import { planOfSubscription } from './plans';
import type { BillingEvent } from './stripe-events';

/**
 * Audit entries for billing events. An entry depends only on the event (and whether it arrived too
 * late to apply), so a redelivered event produces the identical entry under the identical key and
 * the conditional write keeps exactly one.
 */
export interface AuditEntry {
  readonly id: string;
  readonly orgId: string;
  readonly type: string;
  readonly at: string;
  readonly source: 'stripe';
  readonly eventId: string;
  readonly summary: string;
}

const ZERO_DECIMAL_CURRENCIES = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

function formatAmount(minorUnits: number, currency: string): string {
  const zeroDecimal = ZERO_DECIMAL_CURRENCIES.has(currency.toLowerCase());
  const major = zeroDecimal ? String(minorUnits) : (minorUnits / 100).toFixed(2);
  return `${major} ${currency.toUpperCase()}`;
}

export function auditEntryFor(event: BillingEvent, orgId: string, decision: Decision): AuditEntry {
  const late = decision.outcome === 'stale' ? ` (arrived after a newer event; not applied: ${decision.reason})` : '';
  return {
    id: event.id,
    orgId,
    type: event.type,
    at: new Date(event.created * 1000).toISOString(),
    source: 'stripe',
    eventId: event.id,
    summary: describe(event) + late,
  };
}

function describe(event: BillingEvent): string {
  if (event.kind === 'subscription') {
    const { subscription } = event;
    const plan = planOfSubscription(subscription) ?? 'an unknown plan';
    const verb = event.type.slice('customer.subscription.'.length);
    return `Subscription ${subscription.id} ${verb}: ${plan}, status ${subscription.status}`;
  }
  const { invoice } = event;
  if (event.type === 'invoice.paid') {
    return `Invoice ${invoice.id} paid: ${formatAmount(invoice.amount_paid ?? 0, invoice.currency)}`;
  }
  return (
    `Payment failed for invoice ${invoice.id}: ${formatAmount(invoice.amount_due ?? 0, invoice.currency)} due, ` +
    `attempt ${invoice.attempt_count ?? 0}`
  );
}
