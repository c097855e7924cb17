import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { federationInventoryUpdated, federationOrderCreated, federationOrderUpdated } from './federation-events';
import { demandSignalSpikeDetected, demandSignalStockoutRisk } from './demand-signal-events';
import { InvalidEventError, type EventIssue } from './errors';
import { id, MAX_ID_CHARS, shortText, timestamp } from './fields';
import { importCompleted, importFailed, importPartial } from './import-events';
import {
  loopCommitmentThresholdReached,
  loopOrdersTransitioned,
  loopProcurementTransitioned,
  loopQualityTransitioned,
  loopReturnsTransitioned,
} from './loop-events';
import { orderAllocationFailed, orderAllocationSucceeded } from './order-events';
import { subscriptionUpdated } from './subscription-events';

/**
 * The event catalog: every type the platform publishes, with its data schema, a one-line
 * description and an example. A publish is checked against it before anything is delivered, and
 * the public JSON Schema catalog is generated from it (`z.toJSONSchema` on each `schema`).
 */

export const EVENT_TYPES = [
  'loop.procurement.transitioned',
  'loop.orders.transitioned',
  'loop.returns.transitioned',
  'loop.quality.transitioned',
  'import.completed',
  'import.partial',
  'import.failed',
  'order.allocation_failed',
  'order.allocation_succeeded',
  'demand_signal.spike_detected',
  'demand_signal.stockout_risk',
  'subscription.updated',
  'loop_commitment.threshold_reached',
  'webhook.test',
  'federation.order.created',
  'federation.order.updated',
  'federation.inventory.updated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Whose event it is, which names the envelope's tenant key: `orgId` for an organisation's events,
 * `merchantId` for federation events (a Commerce Gateway merchant's). Each type has exactly one scope,
 * and the envelope is strict, so an event carries exactly one of the two keys.
 */
export const EVENT_SCOPES = ['org', 'merchant'] as const;
export type EventScope = (typeof EVENT_SCOPES)[number];

export interface CatalogEntry<S extends z.ZodType = z.ZodType, Scope extends EventScope = EventScope> {
  readonly description: string;
  readonly scope: Scope;
  readonly schema: S;
  readonly example: z.output<S>;
}

// The description and example also go onto the schema, so generated JSON Schema carries them.
function entry<S extends z.ZodType>(description: string, schema: S, example: z.output<S>): CatalogEntry<S, 'org'> {
  return { description, scope: 'org', schema: schema.meta({ description, examples: [example] }), example };
}

function merchantEntry<S extends z.ZodType>(
  description: string,
  schema: S,
  example: z.output<S>,
): CatalogEntry<S, 'merchant'> {
  return { description, scope: 'merchant', schema: schema.meta({ description, examples: [example] }), example };
}

/** A loop transition's example: the loop, its move from one state to another, who made it and why. */
function loopMove<const From extends string, const To extends string, const Actor extends string>(
  loopId: string,
  [from, to]: readonly [From, To],
  [actorType, actorId]: readonly [Actor, string],
  reason: string | null,
) {
  return { loopId, from, to, actor: { type: actorType, id: actorId }, reason };
}

const federationOrderExample = {
  orderId: 'ord_fed_01HZXF01',
  externalOrderId: 'MP-558120',
  channel: 'gateway_marketplace',
  currency: 'USD',
  total: '84.50',
  lines: [{ lineId: 'line_1', sku: 'TEE-BLK-M', quantity: '2', unitOfMeasure: 'each' }],
};

const webhookTest = z.strictObject({ message: shortText });

export const EVENT_CATALOG = {
  'loop.procurement.transitioned': entry(
    'A procurement loop (purchase from a supplier) moved to a new state.',
    loopProcurementTransitioned,
    loopMove('loop_proc_01HZX3K9', ['approved', 'ordered'], ['user', 'usr_4821'], null),
  ),
  'loop.orders.transitioned': entry(
    'An order loop moved to a new state.',
    loopOrdersTransitioned,
    loopMove('loop_ord_01HZX4A2', ['packed', 'shipped'], ['integration', 'int_shopify_7'], null),
  ),
  'loop.returns.transitioned': entry(
    'A return loop moved to a new state.',
    loopReturnsTransitioned,
    loopMove('loop_ret_01HZX5QF', ['received', 'inspected'], ['user', 'usr_1193'], 'Packaging damaged, item intact'),
  ),
  'loop.quality.transitioned': entry(
    'A quality case loop moved to a new state.',
    loopQualityTransitioned,
    loopMove(
      'loop_qa_01HZX6M1',
      ['investigating', 'contained'],
      ['system', 'rule_quarantine_lot'],
      'Lot L-2291 quarantined',
    ),
  ),
  'import.completed': entry('A catalog import finished and every row was applied.', importCompleted, {
    importId: 'imp_01HZX7B3',
    source: 'csv_upload',
    resource: 'products',
    fileName: 'spring-catalog.csv',
    startedAt: '2025-03-04T09:15:02Z',
    completedAt: '2025-03-04T09:15:41Z',
    rows: { total: 1250, created: 180, updated: 1012, skipped: 58, failed: 0 },
  }),
  'import.partial': entry('A catalog import finished but some rows failed; the others were applied.', importPartial, {
    importId: 'imp_01HZX8C4',
    source: 'shopify',
    resource: 'inventory',
    fileName: null,
    startedAt: '2025-03-04T10:00:00Z',
    completedAt: '2025-03-04T10:02:13Z',
    rows: { total: 3400, created: 0, updated: 3371, skipped: 26, failed: 3 },
    errorSamples: [
      { row: 118, field: 'sku', code: 'unknown_sku', message: 'SKU "TEE-BLK-XXL" is not in the catalog' },
      { row: 907, field: 'available', code: 'invalid_quantity', message: 'Quantity "-4" must not be negative' },
      { row: 2210, field: 'location', code: 'unknown_location', message: 'Location "Outlet 9" is not configured' },
    ],
  }),
  'import.failed': entry('A catalog import stopped before finishing; see error for why.', importFailed, {
    importId: 'imp_01HZX9D5',
    source: 'sftp',
    resource: 'products',
    fileName: 'catalog-2025-03-04.csv',
    startedAt: '2025-03-04T11:00:00Z',
    failedAt: '2025-03-04T11:00:03Z',
    error: { code: 'unreadable_file', message: 'Row 1 has 9 columns; the header has 12' },
    rows: null,
    errorSamples: [],
  }),
  'order.allocation_failed': entry(
    'An order, or some of its lines, could not be allocated to any location.',
    orderAllocationFailed,
    {
      orderId: 'ord_01HZXAE6',
      orderNumber: '#1042',
      reason: 'insufficient_stock',
      unallocatedLines: [
        { lineId: 'line_2', sku: 'MUG-CER-350', requestedQuantity: '6', availableQuantity: '2', unitOfMeasure: 'each' },
      ],
      attemptedLocationIds: ['loc_dc_east', 'loc_store_12'],
      nextAttemptAt: '2025-03-04T12:30:00Z',
    },
  ),
  'order.allocation_succeeded': entry(
    'Every line of an order was allocated to one or more locations.',
    orderAllocationSucceeded,
    {
      orderId: 'ord_01HZXBF7',
      orderNumber: '#1043',
      allocations: [
        {
          locationId: 'loc_dc_east',
          lines: [{ lineId: 'line_1', sku: 'TEE-BLK-M', quantity: '2', unitOfMeasure: 'each' }],
        },
        {
          locationId: 'loc_store_12',
          lines: [{ lineId: 'line_2', sku: 'COFFEE-BEANS-1KG', quantity: '1.5', unitOfMeasure: 'kg' }],
        },
      ],
    },
  ),
  'demand_signal.spike_detected': entry(
    'Demand for a SKU rose well above its forecast baseline.',
    demandSignalSpikeDetected,
    {
      signalId: 'sig_01HZXCG8',
      sku: 'UMBRELLA-NAVY',
      locationId: 'loc_store_12',
      unitOfMeasure: 'each',
      windowStart: '2025-03-03T00:00:00Z',
      windowEnd: '2025-03-04T00:00:00Z',
      baselineQuantity: '14',
      observedQuantity: '61',
      changePercent: 335.7,
      confidence: 0.92,
    },
  ),
  'demand_signal.stockout_risk': entry(
    'A SKU is projected to run out before replenishment arrives.',
    demandSignalStockoutRisk,
    {
      signalId: 'sig_01HZXDH9',
      sku: 'COFFEE-BEANS-1KG',
      locationId: null,
      unitOfMeasure: 'kg',
      onHandQuantity: '42.5',
      inboundQuantity: '0',
      forecastDailyDemand: '8.75',
      daysOfCover: 4.9,
      projectedStockoutAt: '2025-03-08T21:00:00Z',
      leadTimeDays: 7,
      risk: 'high',
    },
  ),
  'subscription.updated': entry("The organisation's plan or subscription status changed.", subscriptionUpdated, {
    plan: 'growth',
    previousPlan: 'starter',
    status: 'active',
    previousStatus: 'active',
    capabilities: {
      features: ['catalog_sync', 'stock_sync', 'outbound_webhooks', 'demand_signals', 'loops', 'audit_export'],
      limits: { webhookEndpoints: 20, monthlyEvents: 500_000, seats: 25, locations: 20 },
    },
  }),
  'loop_commitment.threshold_reached': entry(
    "A loop commitment's metric reached its configured threshold.",
    loopCommitmentThresholdReached,
    {
      loopId: 'loop_proc_01HZX3K9',
      commitmentId: 'cmt_01HZXEJ0',
      metric: 'committed_spend',
      threshold: '50000',
      value: '50212.40',
      unit: 'USD',
    },
  ),
  'webhook.test': entry(
    'A test event sent on request to check an endpoint receives and verifies deliveries.',
    webhookTest,
    {
      message: 'This is a test event from Better Data.',
    },
  ),
  'federation.order.created': merchantEntry(
    'A Commerce Gateway order was placed with the merchant.',
    federationOrderCreated,
    {
      ...federationOrderExample,
      status: 'pending',
      createdAt: '2025-03-04T13:00:00Z',
    },
  ),
  'federation.order.updated': merchantEntry(
    "A Commerce Gateway order's status or contents changed.",
    federationOrderUpdated,
    {
      ...federationOrderExample,
      status: 'confirmed',
      previousStatus: 'pending',
      updatedAt: '2025-03-04T13:05:00Z',
    },
  ),
  'federation.inventory.updated': merchantEntry(
    "The Commerce Gateway's view of a merchant's available stock changed.",
    federationInventoryUpdated,
    {
      sku: 'TEE-BLK-M',
      locationId: 'loc_dc_east',
      unitOfMeasure: 'each',
      availableQuantity: '118',
      previousAvailableQuantity: '120',
      updatedAt: '2025-03-04T13:05:00Z',
    },
  ),
} as const satisfies Record<EventType, CatalogEntry>;

/** The scope of a type: whose events they are, and so which key (`orgId`/`merchantId`) the envelope has. */
export type ScopeOf<T extends EventType> = (typeof EVENT_CATALOG)[T]['scope'];
export type OrgEventType = { [T in EventType]: ScopeOf<T> extends 'org' ? T : never }[EventType];
export type MerchantEventType = Exclude<EventType, OrgEventType>;

const eventScopeOf = (type: EventType): EventScope => EVENT_CATALOG[type].scope;
export const ORG_EVENT_TYPES = EVENT_TYPES.filter((type): type is OrgEventType => eventScopeOf(type) === 'org') as [
  OrgEventType,
  ...OrgEventType[],
];
export const MERCHANT_EVENT_TYPES = EVENT_TYPES.filter(
  (type): type is MerchantEventType => eventScopeOf(type) === 'merchant',
) as [MerchantEventType, ...MerchantEventType[]];

type DataSchema<T extends EventType> = (typeof EVENT_CATALOG)[T]['schema'];
export type EventData<T extends EventType> = z.output<DataSchema<T>>;

/** The envelope's tenant key: exactly one of `orgId` (scope org) and `merchantId` (scope merchant). */
export type TenantKeyOf<T extends EventType> =
  ScopeOf<T> extends 'merchant'
    ? { readonly merchantId: string; readonly orgId?: never }
    : { readonly orgId: string; readonly merchantId?: never };

export type PlatformEventOf<T extends EventType> = {
  /** The publisher's idempotency key: publishing the same id twice delivers once. */
  readonly id: string;
  readonly type: T;
  readonly occurredAt: string;
  readonly data: EventData<T>;
} & TenantKeyOf<T>;

export type PlatformEvent = { [T in EventType]: PlatformEventOf<T> }[EventType];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

export const eventId = id.describe(
  `The publisher's idempotency key: 1–${MAX_ID_CHARS} characters of A-Z a-z 0-9 _ . : -`,
);

function envelopeOf<T extends EventType>(type: T) {
  const data = EVENT_CATALOG[type].schema as DataSchema<T>;
  const tenant =
    EVENT_CATALOG[type].scope === 'merchant'
      ? { merchantId: id.describe('The Commerce Gateway merchant the event belongs to') }
      : { orgId: id };
  return z.strictObject({
    id: eventId,
    type: z.literal(type),
    ...tenant,
    occurredAt: timestamp.describe('When the event happened (not when it is delivered)'),
    data,
  });
}

// Each envelope's tenant key depends on its type's scope, which the object's inferred type cannot follow.
type Envelopes = { readonly [T in EventType]: z.ZodObject };
const ENVELOPES = Object.fromEntries(EVENT_TYPES.map((type) => [type, envelopeOf(type)])) as unknown as Envelopes;

/** The envelope of every published event, discriminated by `type`. */
export const platformEventSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) => ENVELOPES[type]) as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<PlatformEvent>;

const MAX_FIELDS_IN_MESSAGE = 10;

/** Validates a publish. Throws `InvalidEventError` naming every offending field. */
export function parsePlatformEvent(input: unknown): PlatformEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidEventError('An event must be a JSON object', [{ field: '(root)', message: 'Expected an object' }]);
  }
  const type: unknown = (input as { type?: unknown }).type;
  if (!isEventType(type)) {
    const message =
      typeof type === 'string' ? `Unknown event type "${type.slice(0, MAX_ID_CHARS)}"` : 'Missing event type';
    throw new InvalidEventError(message, [
      { field: 'type', message: `${message}; expected one of ${EVENT_TYPES.join(', ')}` },
    ]);
  }
  const result = ENVELOPES[type].safeParse(input);
  if (result.success) return result.data as PlatformEvent;
  const issues = issuesOf(result.error);
  const fields = [...new Set(issues.map((issue) => issue.field))];
  const listed = fields.slice(0, MAX_FIELDS_IN_MESSAGE).join(', ');
  const more = fields.length > MAX_FIELDS_IN_MESSAGE ? ` and ${fields.length - MAX_FIELDS_IN_MESSAGE} more` : '';
  throw new InvalidEventError(`Invalid ${type} event: ${listed}${more}`, issues);
}

function issuesOf(error: z.ZodError): EventIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), message: 'Unknown field' }))
      : [{ field: fieldOf(issue.path), message: issue.message }],
  );
}

function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((field, key) => {
    if (typeof key === 'number') return `${field}[${key}]`;
    return field === '' ? String(key) : `${field}.${String(key)}`;
  }, '');
}

export interface ExampleEventOptions {
  /** Defaults to a fresh id, so sending the example twice is two events, not one deduplicated. */
  readonly id?: string;
  readonly occurredAt?: string;
}

/**
 * The catalog example of a type as a complete event for `tenantId` (e.g. for "send test event"):
 * the organisation for org-scoped types, the merchant for merchant-scoped ones.
 */
export function exampleEvent<T extends EventType>(
  type: T,
  tenantId: string,
  options: ExampleEventOptions = {},
): PlatformEventOf<T> {
  const event = {
    id: options.id ?? `evt_example_${randomUUID()}`,
    type,
    [eventScopeOf(type) === 'merchant' ? 'merchantId' : 'orgId']: tenantId,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    data: structuredClone(EVENT_CATALOG[type].example),
  };
  return parsePlatformEvent(event) as PlatformEventOf<T>;
}
