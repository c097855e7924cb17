import * as z from 'zod';
import type { HandledEventType, StripeEventEnvelope } from './stripe-envelope';

/**
 * Schemas for the parts of Stripe events the platform reads. Only what is used is declared; Stripe
 * adds fields often, and unknown fields pass through untouched. Both the old (`invoice.subscription`,
 * `invoice.subscription_details`) and the new (`invoice.parent.subscription_details`) invoice shapes
 * are accepted, as are `current_period_end` on the subscription (old) or on its items (new).
 */

export { HANDLED_EVENT_TYPES, isHandledEventType, STRIPE_ENVELOPE_RULES } from './stripe-envelope';
export type { HandledEventType, StripeEventEnvelope } from './stripe-envelope';

const metadataSchema = z.record(z.string(), z.string()).nullable().optional();
/** Expandable references arrive as an id or as the expanded object. */
const expandableId = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .transform((value) => (typeof value === 'string' ? value : value.id));

const priceSchema = z.looseObject({
  id: z.string(),
  lookup_key: z.string().nullable().optional(),
  metadata: metadataSchema,
});

export const subscriptionSchema = z.looseObject({
  id: z.string().startsWith('sub_'),
  object: z.literal('subscription').optional(),
  customer: expandableId,
  status: z.string(),
  metadata: metadataSchema,
  cancel_at_period_end: z.boolean().optional(),
  current_period_end: z.number().int().optional(),
  items: z.looseObject({
    data: z.array(
      z.looseObject({ price: priceSchema.nullable().optional(), current_period_end: z.number().int().optional() }),
    ),
  }),
});

export type StripeSubscription = z.infer<typeof subscriptionSchema>;

const subscriptionDetailsSchema = z
  .looseObject({ metadata: metadataSchema, subscription: expandableId.nullable().optional() })
  .nullable()
  .optional();

const invoiceSchema = z.looseObject({
  id: z.string().startsWith('in_'),
  customer: expandableId.nullable(),
  status: z.string().nullable().optional(),
  currency: z.string(),
  amount_due: z.number().int().optional(),
  amount_paid: z.number().int().optional(),
  attempt_count: z.number().int().optional(),
  next_payment_attempt: z.number().int().nullable().optional(),
  hosted_invoice_url: z.string().nullable().optional(),
  created: z.number().int(),
  subscription: expandableId.nullable().optional(),
  subscription_details: subscriptionDetailsSchema,
  parent: z.looseObject({ subscription_details: subscriptionDetailsSchema }).nullable().optional(),
  status_transitions: z.looseObject({ paid_at: z.number().int().nullable().optional() }).nullable().optional(),
});

export type StripeInvoice = z.infer<typeof invoiceSchema>;

/** A billing event as the consumer understands it, validated and reduced to what the rules use. */
export type BillingEvent =
  | {
      kind: 'subscription';
      id: string;
      type: Extract<HandledEventType, `customer.subscription.${string}`>;
      created: number;
      subscription: StripeSubscription;
    }
  | {
      kind: 'invoice';
      id: string;
      type: Extract<HandledEventType, `invoice.${string}`>;
      created: number;
      invoice: StripeInvoice;
    };

export function parseBillingEvent(envelope: StripeEventEnvelope): BillingEvent {
  const { id, type, created } = envelope;
  switch (type) {
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return { kind: 'subscription', id, type, created, subscription: subscriptionSchema.parse(envelope.data.object) };
    case 'invoice.paid':
    case 'invoice.payment_failed':
      return { kind: 'invoice', id, type, created, invoice: invoiceSchema.parse(envelope.data.object) };
    default:
      throw new Error(`Event type ${type} is not a billing event`);
  }
}

export function orgIdOfSubscription(subscription: StripeSubscription): string | undefined {
  return subscription.metadata?.org_id || undefined;
}

export function orgIdOfInvoice(invoice: StripeInvoice): string | undefined {
  return (
    invoice.parent?.subscription_details?.metadata?.org_id ||
    invoice.subscription_details?.metadata?.org_id ||
    undefined
  );
}

export function subscriptionIdOfInvoice(invoice: StripeInvoice): string | undefined {
  return invoice.parent?.subscription_details?.subscription ?? invoice.subscription ?? undefined;
}

/** Older API versions carry the period on the subscription, newer ones on each item. */
export function currentPeriodEnd(subscription: StripeSubscription): number | undefined {
  return subscription.current_period_end ?? subscription.items.data[0]?.current_period_end;
}
