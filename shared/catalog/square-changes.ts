import * as z from 'zod';
import { jsonIdSchema } from '../platform/json/lossless';
import { joinTitles, tombstone } from './catalog-record';
import type { ItemChange, LevelChange, Variant, VariantRef } from './catalog-record';
import { canonicalDecimal, minorUnitsToDecimal } from './decimal';
import { parseInstant, RANK, versionOf, type Instant } from './versions';

/**
 * Square webhooks and pulled Catalog API objects as catalog changes. Bodies must have been parsed
 * with `parseLosslessJson`: object versions and money amounts are int64.
 *
 * Versions: an inventory count's `calculated_at` (else the event's `created_at`), ties broken by the
 * event's `event_id`; a pulled ITEM's newest `updated_at` among itself and its variations, ties
 * broken by the newest object `version` (Square increments it on every change).
 */

const text = z
  .string()
  .nullish()
  .transform((value) => (value === undefined || value === null || value.trim() === '' ? null : value));

export const squareEventSchema = z.looseObject({
  merchant_id: z.string().min(1),
  type: z.string().min(1),
  event_id: z.string().min(1),
  created_at: text,
  data: z.looseObject({ type: text, id: text, object: z.unknown() }).nullish(),
});

export type SquareEvent = z.infer<typeof squareEventSchema>;

const inventoryCountSchema = z.looseObject({
  catalog_object_id: z.string().min(1),
  catalog_object_type: text,
  location_id: z.string().min(1),
  state: z.string().min(1),
  quantity: z
    .string()
    .refine((value) => canonicalDecimal(value) !== undefined, 'must be a decimal string')
    .nullish(),
  calculated_at: text,
});

const inventoryCountsSchema = z.looseObject({ inventory_counts: z.array(z.unknown()) });
const catalogVersionSchema = z.looseObject({ catalog_version: z.looseObject({ updated_at: z.string() }) });

export function squareLevelChanges(event: SquareEvent): LevelChange[] {
  const { inventory_counts: counts } = inventoryCountsSchema.parse(event.data?.object);
  return squareCountChanges(counts, { createdAt: event.created_at, tieBreak: event.event_id });
}

/**
 * Inventory counts (from a webhook, or read with BatchRetrieveInventoryCounts by a sync) as level
 * changes: versioned by `calculated_at`, else `createdAt`; ties broken by `tieBreak`.
 */
export function squareCountChanges(
  input: readonly unknown[],
  origin: { readonly createdAt: string | null | undefined; readonly tieBreak: string },
): LevelChange[] {
  return input.map((raw) => {
    const count = inventoryCountSchema.parse(raw);
    const instant = parseInstant(count.calculated_at) ?? parseInstant(origin.createdAt);
    if (!instant) throw new TypeError(`Square ${origin.tieBreak} has an inventory count without a usable timestamp`);
    return {
      source: 'square',
      itemId: count.catalog_object_id,
      locationId: count.location_id,
      state: count.state,
      // Kept exactly as Square wrote it.
      quantity: count.quantity ?? null,
      sourceUpdatedAt: instant.iso,
      version: versionOf(instant, RANK.upsert, origin.tieBreak),
      eventId: origin.tieBreak,
    };
  });
}

/** `catalog.version.updated`: when the merchant's catalog last changed. */
export function squareCatalogVersion(event: SquareEvent): Instant {
  const { catalog_version: version } = catalogVersionSchema.parse(event.data?.object);
  const instant = parseInstant(version.updated_at);
  if (!instant) throw new TypeError(`Square event ${event.event_id} has an unreadable catalog_version.updated_at`);
  return instant;
}

const objectVersion = jsonIdSchema.nullish().transform((value) => (value ?? '0').padStart(20, '0'));

/** The fields every Square CatalogObject carries, whatever its type. */
const catalogObjectFields = {
  id: z.string().min(1),
  updated_at: text,
  version: objectVersion,
  is_deleted: z.boolean().nullish(),
};

const variationSchema = z.looseObject({
  type: z.literal('ITEM_VARIATION'),
  ...catalogObjectFields,
  item_variation_data: z
    .looseObject({
      item_id: text,
      name: text,
      sku: text,
      price_money: z.looseObject({ amount: jsonIdSchema, currency: z.string().min(1) }).nullish(),
    })
    .nullish(),
});

const itemSchema = z.looseObject({
  type: z.literal('ITEM'),
  ...catalogObjectFields,
  item_data: z
    .looseObject({
      name: text,
      product_type: text,
      is_archived: z.boolean().nullish(),
      variations: z.array(variationSchema).nullish(),
    })
    .nullish(),
});

type SquareItem = z.infer<typeof itemSchema>;
type SquareVariation = z.infer<typeof variationSchema>;

export interface SquareCatalogChanges {
  readonly items: ItemChange[];
  readonly refs: VariantRef[];
  /** Objects of other types, and deleted variations (their item carries the change). */
  readonly skipped: number;
  /** ITEMs and ITEM_VARIATIONs without the expected shape or a readable `updated_at`. */
  readonly invalid: number;
}

/**
 * Turns one page of SearchCatalogObjects (`objects` and `related_objects`) into item changes:
 * ITEMs with their variations, deleted ITEMs as tombstones, and a SKU reference per variation
 * (also for a variation that changed on its own, whose parent ITEM comes in `related_objects`).
 */
export function squareCatalogChanges(
  objects: readonly unknown[],
  relatedObjects: readonly unknown[] = [],
): SquareCatalogChanges {
  const items = new Map<string, ItemChange>();
  const refs = new Map<string, VariantRef>();
  let skipped = 0;
  let invalid = 0;
  const keepRef = (ref: VariantRef) => {
    const current = refs.get(ref.inventoryItemId);
    if (!current || ref.version > current.version) refs.set(ref.inventoryItemId, ref);
  };
  for (const object of [...objects, ...relatedObjects]) {
    const type = (object as { type?: unknown } | null)?.type;
    if (type === 'ITEM') {
      const parsed = itemSchema.safeParse(object);
      const change = parsed.success ? itemChangeOf(parsed.data) : undefined;
      if (!change) {
        invalid += 1;
        continue;
      }
      const { item, itemRefs } = change;
      const current = items.get(item.itemId);
      if (!current || item.version > current.version) items.set(item.itemId, item);
      itemRefs.forEach(keepRef);
    } else if (type === 'ITEM_VARIATION') {
      const parsed = variationSchema.safeParse(object);
      if (parsed.success && parsed.data.is_deleted) {
        skipped += 1;
        continue;
      }
      const instant = parsed.success ? parseInstant(parsed.data.updated_at) : undefined;
      if (!parsed.success || !instant) {
        invalid += 1;
        continue;
      }
      const variation = parsed.data;
      keepRef(
        refOf(
          variation,
          variation.item_variation_data?.item_id ?? '',
          null,
          versionOf(instant, RANK.upsert, variation.version),
        ),
      );
    } else {
      skipped += 1;
    }
  }
  return { items: [...items.values()], refs: [...refs.values()], skipped, invalid };
}

function itemChangeOf(object: SquareItem): { item: ItemChange; itemRefs: VariantRef[] } | undefined {
  const variations = object.item_data?.variations ?? [];
  // A variation can change without its item: the item's version is the newest of them all.
  const stamps = [object, ...variations]
    .map((entry) => ({ instant: parseInstant(entry.updated_at), version: entry.version }))
    .filter((stamp): stamp is { instant: Instant; version: string } => stamp.instant !== undefined);
  const newest = stamps.reduce<{ instant: Instant; version: string } | undefined>(
    (best, stamp) => (!best || stamp.instant.key > best.instant.key ? stamp : best),
    undefined,
  );
  if (!newest) return undefined;
  const tieBreak = stamps.map((stamp) => stamp.version).reduce((a, b) => (b > a ? b : a));
  if (object.is_deleted) {
    const version = versionOf(newest.instant, RANK.delete, tieBreak);
    return { item: tombstone('square', object.id, newest.instant.iso, version, squareEventId(object)), itemRefs: [] };
  }
  const version = versionOf(newest.instant, RANK.upsert, tieBreak);
  const name = object.item_data?.name ?? null;
  const live = variations.filter((variation) => !variation.is_deleted);
  const variants: Variant[] = live.map((variation) => {
    const data = variation.item_variation_data;
    const money = data?.price_money;
    const amount = money ? minorUnitsToDecimal(money.amount, money.currency) : undefined;
    return {
      id: variation.id,
      title: data?.name ?? null,
      sku: data?.sku ?? null,
      price: amount === undefined || !money ? null : { amount, currency: money.currency.toUpperCase() },
      // Square counts stock against the variation itself.
      inventoryItemId: variation.id,
    };
  });
  return {
    item: {
      source: 'square',
      itemId: object.id,
      deleted: false,
      title: name,
      status: object.item_data?.is_archived ? 'archived' : 'active',
      vendor: null,
      productType: object.item_data?.product_type ?? null,
      variants,
      sourceUpdatedAt: newest.instant.iso,
      version,
      eventId: squareEventId(object),
    },
    itemRefs: live.map((variation) => refOf(variation, object.id, name, version)),
  };
}

function refOf(variation: SquareVariation, itemId: string, itemName: string | null, version: string): VariantRef {
  const data = variation.item_variation_data;
  return {
    source: 'square',
    inventoryItemId: variation.id,
    itemId,
    variantId: variation.id,
    sku: data?.sku ?? null,
    title: joinTitles(itemName, data?.name ?? null),
    version,
  };
}

/** Identifies a pulled object's state the way an event id identifies a webhook: `square:<id>@<version>`. */
function squareEventId(object: SquareItem): string {
  return `square:${object.id}@${object.version.replace(/^0+(?=\d)/, '')}`;
}
