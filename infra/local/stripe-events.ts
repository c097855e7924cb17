import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HANDLED_EVENT_TYPES, isHandledEventType, type HandledEventType } from '../../shared/billing/stripe-events';
import { REPO_ROOT } from './paths';

/**
 * Builds realistic Stripe events for local testing from the fixtures in test/fixtures/: a fresh `evt_`
 * id, `created` = now, and the org / plan / customer / subscription the caller asks for, placed
 * where Stripe puts them (subscription `metadata.org_id`, price `metadata.plan` and `lookup_key`;
 * invoice `parent.subscription_details`). Pure apart from `loadStripeFixture`.
 */

/** The types the platform handles, each with a fixture. */
export const STRIPE_EVENT_TYPES = HANDLED_EVENT_TYPES;
export type StripeEventType = HandledEventType;

export function isStripeEventType(value: unknown): value is StripeEventType {
  return typeof value === 'string' && isHandledEventType(value);
}

/** The subscription and customer of the fixtures, so invoices refer to the subscription by default. */
export const DEFAULT_SUBSCRIPTION_ID = 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw';
export const DEFAULT_CUSTOMER_ID = 'cus_QXg1o8vcGmoR32';
export const DEFAULT_PLAN = 'growth';

const DEFAULT_SUBSCRIPTION_STATUS: Partial<Record<StripeEventType, string>> = {
  'customer.subscription.created': 'active',
  'customer.subscription.updated': 'active',
  'customer.subscription.deleted': 'canceled',
};

export interface StripeEventOptions {
  /** Undefined leaves the event without an organisation (to exercise unresolved-org handling). */
  readonly orgId: string | undefined;
  /** Subscriptions only; default `growth`. */
  readonly plan?: string;
  readonly customerId?: string;
  readonly subscriptionId?: string;
  /** Invoices only; default the fixture's invoice id. */
  readonly invoiceId?: string;
  /** `data.object.status`; subscriptions default to active (canceled for deleted). */
  readonly status?: string;
  readonly eventId?: string;
  /** Unix seconds; default now. */
  readonly created?: number;
}

type Json = Record<string, unknown>;

export function loadStripeFixture(type: StripeEventType): Json {
  return JSON.parse(readFileSync(resolve(REPO_ROOT, 'test', 'fixtures', `stripe.${type}.json`), 'utf8')) as Json;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `evt_` followed by 24 random letters and digits, like Stripe's ids. */
export function newStripeEventId(): string {
  return `evt_${Array.from(randomBytes(24), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('')}`;
}

function object(parent: Json, key: string): Json {
  const value = parent[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const created: Json = {};
    parent[key] = created;
    return created;
  }
  return value as Json;
}

function applySubscription(subscription: Json, type: StripeEventType, options: StripeEventOptions): void {
  const plan = options.plan ?? DEFAULT_PLAN;
  const subscriptionId = options.subscriptionId ?? (subscription.id as string | undefined) ?? DEFAULT_SUBSCRIPTION_ID;
  subscription.id = subscriptionId;
  subscription.customer = options.customerId ?? subscription.customer ?? DEFAULT_CUSTOMER_ID;
  subscription.status = options.status ?? DEFAULT_SUBSCRIPTION_STATUS[type] ?? subscription.status;
  const { org_id: _fixtureOrg, ...metadata } = object(subscription, 'metadata');
  subscription.metadata = options.orgId === undefined ? metadata : { ...metadata, org_id: options.orgId };
  const items = object(subscription, 'items');
  const data = Array.isArray(items.data) ? (items.data as Json[]) : [];
  const first = data[0];
  if (!first) throw new Error(`Fixture for ${type} has no subscription items`);
  first.subscription = subscriptionId;
  const price = object(first, 'price');
  price.metadata = { ...object(price, 'metadata'), plan };
  price.lookup_key = `${plan}_monthly`;
}

function applyInvoice(invoice: Json, options: StripeEventOptions): void {
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  if (options.invoiceId) invoice.id = options.invoiceId;
  invoice.customer = options.customerId ?? invoice.customer ?? DEFAULT_CUSTOMER_ID;
  if (options.status) invoice.status = options.status;
  const parent = object(invoice, 'parent');
  parent.type = 'subscription_details';
  parent.quote_details = null;
  parent.subscription_details = {
    metadata: options.orgId === undefined ? null : { org_id: options.orgId },
    subscription: subscriptionId,
  };
}

export function buildStripeEvent(fixture: Json, type: StripeEventType, options: StripeEventOptions): Json {
  if (options.orgId !== undefined && !options.orgId.trim()) throw new Error('orgId must not be empty');
  const event = structuredClone(fixture);
  event.id = options.eventId ?? newStripeEventId();
  event.type = type;
  event.created = options.created ?? Math.floor(Date.now() / 1000);
  const dataObject = object(object(event, 'data'), 'object');
  if (type.startsWith('customer.subscription.')) applySubscription(dataObject, type, options);
  else applyInvoice(dataObject, options);
  return event;
}
