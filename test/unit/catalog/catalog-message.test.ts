import { describe, expect, it } from 'vitest';
import { parseCatalogMessage } from '../../../shared/catalog/catalog-message';
import { parseLosslessJson } from '../../../shared/platform/json/lossless';
import { squareCatalogChanges } from '../../../shared/catalog/square-changes';
import { InvalidPayloadError } from '../../../shared/platform/errors';
import { fixtureBytes } from '../../support/fixtures';
import { MERCHANT, rawJson, shopifyMessage, squareItemObject, squareMessage } from '../../support/catalog-messages';

/** What the client hands over: SearchCatalogObjects JSON parsed losslessly. */
const asParsed = (...objects: unknown[]) => parseLosslessJson(rawJson(objects)) as unknown[];

const fixtureText = (name: string) => fixtureBytes(name).toString('utf8');

function change(message: Parameters<typeof parseCatalogMessage>[0]) {
  return parseCatalogMessage(message).change;
}

describe('Module: catalog messages', () => {
  describe('Function: parseCatalogMessage (Shopify)', () => {
    it('reads a product with its variants, keeping the 64-bit ids exact', () => {
      const parsed = parseCatalogMessage(
        shopifyMessage('products/update', fixtureText('shopify.products.update.json'), { webhookId: 'wh_1' }),
      );
      expect(parsed).toMatchObject({ provider: 'shopify', account: 'example-shop.myshopify.com' });
      expect(parsed.change).toMatchObject({
        kind: 'items',
        items: [
          {
            source: 'shopify',
            itemId: '788032119674292922',
            deleted: false,
            title: 'Example T-Shirt',
            status: 'active',
            vendor: 'Acme',
            productType: 'Shirts',
            sourceUpdatedAt: '2022-01-01T00:00:00.000Z',
            eventId: 'wh_1',
            variants: [
              {
                id: '642667041472713922',
                title: 'Small',
                sku: null,
                price: { amount: '19.99', currency: null },
                inventoryItemId: null,
              },
              {
                id: '757650484644203962',
                title: 'Medium',
                sku: null,
                price: { amount: '19.99', currency: null },
                inventoryItemId: null,
              },
            ],
          },
        ],
        // The documented sample has no inventory item ids, so no SKU references.
        refs: [],
      });
    });

    it('versions a deletion by x-shopify-triggered-at, ranked after an update at the same instant', () => {
      const deletion = change(
        shopifyMessage('products/delete', fixtureText('shopify.products.delete.json'), {
          webhookId: 'wh_d',
          triggeredAt: '2021-12-31T19:00:00-05:00',
        }),
      );
      const update = change(
        shopifyMessage('products/update', fixtureText('shopify.products.update.json'), { webhookId: 'wh_u' }),
      );
      expect(deletion).toMatchObject({
        kind: 'items',
        items: [
          { itemId: '788032119674292922', deleted: true, variants: [], sourceUpdatedAt: '2022-01-01T00:00:00.000Z' },
        ],
      });
      const [deleted] = deletion.kind === 'items' ? deletion.items : [];
      const [updated] = update.kind === 'items' ? update.items : [];
      expect(deleted!.version > updated!.version).toBe(true);
    });

    it('reads an inventory level with its exact inventory item id and a null available', () => {
      expect(
        change(
          shopifyMessage('inventory_levels/update', fixtureText('shopify.inventory_levels.update.json'), {
            webhookId: 'wh_l',
          }),
        ),
      ).toEqual({
        kind: 'levels',
        levels: [
          {
            source: 'shopify',
            itemId: '271878346596884015',
            locationId: '24826418',
            state: 'available',
            quantity: null,
            sourceUpdatedAt: '2022-01-01T00:00:00.000Z',
            version: expect.stringMatching(/^\d{21}#0#wh_l$/),
            eventId: 'wh_l',
          },
        ],
      });
    });

    it('ignores topics the catalog does not use and refuses bodies it cannot read', () => {
      expect(change(shopifyMessage('orders/create', '{"id": 1}'))).toEqual({
        kind: 'ignored',
        reason: 'topic orders/create is not a catalog topic',
      });
      expect(() => parseCatalogMessage(shopifyMessage('products/update', '{"id": '))).toThrow(InvalidPayloadError);
      expect(() => parseCatalogMessage(shopifyMessage('products/update', '{"title": "no id"}'))).toThrow(
        /does not have the expected shape/,
      );
    });
  });

  describe('Function: parseCatalogMessage (Square)', () => {
    it('reads every inventory count with its quantity as Square wrote it', () => {
      const body = JSON.parse(fixtureText('square.inventory.count.updated.json')) as Parameters<
        typeof squareMessage
      >[0];
      const parsed = parseCatalogMessage(squareMessage(body));
      expect(parsed).toMatchObject({ provider: 'square', account: MERCHANT });
      expect(parsed.change).toEqual({
        kind: 'levels',
        levels: [
          {
            source: 'square',
            itemId: 'FGQ5JJWT2PYTHF35CKZ2DSKP',
            locationId: 'YYQR03DGCTXA4',
            state: 'IN_STOCK',
            quantity: '10',
            sourceUpdatedAt: '2019-10-29T18:38:45.102Z',
            version: '001572374325102960000#0#df5f3813-a913-45a1-94e9-fdc3f7d5e3b6',
            eventId: 'df5f3813-a913-45a1-94e9-fdc3f7d5e3b6',
          },
        ],
      });
    });

    it('reads catalog.version.updated as the time the catalog changed', () => {
      const body = JSON.parse(fixtureText('square.catalog.version.updated.json')) as Parameters<
        typeof squareMessage
      >[0];
      expect(change(squareMessage(body))).toMatchObject({
        kind: 'catalogVersion',
        merchantId: MERCHANT,
        updatedAt: { iso: '2019-10-29T17:26:16.530Z' },
      });
    });
  });

  describe('Function: squareCatalogChanges', () => {
    it('turns ITEMs into items with variations, prices in major units and SKU references', () => {
      const item = squareItemObject({
        id: 'ITEM_1',
        updatedAt: '2024-05-01T10:00:00Z',
        version: 9_223_372_036_854_775_000n,
        name: 'Coffee',
        variations: [{ id: 'VAR_1', sku: 'COF-1', amount: 1999n }],
      });
      const changes = squareCatalogChanges(asParsed(item));
      expect(changes.items).toEqual([
        expect.objectContaining({
          source: 'square',
          itemId: 'ITEM_1',
          title: 'Coffee',
          status: 'active',
          deleted: false,
          variants: [
            {
              id: 'VAR_1',
              title: 'Regular',
              sku: 'COF-1',
              price: { amount: '19.99', currency: 'USD' },
              inventoryItemId: 'VAR_1',
            },
          ],
          version: expect.stringMatching(/#0#09223372036854775000$/),
        }),
      ]);
      expect(changes.refs).toEqual([
        expect.objectContaining({
          inventoryItemId: 'VAR_1',
          itemId: 'ITEM_1',
          sku: 'COF-1',
          title: 'Coffee / Regular',
        }),
      ]);
    });

    it("tombstones deleted ITEMs and takes a changed variation's parent from related objects", () => {
      const deleted = squareItemObject({
        id: 'ITEM_GONE',
        updatedAt: '2024-05-01T10:00:00Z',
        version: 5n,
        deleted: true,
      });
      const parent = squareItemObject({
        id: 'ITEM_P',
        updatedAt: '2024-05-01T09:00:00Z',
        version: 3n,
        variations: [{ id: 'VAR_P', sku: 'P-1', amount: 100n }],
      });
      const variation = { ...parent.item_data.variations[0], updated_at: '2024-05-01T11:00:00Z', version: 7n };
      const changes = squareCatalogChanges(
        asParsed(deleted, variation, { type: 'CATEGORY', id: 'CAT_1' }, { type: 'ITEM', id: 'NO_TIME' }),
        asParsed(parent),
      );
      expect(changes.items.map((item) => [item.itemId, item.deleted])).toEqual([
        ['ITEM_GONE', true],
        ['ITEM_P', false],
      ]);
      expect(changes).toMatchObject({ skipped: 1, invalid: 1 });
      // The variation's own, newer version wins for its reference.
      expect(changes.refs).toEqual([
        expect.objectContaining({
          inventoryItemId: 'VAR_P',
          version: expect.stringMatching(/#0#00000000000000000007$/),
        }),
      ]);
    });
  });
});
