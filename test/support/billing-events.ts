import type { BillingEvent, StripeInvoice, StripeSubscription } from '../../shared/billing/stripe-events';

/** Compact factories for billing events as the consumer sees them after parsing. */

type SubscriptionEvent = Extract<BillingEvent, { kind: 'subscription' }>;
type InvoiceEvent = Extract<BillingEvent, { kind: 'invoice' }>;

export interface SubscriptionOptions {
  id?: string;
  created: number;
  type?: SubscriptionEvent['type'];
  subscriptionId?: string;
  customerId?: string;
  orgId?: string;
  plan?: string;
  lookupKey?: string | null;
  status?: string;
  periodEnd?: number;
}

export function subscriptionEvent(options: SubscriptionOptions): SubscriptionEvent {
  const subscription: StripeSubscription = {
    id: options.subscriptionId ?? 'sub_1',
    object: 'subscription',
    customer: options.customerId ?? 'cus_1',
    status: options.status ?? 'active',
    metadata: options.orgId ? { org_id: options.orgId } : {},
    cancel_at_period_end: false,
    items: {
      data: [
        {
          price: {
            id: 'price_1',
            lookup_key: options.lookupKey ?? null,
            metadata: options.plan ? { plan: options.plan } : {},
          },
          current_period_end: options.periodEnd ?? 1_800_000_000,
        },
      ],
    },
  };
  return {
    kind: 'subscription',
    id: options.id ?? `evt_sub_${options.created}`,
    type: options.type ?? 'customer.subscription.updated',
    created: options.created,
    subscription,
  };
}

export interface InvoiceOptions {
  id?: string;
  created: number;
  type?: InvoiceEvent['type'];
  invoiceId?: string;
  customerId?: string | null;
  orgId?: string;
  apiShape?: 'parent' | 'legacy';
  amount?: number;
}

export function invoiceEvent(options: InvoiceOptions): InvoiceEvent {
  const metadata: Record<string, string> = options.orgId ? { org_id: options.orgId } : {};
  const details = { metadata, subscription: 'sub_1' };
  const invoice: StripeInvoice = {
    id: options.invoiceId ?? 'in_1',
    customer: options.customerId === undefined ? 'cus_1' : options.customerId,
    status: options.type === 'invoice.payment_failed' ? 'open' : 'paid',
    currency: 'usd',
    amount_due: options.amount ?? 2_000,
    amount_paid: options.type === 'invoice.payment_failed' ? 0 : (options.amount ?? 2_000),
    attempt_count: 1,
    created: options.created,
    status_transitions: { paid_at: options.type === 'invoice.payment_failed' ? null : options.created },
    ...(options.apiShape === 'legacy'
      ? { subscription: 'sub_1', subscription_details: details }
      : { parent: { subscription_details: details } }),
  };
  return {
    kind: 'invoice',
    id: options.id ?? `evt_inv_${options.created}`,
    type: options.type ?? 'invoice.paid',
    created: options.created,
    invoice,
  };
}
