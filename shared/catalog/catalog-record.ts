import { createHash } from 'node:crypto';
import type { PlatformEventOf } from '../events/event-catalog';
import { compareDecimals, nonNegativeDecimal } from './decimal';
import { isNewer, type Version } from './versions';

/**
 * Catalog items, their variants and stock levels as the consumer stores them, and the pure decisions
 * that keep them at the newest change whatever order the providers deliver in. A change applies
 * only if its version is newer than the stored one; the same version again is a duplicate (one
 * effect); an older one is stale. A deletion is a tombstone with a version, so an update stamped
 * before it cannot revive the item, while a create stamped after it can.
 */

export type CatalogSource = 'square' | 'shopify';

export interface Money {
  /** Exact decimal in the currency's major units ("19.99"). */
  readonly amount: string;
  /** ISO 4217 code; null where the provider does not say (Shopify prices are in the shop's currency). */
  readonly currency: string | null;
}

export interface Variant {
  readonly id: string;
  readonly title: string | null;
  readonly sku: string | null;
  readonly price: Money | null;
  /** What stock levels are kept against: Shopify's inventory item id; for Square the variation id itself. */
  readonly inventoryItemId: string | null;
}

/** An item (Shopify product, Square ITEM) as the provider last described it. */
export interface ItemChange {
  readonly source: CatalogSource;
  readonly itemId: string;
  readonly deleted: boolean;
  readonly title: string | null;
  readonly status: string | null;
  readonly vendor: string | null;
  readonly productType: string | null;
  readonly variants: readonly Variant[];
  /** The source timestamp the version was taken from (ISO, UTC). */
  readonly sourceUpdatedAt: string;
  readonly version: Version;
  /** The provider event (or pulled object version) that carried the change. */
  readonly eventId: string;
}

export interface CatalogItem extends ItemChange {
  readonly orgId: string;
  /** When we stored it. */
  readonly updatedAt: string;
}

/** A quantity of one item at one location in one state (Shopify: `available`; Square: IN_STOCK, SOLD, …). */
export interface LevelChange {
  readonly source: CatalogSource;
  readonly itemId: string;
  readonly locationId: string;
  readonly state: string;
  /** Exact decimal string; null when the provider sent none (Shopify's `available: null`). */
  readonly quantity: string | null;
  readonly sourceUpdatedAt: string;
  readonly version: Version;
  readonly eventId: string;
}

export interface StockLevel extends LevelChange {
  readonly orgId: string;
  readonly updatedAt: string;
  /**
   * Set when this change took the available quantity to or below the organisation's threshold: the
   * id of the `demand_signal.stockout_risk` event it publishes. Kept so a retry after a crash between
   * the write and the publish publishes the same event again.
   */
  readonly stockoutEventId: string | null;
}

/** What a stock level's item is called: written from product upserts, read when a level is at risk. */
export interface VariantRef {
  readonly source: CatalogSource;
  readonly inventoryItemId: string;
  readonly itemId: string;
  readonly variantId: string;
  readonly sku: string | null;
  readonly title: string | null;
  readonly version: Version;
}

export type Decision<T> =
  | { readonly outcome: 'applied'; readonly record: T }
  | { readonly outcome: 'duplicate' | 'stale'; readonly reason: string };

/** States that are "available to sell"; stockout rules watch only these. */
export const AVAILABLE_STATES: Readonly<Record<CatalogSource, string>> = { shopify: 'available', square: 'IN_STOCK' };

export const DEFAULT_STOCKOUT_THRESHOLD = '0';

function precheck(
  current: { readonly version: Version } | undefined,
  version: Version,
): { outcome: 'duplicate' | 'stale'; reason: string } | undefined {
  if (current?.version === version) return { outcome: 'duplicate', reason: 'change already applied' };
  if (!isNewer(version, current?.version)) return { outcome: 'stale', reason: 'a newer change is already stored' };
  return undefined;
}

/** A deleted item: only its identity and version, so its content never depends on what arrived before. */
export function tombstone(
  source: CatalogSource,
  itemId: string,
  sourceUpdatedAt: string,
  version: string,
  eventId: string,
): ItemChange {
  return {
    source,
    itemId,
    deleted: true,
    title: null,
    status: null,
    vendor: null,
    productType: null,
    variants: [],
    sourceUpdatedAt,
    version,
    eventId,
  };
}

export function joinTitles(item: string | null, variant: string | null): string | null {
  if (item && variant) return `${item} / ${variant}`;
  return item ?? variant;
}

export function decideItem(
  current: CatalogItem | undefined,
  change: ItemChange,
  orgId: string,
  now: string,
): Decision<CatalogItem> {
  const skipped = precheck(current, change.version);
  if (skipped) return skipped;
  return { outcome: 'applied', record: { ...change, orgId, updatedAt: now } };
}

function isAtOrBelow(quantity: string | null, threshold: string): boolean {
  return quantity !== null && compareDecimals(quantity, threshold) <= 0;
}

/**
 * Applies a level change. The stockout signal fires when an available quantity goes to or below
 * `threshold` from above it (or from nothing known), not again while it stays there.
 */
export function decideLevel(
  current: StockLevel | undefined,
  change: LevelChange,
  orgId: string,
  threshold: string,
  now: string,
): Decision<StockLevel> {
  const skipped = precheck(current, change.version);
  if (skipped) return skipped;
  const watched = change.state === AVAILABLE_STATES[change.source];
  const crossed =
    watched && isAtOrBelow(change.quantity, threshold) && !isAtOrBelow(current?.quantity ?? null, threshold);
  return {
    outcome: 'applied',
    record: { ...change, orgId, updatedAt: now, stockoutEventId: crossed ? stockoutEventId(orgId, change) : null },
  };
}

/** Deterministic in the level's identity and version: a redelivery publishes the same event id. */
export function stockoutEventId(
  orgId: string,
  level: Pick<LevelChange, 'source' | 'itemId' | 'locationId' | 'state' | 'version'>,
): string {
  const digest = createHash('sha256')
    .update([orgId, level.source, level.itemId, level.locationId, level.state, level.version].join('\n'))
    .digest('hex');
  return `stockout_risk:${digest.slice(0, 40)}`;
}

const MAX_SKU_CHARS = 100;

/**
 * The `demand_signal.stockout_risk` event for a level that crossed its threshold. This signal comes
 * from a threshold rule, not a forecast: inbound and forecast demand are unknown here ("0"), days of
 * cover is 0 and the projected stockout is the moment the level was reported. `risk` is `critical`
 * when nothing is left, `high` when some stock remains at or below the threshold. Without a known
 * SKU the provider's item id stands in (the schema requires one), which is also the read API's `itemId`.
 */
export function stockoutEventFor(
  level: StockLevel,
  ref: VariantRef | undefined,
): PlatformEventOf<'demand_signal.stockout_risk'> {
  const eventId = level.stockoutEventId ?? stockoutEventId(level.orgId, level);
  const onHand = nonNegativeDecimal(level.quantity ?? '0');
  const sku = (ref?.sku?.trim() || level.itemId).slice(0, MAX_SKU_CHARS);
  return {
    id: eventId,
    type: 'demand_signal.stockout_risk',
    orgId: level.orgId,
    occurredAt: level.sourceUpdatedAt,
    data: {
      signalId: eventId,
      sku,
      locationId: level.locationId,
      unitOfMeasure: 'each',
      onHandQuantity: onHand,
      inboundQuantity: '0',
      forecastDailyDemand: '0',
      daysOfCover: 0,
      projectedStockoutAt: level.sourceUpdatedAt,
      leadTimeDays: null,
      risk: compareDecimals(onHand, '0') <= 0 ? 'critical' : 'high',
    },
  };
}
