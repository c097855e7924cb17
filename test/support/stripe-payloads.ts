import { randomBytes } from 'node:crypto';
import { fixtureJson } from './fixtures';

/** Real-shaped Stripe event payloads built from the fixtures, with the ids and fields a test controls. */

type EventType = 'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted' | 'invoice.paid' | 'invoice.payment_failed';

export interface PayloadOptions {
  orgId?: string;
  plan?: string;
  status?: string;
  customerId?: string;
  subscriptionId?: string;
  invoiceId?: string;
  created: number;
}

export interface BuiltPayload {
  id: string;
  payload: string;
  customerId: string;
  subscriptionId: string;
  invoiceId: string;
}

const suffix = () => randomBytes(6).toString('hex');

export function stripeEventPayload(type: EventType, options: PayloadOptions): BuiltPayload {
  const event = fixtureJson<{ id: string; created: number; data: { object: Record<string, unknown> } }>(`stripe.${type}.json`);
  const id = `evt_test_${suffix()}`;
  const customerId = options.customerId ?? `cus_${suffix()}`;
  const subscriptionId = options.subscriptionId ?? `sub_${suffix()}`;
  const invoiceId = options.invoiceId ?? `in_${suffix()}`;
  event.id = id;
  event.created = options.created;
  const object = event.data.object as Record<string, unknown> & { items: { data: { price: Record<string, unknown> }[] } };
  if (type.startsWith('customer.subscription.')) {
    object.id = subscriptionId;
    object.customer = customerId;
    object.metadata = options.orgId ? { org_id: options.orgId } : {};
    if (options.status) object.status = options.status;
    const price = object.items.data[0]!.price;
    price.metadata = options.plan ? { plan: options.plan } : {};
    price.lookup_key = options.plan ? `${options.plan}_monthly` : null;
  } else {
    object.id = invoiceId;
    object.customer = customerId;
    object.created = options.created;
    object.parent = { type: 'subscription_details', quote_details: null, subscription_details: { metadata: options.orgId ? { org_id: options.orgId } : null, subscription: subscriptionId } };
  }
  return { id, payload: JSON.stringify(event), customerId, subscriptionId, invoiceId };
}
