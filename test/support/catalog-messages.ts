import { randomUUID } from 'node:crypto';
import type { QueuedWebhook } from '../../shared/inbound/queued-webhook';
import { fixtureBytes } from './fixtures';

/**
 * Square and Shopify webhooks as the catalog consumer receives them (QueuedWebhook envelopes), with
 * JSON written the way the providers write it: 64-bit ids as bare integer literals. Pass ids as
 * bigint (`788032119674292922n`) and they are serialised exactly, never through a JS number.
 */

/** JSON text in which every bigint is a bare integer literal. */
export function rawJson(value: unknown): string {
  const marker = `__bigint_${randomUUID()}__`;
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `${marker}${item.toString()}` : item,
  );
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

export const SHOP = 'example-shop.myshopify.com';
export const MERCHANT = '6SSW7HV8K2ST5';

export interface ShopifyOptions {
  readonly webhookId?: string;
  readonly triggeredAt?: string;
  readonly shop?: string;
  readonly receivedAt?: string;
}

export function shopifyMessage(topic: string, body: unknown, options: ShopifyOptions = {}): QueuedWebhook {
  const text = typeof body === 'string' ? body : rawJson(body);
  const webhookId = options.webhookId ?? randomUUID();
  const shop = options.shop ?? SHOP;
  return {
    source: 'shopify',
    eventId: webhookId,
    eventType: topic,
    receivedAt: options.receivedAt ?? new Date().toISOString(),
    correlationId: `corr-${webhookId}`,
    rawBodyBase64: Buffer.from(text).toString('base64'),
    account: shop,
    headers: {
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': shop,
      'x-shopify-webhook-id': webhookId,
      'x-shopify-api-version': '2026-04',
      ...(options.triggeredAt && { 'x-shopify-triggered-at': options.triggeredAt }),
    },
  };
}

export function squareMessage(
  body: { event_id: string; type: string; merchant_id: string } & Record<string, unknown>,
  receivedAt = new Date().toISOString(),
): QueuedWebhook {
  return {
    source: 'square',
    eventId: body.event_id,
    eventType: body.type,
    receivedAt,
    correlationId: `corr-${body.event_id}`,
    rawBodyBase64: Buffer.from(rawJson(body)).toString('base64'),
    account: body.merchant_id,
  };
}

export interface ProductOptions {
  readonly id: bigint;
  readonly updatedAt: string;
  readonly title?: string;
  readonly status?: string;
  readonly variants?: readonly {
    id: bigint;
    sku: string | null;
    price: string;
    inventoryItemId: bigint | null;
    title?: string;
  }[];
}

/** A products/create|update body: Shopify's documented sample with the given ids, title and variants. */
export function productBody(options: ProductOptions): Record<string, unknown> {
  const sample = JSON.parse(fixtureBytes('shopify.products.update.json').toString('utf8')) as Record<
    string,
    unknown
  > & { variants: Record<string, unknown>[] };
  const variants = options.variants ?? [
    { id: 642667041472713922n, sku: 'TEE-S', price: '19.99', inventoryItemId: 271878346596884015n },
  ];
  return {
    ...sample,
    id: options.id,
    admin_graphql_api_id: `gid://shopify/Product/${options.id}`,
    title: options.title ?? sample.title,
    status: options.status ?? 'active',
    updated_at: options.updatedAt,
    variants: variants.map((variant, index) => ({
      ...sample.variants[index % sample.variants.length],
      id: variant.id,
      admin_graphql_api_id: `gid://shopify/ProductVariant/${variant.id}`,
      product_id: options.id,
      sku: variant.sku,
      price: variant.price,
      title: variant.title ?? `Variant ${index + 1}`,
      inventory_item_id: variant.inventoryItemId,
    })),
  };
}

export function inventoryLevelBody(options: {
  inventoryItemId: bigint;
  locationId: bigint;
  available: number | null;
  updatedAt: string;
}): Record<string, unknown> {
  return {
    inventory_item_id: options.inventoryItemId,
    location_id: options.locationId,
    available: options.available,
    updated_at: options.updatedAt,
    admin_graphql_api_id:
      `gid://shopify/InventoryLevel/${options.locationId}` + `?inventory_item_id=${options.inventoryItemId}`,
  };
}

export function squareCountBody(options: {
  eventId: string;
  merchantId?: string;
  counts: readonly { objectId: string; locationId: string; quantity: string; calculatedAt: string; state?: string }[];
  createdAt?: string;
}) {
  return {
    merchant_id: options.merchantId ?? MERCHANT,
    type: 'inventory.count.updated',
    event_id: options.eventId,
    created_at: options.createdAt ?? options.counts[0]?.calculatedAt ?? new Date().toISOString(),
    data: {
      type: 'inventory_counts',
      id: randomUUID(),
      object: {
        inventory_counts: options.counts.map((count) => ({
          calculated_at: count.calculatedAt,
          catalog_object_id: count.objectId,
          catalog_object_type: 'ITEM_VARIATION',
          location_id: count.locationId,
          quantity: count.quantity,
          state: count.state ?? 'IN_STOCK',
        })),
      },
    },
  };
}

export function squareCatalogVersionBody(options: { eventId: string; updatedAt: string; merchantId?: string }) {
  return {
    merchant_id: options.merchantId ?? MERCHANT,
    type: 'catalog.version.updated',
    event_id: options.eventId,
    created_at: options.updatedAt,
    data: { type: 'catalog_version', id: '', object: { catalog_version: { updated_at: options.updatedAt } } },
  };
}

/** A Square ITEM with nested ITEM_VARIATIONs, as SearchCatalogObjects returns it. */
export function squareItemObject(options: {
  id: string;
  updatedAt: string;
  version: bigint;
  name?: string;
  deleted?: boolean;
  variations?: readonly { id: string; sku: string | null; amount: bigint; currency?: string; name?: string }[];
}) {
  return {
    type: 'ITEM',
    id: options.id,
    updated_at: options.updatedAt,
    version: options.version,
    is_deleted: options.deleted ?? false,
    present_at_all_locations: true,
    item_data: {
      name: options.name ?? `Item ${options.id}`,
      product_type: 'REGULAR',
      variations: (options.variations ?? []).map((variation) => ({
        type: 'ITEM_VARIATION',
        id: variation.id,
        updated_at: options.updatedAt,
        version: options.version,
        is_deleted: false,
        item_variation_data: {
          item_id: options.id,
          name: variation.name ?? 'Regular',
          sku: variation.sku,
          pricing_type: 'FIXED_PRICING',
          price_money: { amount: variation.amount, currency: variation.currency ?? 'USD' },
        },
      })),
    },
  };
}
