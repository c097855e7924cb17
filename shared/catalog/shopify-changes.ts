import * as z from 'zod';
import { jsonIdSchema } from '../platform/json/lossless';
import {
  AVAILABLE_STATES,
  joinTitles,
  tombstone,
  type ItemChange,
  type LevelChange,
  type Variant,
  type VariantRef,
} from './catalog-record';
import { isDecimal } from './decimal';
import { parseInstant, RANK, versionOf, type Instant } from './versions';

/**
 * Shopify product and inventory-level webhooks as catalog changes. Bodies must have been parsed with
 * `parseLosslessJson`: product, variant, inventory item and location ids are 64-bit and come back as
 * digit strings (or numbers when small); `jsonIdSchema` makes every one a string.
 *
 * Versions: a product's `updated_at`; a deletion carries only the id, so `x-shopify-triggered-at`;
 * an inventory level's `updated_at`. Ties are broken by `x-shopify-webhook-id` (the delivery's id,
 * the same on every retry), so a redelivered webhook has exactly the same version.
 */

export interface ShopifyDelivery {
  /** `x-shopify-webhook-id`. */
  readonly webhookId: string;
  /** `x-shopify-triggered-at`, when present. */
  readonly triggeredAt: string | undefined;
  /** When ingest received it: the version of last resort when the payload has no usable timestamp. */
  readonly receivedAt: string;
}

const text = z
  .string()
  .nullish()
  .transform((value) => (value === undefined || value === null || value.trim() === '' ? null : value));
const optionalId = jsonIdSchema.nullish().transform((value) => value ?? null);
/** Prices are decimal strings in Shopify's REST payloads, kept exactly as written ("20.00" stays "20.00"). */
const price = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => {
    const written = value === undefined || value === null ? '' : String(value).trim();
    return isDecimal(written) ? written : null;
  });

const variantSchema = z.looseObject({
  id: jsonIdSchema,
  title: text,
  sku: text,
  price,
  inventory_item_id: optionalId,
});

const shopifyProductSchema = z.looseObject({
  id: jsonIdSchema,
  title: text,
  status: text,
  vendor: text,
  product_type: text,
  updated_at: text,
  variants: z
    .array(variantSchema)
    .nullish()
    .transform((value) => value ?? []),
});

const shopifyProductDeletionSchema = z.looseObject({ id: jsonIdSchema });

const shopifyInventoryLevelSchema = z.looseObject({
  inventory_item_id: jsonIdSchema,
  location_id: jsonIdSchema,
  available: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).nullish(),
  updated_at: text,
});

function instantOf(delivery: ShopifyDelivery, ...candidates: (string | null | undefined)[]): Instant {
  for (const candidate of [...candidates, delivery.triggeredAt, delivery.receivedAt]) {
    const instant = parseInstant(candidate);
    if (instant) return instant;
  }
  throw new TypeError(`Shopify delivery ${delivery.webhookId} has no usable timestamp`);
}

export function shopifyProductChange(
  input: unknown,
  delivery: ShopifyDelivery,
): { item: ItemChange; refs: VariantRef[] } {
  const product = shopifyProductSchema.parse(input);
  const instant = instantOf(delivery, product.updated_at);
  const version = versionOf(instant, RANK.upsert, delivery.webhookId);
  const variants: Variant[] = product.variants.map((variant) => ({
    id: variant.id,
    title: variant.title,
    sku: variant.sku,
    price: variant.price === null ? null : { amount: variant.price, currency: null },
    inventoryItemId: variant.inventory_item_id,
  }));
  const item: ItemChange = {
    source: 'shopify',
    itemId: product.id,
    deleted: false,
    title: product.title,
    status: product.status,
    vendor: product.vendor,
    productType: product.product_type,
    variants,
    sourceUpdatedAt: instant.iso,
    version,
    eventId: delivery.webhookId,
  };
  const refs = variants.flatMap((variant): VariantRef[] =>
    variant.inventoryItemId === null
      ? []
      : [
          {
            source: 'shopify',
            inventoryItemId: variant.inventoryItemId,
            itemId: product.id,
            variantId: variant.id,
            sku: variant.sku,
            title: joinTitles(product.title, variant.title),
            version,
          },
        ],
  );
  return { item, refs };
}

export function shopifyProductDeletion(input: unknown, delivery: ShopifyDelivery): ItemChange {
  const { id } = shopifyProductDeletionSchema.parse(input);
  const instant = instantOf(delivery);
  return tombstone('shopify', id, instant.iso, versionOf(instant, RANK.delete, delivery.webhookId), delivery.webhookId);
}

export function shopifyLevelChange(input: unknown, delivery: ShopifyDelivery): LevelChange {
  const level = shopifyInventoryLevelSchema.parse(input);
  const instant = instantOf(delivery, level.updated_at);
  return {
    source: 'shopify',
    itemId: level.inventory_item_id,
    locationId: level.location_id,
    state: AVAILABLE_STATES.shopify,
    quantity: level.available === undefined || level.available === null ? null : String(level.available),
    sourceUpdatedAt: instant.iso,
    version: versionOf(instant, RANK.upsert, delivery.webhookId),
    eventId: delivery.webhookId,
  };
}
