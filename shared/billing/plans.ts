import { PLAN_IDS } from '../events/subscription-events';
import type { StripeSubscription } from './stripe-events';

/**
 * The plan catalog and the rules that turn a Stripe subscription into capabilities. Pure data and
 * pure functions: the billing consumer stores their result as the organisation's snapshot.
 */

export type PlanId = (typeof PLAN_IDS)[number];

export interface Capabilities {
  readonly features: readonly string[];
  readonly limits: Readonly<Record<string, number>>;
}

export const PLAN_CATALOG: Readonly<Record<PlanId, Capabilities>> = {
  free: {
    features: ['catalog_sync'],
    limits: { webhookEndpoints: 1, monthlyEvents: 1_000, seats: 2, locations: 1 },
  },
  starter: {
    features: ['catalog_sync', 'stock_sync', 'outbound_webhooks'],
    limits: { webhookEndpoints: 5, monthlyEvents: 50_000, seats: 5, locations: 3 },
  },
  growth: {
    features: ['catalog_sync', 'stock_sync', 'outbound_webhooks', 'demand_signals', 'loops', 'audit_export'],
    limits: { webhookEndpoints: 20, monthlyEvents: 500_000, seats: 25, locations: 20 },
  },
  enterprise: {
    features: [
      'catalog_sync',
      'stock_sync',
      'outbound_webhooks',
      'demand_signals',
      'loops',
      'audit_export',
      'federation',
      'sso',
      'priority_support',
    ],
    limits: { webhookEndpoints: 50, monthlyEvents: 10_000_000, seats: 1_000, locations: 500 },
  },
};

/** Statuses under which the paid plan's capabilities stay on; any other status falls back to free. */
const ENTITLED_STATUSES: ReadonlySet<string> = new Set(['active', 'trialing', 'past_due']);

function isPlanId(value: string): value is PlanId {
  return (PLAN_IDS as readonly string[]).includes(value);
}

/**
 * The plan a subscription is for: the first item's `price.metadata.plan`, else the prefix of its
 * `price.lookup_key` (`growth_monthly` → `growth`). Undefined when neither names a known plan.
 */
export function planOfSubscription(subscription: StripeSubscription): PlanId | undefined {
  const price = subscription.items.data[0]?.price;
  const fromMetadata = price?.metadata?.plan?.trim().toLowerCase();
  if (fromMetadata) return isPlanId(fromMetadata) ? fromMetadata : undefined;
  const fromLookupKey = price?.lookup_key
    ?.trim()
    .toLowerCase()
    .split(/[_\-.:]/)[0];
  return fromLookupKey && isPlanId(fromLookupKey) ? fromLookupKey : undefined;
}

/** The plan whose capabilities apply, given the subscribed plan and the subscription's status. */
export function effectivePlan(plan: PlanId, status: string, deleted: boolean): PlanId {
  return !deleted && ENTITLED_STATUSES.has(status) ? plan : 'free';
}

export function capabilitiesOf(plan: PlanId): Capabilities {
  const { features, limits } = PLAN_CATALOG[plan];
  return { features: [...features], limits: { ...limits } };
}
