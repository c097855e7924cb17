import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { CatalogItem, StockLevel } from '../../shared/catalog/catalog-record';
import type { CatalogStore } from '../../shared/catalog/catalog-store';
import {
  inventoryQuerySchema,
  itemsQuerySchema,
  settingsSchema,
  type catalogItemViewSchema,
  type inventorySettingsViewSchema,
  stockLevelViewSchema,
} from '../../shared/catalog/catalog-api-schemas';
import { createOrgRouter, parseJsonBody, parseQuery } from '../../shared/platform/http/org-router';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import { pickFields } from '../../shared/platform/json/pick-fields';
import type { Observability } from '../../shared/platform/observability';

/**
 * The catalog read API: an organisation's members read its items (with variants; deleted items left
 * out) and stock levels (with the provider's timestamps); its admins set the stockout threshold.
 * Another organisation's data is 404, like everything under /v1/orgs/{orgId}.
 */

export interface CatalogApiDependencies {
  readonly store: CatalogStore;
  readonly now: () => Date;
  readonly observability: Observability;
}

function itemView(item: CatalogItem): z.output<typeof catalogItemViewSchema> {
  return {
    source: item.source,
    id: item.itemId,
    title: item.title,
    status: item.status,
    vendor: item.vendor,
    productType: item.productType,
    variants: item.variants.map((variant) => ({
      id: variant.id,
      title: variant.title,
      sku: variant.sku,
      price: variant.price,
      inventoryItemId: variant.inventoryItemId,
    })),
    sourceUpdatedAt: item.sourceUpdatedAt,
    updatedAt: item.updatedAt,
  };
}

function levelView(level: StockLevel): z.output<typeof stockLevelViewSchema> {
  return pickFields(level, stockLevelViewSchema.keyof().options);
}

function settingsView(settings: {
  stockoutThreshold: string;
  updatedAt: string;
}): z.output<typeof inventorySettingsViewSchema> {
  return { stockoutThreshold: Number(settings.stockoutThreshold), updatedAt: settings.updatedAt };
}

export function createCatalogApiHandler(
  deps: CatalogApiDependencies,
): (event: APIGatewayProxyEventV2) => Promise<HttpResult> {
  return createOrgRouter(
    {
      'GET /v1/orgs/{orgId}/catalog/items': {
        role: 'member',
        handle: async ({ orgId, event }) => {
          const { source, limit, cursor } = parseQuery(event, itemsQuerySchema);
          const page = await deps.store.listItems(orgId, {
            limit,
            ...(source && { source }),
            ...(cursor !== undefined && { cursor }),
          });
          return json(200, { items: page.items.map(itemView), nextCursor: page.nextCursor });
        },
      },

      'GET /v1/orgs/{orgId}/inventory': {
        role: 'member',
        handle: async ({ orgId, event }) => {
          const { itemId, locationId, limit, cursor } = parseQuery(event, inventoryQuerySchema);
          const page = await deps.store.listLevels(orgId, {
            limit,
            ...(itemId !== undefined && { itemId }),
            ...(locationId !== undefined && { locationId }),
            ...(cursor !== undefined && { cursor }),
          });
          return json(200, { items: page.items.map(levelView), nextCursor: page.nextCursor });
        },
      },

      'PUT /v1/orgs/{orgId}/settings/inventory': {
        role: 'admin',
        handle: async ({ orgId, event }) => {
          const { stockoutThreshold } = parseJsonBody(event, settingsSchema);
          const settings = { stockoutThreshold, updatedAt: deps.now().toISOString() };
          await deps.store.putInventorySettings(orgId, settings);
          deps.observability.logger.info('Inventory settings updated', { orgId, stockoutThreshold });
          return json(200, settingsView(settings));
        },
      },
    },
    deps.observability.logger,
  );
}
