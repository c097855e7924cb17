import { randomBytes } from 'node:crypto';
import { buildStripeEvent, loadStripeFixture, type StripeEventType } from '../../infra/local/stripe-events';

/**
 * Stripe event payloads for integration tests: the local runtime's event builder (the one
 * `npm run send` uses), with fresh customer, subscription and invoice ids unless a test names them.
 */
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

const fresh = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

export function stripeEventPayload(type: StripeEventType, options: PayloadOptions): BuiltPayload {
  const ids = {
    customerId: options.customerId ?? fresh('cus'),
    subscriptionId: options.subscriptionId ?? fresh('sub'),
    invoiceId: options.invoiceId ?? fresh('in'),
  };
  const event = buildStripeEvent(loadStripeFixture(type), type, { ...options, ...ids, orgId: options.orgId });
  return { id: event.id as string, payload: JSON.stringify(event), ...ids };
}
