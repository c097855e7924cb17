import {
  isBoolean,
  isNonNegativeInteger,
  isRecord,
  isString,
  literal,
  matching,
  boundedString,
  nullable,
  oneOf,
  optional,
  type ShapeRules,
} from '../platform/json/shape';

/**
 * What every Stripe event has, checked at ingest before anything is queued and again by the billing
 * consumer: plain guards (no zod) so the ingest function stays small. Unknown fields pass through.
 */

export const HANDLED_EVENT_TYPES = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
] as const;

export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

export const isHandledEventType = oneOf(HANDLED_EVENT_TYPES);

export interface StripeEventEnvelope {
  readonly id: string;
  readonly object: 'event';
  readonly type: string;
  readonly created: number;
  readonly livemode?: boolean | undefined;
  readonly api_version?: string | null | undefined;
  readonly data: { readonly object: Record<string, unknown> & { readonly id?: string } };
}

function isEventData(value: unknown): value is StripeEventEnvelope['data'] {
  return isRecord(value) && isRecord(value.object) && (value.object.id === undefined || isString(value.object.id));
}

export const STRIPE_ENVELOPE_RULES: ShapeRules<StripeEventEnvelope> = {
  id: matching(/^evt_[A-Za-z0-9_]+$/),
  object: literal('event'),
  type: boundedString(1),
  created: isNonNegativeInteger,
  livemode: optional(isBoolean),
  api_version: optional(nullable(isString)),
  data: isEventData,
};
