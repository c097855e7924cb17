import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { normaliseShopDomain } from '../../shared/inbound/connections/connection-input';
import { editJsonText, pathMatches, type JsonPath } from '../../shared/platform/json/edit';
import { SQUARE_SIGNATURE_HEADER, squareSignatureHeader } from '../../shared/inbound/signatures/square';
import { SHOPIFY_SIGNATURE_HEADER, shopifySignatureHeader } from '../../shared/inbound/signatures/shopify';
import { SHOPIFY_TOPICS, SQUARE_EVENT_TYPES } from '../../shared/catalog/catalog-message';
import { REPO_ROOT } from './paths';

/**
 * Builds realistic Square and Shopify deliveries for local testing from the fixtures in
 * test/fixtures/: fresh event / webhook ids, timestamps of now, and the merchant, shop, quantity,
 * title or price the caller asks for. Edits are made on the fixture's text (shared/json/edit), so
 * Shopify's 64-bit ids (`788032119674292922`) reach the wire exactly as written, never rounded by a
 * JSON.parse/stringify round trip. Signing is kept separate and byte-exact (`signSquare`, `signShopify`).
 */

// The topics and event types the sender knows are the ones the catalog consumer understands.
export type SquareEventType = (typeof SQUARE_EVENT_TYPES)[number];
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export function isSquareEventType(value: unknown): value is SquareEventType {
  return typeof value === 'string' && (SQUARE_EVENT_TYPES as readonly string[]).includes(value);
}

export function isShopifyTopic(value: unknown): value is ShopifyTopic {
  return typeof value === 'string' && (SHOPIFY_TOPICS as readonly string[]).includes(value);
}

/** The merchant of the Square fixtures; the catalog object and location of the inventory fixture. */
export const FIXTURE_SQUARE_MERCHANT_ID = '6SSW7HV8K2ST5';
/** The product of the Shopify fixtures (64-bit: exact only as text). */
export const FIXTURE_SHOPIFY_PRODUCT_ID = '788032119674292922';
/**
 * The API version whose documented sample a Shopify fixture is (see test/fixtures/SOURCES.md): the
 * product samples are 2026-04's; the inventory level sample is still the one published with 2024-04.
 */
function shopifyFixtureApiVersion(topic: ShopifyTopic): string {
  return topic === 'inventory_levels/update' ? '2024-04' : '2026-04';
}

export function loadProviderFixture(name: string): string {
  return readFileSync(resolve(REPO_ROOT, 'test', 'fixtures', name), 'utf8');
}

export function loadSquareFixture(type: SquareEventType): string {
  return loadProviderFixture(`square.${type}.json`);
}

export function loadShopifyFixture(topic: ShopifyTopic): string {
  return loadProviderFixture(`shopify.${topic.replace('/', '.')}.json`);
}

type Edit = [JsonPath, unknown];

/** Sets every value whose path matches an edit's pattern (`'*'`: any key or index); nothing else changes. */
function applyEdits(fixture: string, edits: readonly Edit[]): string {
  return editJsonText(fixture, (path) => {
    const match = edits.find(([pattern]) => pathMatches(path, ...pattern));
    return match ? JSON.stringify(match[1]) : undefined;
  });
}

export interface SquareEventOptions {
  readonly merchantId: string;
  /** `inventory.count.updated`: the new quantity (Square sends a decimal string). */
  readonly quantity?: string | number;
  /** `inventory.count.updated`: the location of the count. */
  readonly locationId?: string;
  /** `inventory.count.updated`: the item variation whose count changed. */
  readonly catalogObjectId?: string;
  readonly eventId?: string;
  readonly now?: Date;
}

export interface BuiltSquareEvent {
  readonly eventId: string;
  readonly body: string;
}

export function buildSquareEvent(
  fixture: string,
  type: SquareEventType,
  options: SquareEventOptions,
): BuiltSquareEvent {
  if (!options.merchantId.trim()) throw new Error('merchantId must not be empty');
  if (options.quantity !== undefined && !/^\d+(\.\d+)?$/.test(String(options.quantity)))
    throw new Error(`quantity must be a non-negative decimal, got "${options.quantity}"`);
  const eventId = options.eventId ?? randomUUID();
  const now = (options.now ?? new Date()).toISOString();
  const edits: Edit[] = [
    [['merchant_id'], options.merchantId],
    [['type'], type],
    [['event_id'], eventId],
    [['created_at'], now],
    [['data', 'id'], randomUUID()],
    [['data', 'object', 'catalog_version', 'updated_at'], now],
    [['data', 'object', 'inventory_counts', '*', 'calculated_at'], now],
  ];
  const count = (field: string, value: unknown) =>
    edits.push([['data', 'object', 'inventory_counts', '*', field], value]);
  if (options.quantity !== undefined) count('quantity', String(options.quantity));
  if (options.locationId !== undefined) count('location_id', options.locationId);
  if (options.catalogObjectId !== undefined) count('catalog_object_id', options.catalogObjectId);
  const body = applyEdits(fixture, edits);
  return { eventId, body };
}

/** The headers Square sends with a delivery: the signature over `notificationUrl + body`. */
export function signSquare(body: string, options: { key: string; notificationUrl: string }): Record<string, string> {
  return { [SQUARE_SIGNATURE_HEADER]: squareSignatureHeader(options.key, options.notificationUrl, body) };
}

export interface ShopifyEventOptions {
  readonly shopDomain: string;
  /** `products/*`: the product's title. */
  readonly title?: string;
  /** `products/*`: every variant's price (Shopify sends a decimal string). */
  readonly price?: string | number;
  /** `inventory_levels/update`: units available. */
  readonly available?: number;
  readonly webhookId?: string;
  readonly eventId?: string;
  readonly now?: Date;
}

export interface BuiltShopifyEvent {
  readonly webhookId: string;
  readonly body: string;
  /** Every delivery header but the HMAC (`signShopify` adds it). */
  readonly headers: Record<string, string>;
}

/** Shopify's timestamp style, `2021-12-31T19:00:00-05:00`, in UTC. */
function shopifyTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function buildShopifyEvent(
  fixture: string,
  topic: ShopifyTopic,
  options: ShopifyEventOptions,
): BuiltShopifyEvent {
  const shopDomain = normaliseShopDomain(options.shopDomain);
  if (shopDomain === undefined)
    throw new Error(`shop must be a domain like example.myshopify.com, got "${options.shopDomain}"`);
  if (options.price !== undefined && !/^\d+(\.\d{1,2})?$/.test(String(options.price)))
    throw new Error(`price must be a decimal like 19.99, got "${options.price}"`);
  if (options.available !== undefined && !Number.isSafeInteger(options.available))
    throw new Error(`available must be an integer, got "${options.available}"`);
  const now = options.now ?? new Date();
  const timestamp = shopifyTimestamp(now);
  const webhookId = options.webhookId ?? randomUUID();
  const isProduct = topic === 'products/create' || topic === 'products/update';
  const edits: Edit[] = [];
  if (isProduct) {
    edits.push([['updated_at'], timestamp], [['variants', '*', 'updated_at'], timestamp]);
    if (topic === 'products/create')
      edits.push([['created_at'], timestamp], [['variants', '*', 'created_at'], timestamp]);
    if (options.title !== undefined) edits.push([['title'], options.title]);
    if (options.price !== undefined) edits.push([['variants', '*', 'price'], String(options.price)]);
  }
  if (topic === 'inventory_levels/update') {
    edits.push([['updated_at'], timestamp]);
    if (options.available !== undefined) edits.push([['available'], options.available]);
  }
  const body = applyEdits(fixture, edits);
  return {
    webhookId,
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': shopDomain,
      'x-shopify-webhook-id': webhookId,
      'x-shopify-event-id': options.eventId ?? randomUUID(),
      'x-shopify-triggered-at': now.toISOString(),
      'x-shopify-api-version': shopifyFixtureApiVersion(topic),
    },
  };
}

/** The HMAC header Shopify adds: base64(HMAC-SHA256(client secret, body)). */
export function signShopify(body: string, secret: string): Record<string, string> {
  return { [SHOPIFY_SIGNATURE_HEADER]: shopifySignatureHeader(secret, body) };
}
