import * as z from 'zod';
import type { Provider } from '../inbound/connections/connections-store';
import { InvalidPayloadError } from '../platform/errors';
import { parseLosslessJson } from '../platform/json/lossless';
import { decodeQueuedBody, type QueuedWebhook } from '../inbound/queued-webhook';
import type { ItemChange, LevelChange, VariantRef } from './catalog-record';
import {
  shopifyLevelChange,
  shopifyProductChange,
  shopifyProductDeletion,
  type ShopifyDelivery,
} from './shopify-changes';
import { squareCatalogVersion, squareEventSchema, squareLevelChanges } from './square-changes';
import type { Instant } from './versions';

/**
 * What one queued Square or Shopify webhook asks of the catalog. The body is parsed losslessly
 * (64-bit ids stay exact) and validated; a body that cannot be read is an `InvalidPayloadError`
 * (retried, then kept in the dead-letter queue). Event types the catalog does not use are `ignored`.
 */

export type CatalogChange =
  | { readonly kind: 'items'; readonly items: readonly ItemChange[]; readonly refs: readonly VariantRef[] }
  | { readonly kind: 'levels'; readonly levels: readonly LevelChange[] }
  | { readonly kind: 'catalogVersion'; readonly merchantId: string; readonly updatedAt: Instant }
  | { readonly kind: 'ignored'; readonly reason: string }
  | AccountLifecycleChange;

/**
 * What happens to the account itself rather than its catalog: the provider revoked our access
 * (Shopify `app/uninstalled`, Square `oauth.authorization.revoked`), asked for the shop's data to be
 * erased (`shop/redact`), or for a customer's data (`customers/data_request`, `customers/redact`).
 */
export type AccountLifecycleChange =
  | { readonly kind: 'revoked'; readonly at: string }
  | { readonly kind: 'erase' }
  | { readonly kind: 'customerDataRequest'; readonly topic: string };

export interface CatalogMessage {
  readonly provider: Provider;
  /** Square merchant id or Shopify shop domain: whose event it is. */
  readonly account: string;
  readonly change: CatalogChange;
}

export const SHOPIFY_TOPICS = [
  'products/create',
  'products/update',
  'products/delete',
  'inventory_levels/update',
] as const;
export const SQUARE_EVENT_TYPES = ['inventory.count.updated', 'catalog.version.updated'] as const;

export function parseCatalogMessage(message: QueuedWebhook): CatalogMessage {
  if (message.source === 'stripe')
    throw new InvalidPayloadError('A Stripe event has no place on the catalog queue', ['source']);
  let body: unknown;
  try {
    body = parseLosslessJson(decodeQueuedBody(message));
  } catch (error) {
    throw new InvalidPayloadError(`Queued ${message.source} body is not JSON`, [], { cause: error });
  }
  return message.source === 'shopify' ? shopifyMessage(message, body) : squareMessage(message, body);
}

function shopifyMessage(message: QueuedWebhook, body: unknown): CatalogMessage {
  const headers = message.headers ?? {};
  const account = message.account ?? headers['x-shopify-shop-domain'];
  if (!account)
    throw new InvalidPayloadError('Shopify delivery names no shop (account or x-shopify-shop-domain)', ['account']);
  const delivery: ShopifyDelivery = {
    webhookId: message.eventId,
    triggeredAt: headers['x-shopify-triggered-at'],
    receivedAt: message.receivedAt,
  };
  const topic = message.eventType;
  const change = readable(`Shopify ${topic}`, (): CatalogChange => {
    switch (topic) {
      case 'products/create':
      case 'products/update': {
        const { item, refs } = shopifyProductChange(body, delivery);
        return { kind: 'items', items: [item], refs };
      }
      case 'products/delete':
        return { kind: 'items', items: [shopifyProductDeletion(body, delivery)], refs: [] };
      case 'inventory_levels/update':
        return { kind: 'levels', levels: [shopifyLevelChange(body, delivery)] };
      case 'app/uninstalled':
        return { kind: 'revoked', at: message.receivedAt };
      case 'shop/redact':
        return { kind: 'erase' };
      case 'customers/data_request':
      case 'customers/redact':
        return { kind: 'customerDataRequest', topic };
      default:
        return { kind: 'ignored', reason: `topic ${topic} is not a catalog topic` };
    }
  });
  return { provider: 'shopify', account, change };
}

function squareMessage(message: QueuedWebhook, body: unknown): CatalogMessage {
  const event = readable('Square event', () => squareEventSchema.parse(body));
  const account = message.account ?? event.merchant_id;
  const change = readable(`Square ${event.type}`, (): CatalogChange => {
    switch (event.type) {
      case 'inventory.count.updated':
        return { kind: 'levels', levels: squareLevelChanges(event) };
      case 'catalog.version.updated':
        return { kind: 'catalogVersion', merchantId: event.merchant_id, updatedAt: squareCatalogVersion(event) };
      case 'oauth.authorization.revoked':
        return { kind: 'revoked', at: message.receivedAt };
      default:
        return { kind: 'ignored', reason: `event type ${event.type} is not a catalog event` };
    }
  });
  return { provider: 'square', account, change };
}

function readable<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const issues =
      error instanceof z.ZodError
        ? error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        : [(error as Error).message];
    throw new InvalidPayloadError(`${what} does not have the expected shape`, issues, { cause: error });
  }
}
