import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildShopifyEvent,
  buildSquareEvent,
  loadShopifyFixture,
  loadSquareFixture,
  signShopify,
  signSquare,
} from '../../../infra/local/provider-events';
import { SHOPIFY_TOPICS, SQUARE_EVENT_TYPES } from '../../../shared/catalog/catalog-message';
import { parseLosslessJson } from '../../../shared/platform/json/lossless';

const NOW = new Date('2026-11-28T12:34:56.789Z');
type Json = Record<string, unknown>;

describe('Module: local provider events', () => {
  describe('Function: buildSquareEvent', () => {
    it('sets the merchant, a fresh event id, now, and the count asked for', () => {
      const first = buildSquareEvent(loadSquareFixture('inventory.count.updated'), 'inventory.count.updated', {
        merchantId: 'MLEFBHHSJGVHD',
        quantity: 3,
        locationId: 'L1',
        now: NOW,
      });
      const second = buildSquareEvent(loadSquareFixture('inventory.count.updated'), 'inventory.count.updated', {
        merchantId: 'MLEFBHHSJGVHD',
        now: NOW,
      });
      const event = JSON.parse(first.body) as Json;
      expect(event).toMatchObject({
        merchant_id: 'MLEFBHHSJGVHD',
        type: 'inventory.count.updated',
        event_id: first.eventId,
        created_at: NOW.toISOString(),
      });
      const counts = ((event.data as Json).object as Json).inventory_counts as Json[];
      expect(counts).toEqual([
        expect.objectContaining({
          quantity: '3',
          location_id: 'L1',
          calculated_at: NOW.toISOString(),
          catalog_object_id: 'FGQ5JJWT2PYTHF35CKZ2DSKP',
        }),
      ]);
      expect(second.eventId).not.toBe(first.eventId);
      expect(((JSON.parse(second.body) as Json).data as Json).id).not.toBe((event.data as Json).id as string);
    });

    it('builds catalog.version.updated with the catalog version updated now', () => {
      const { body } = buildSquareEvent(loadSquareFixture('catalog.version.updated'), 'catalog.version.updated', {
        merchantId: 'M1',
        now: NOW,
      });
      expect(JSON.parse(body)).toMatchObject({
        merchant_id: 'M1',
        type: 'catalog.version.updated',
        data: { object: { catalog_version: { updated_at: NOW.toISOString() } } },
      });
    });

    it('refuses a quantity that is not a decimal', () => {
      expect(() =>
        buildSquareEvent(loadSquareFixture('inventory.count.updated'), 'inventory.count.updated', {
          merchantId: 'M1',
          quantity: '-1',
        }),
      ).toThrow(/quantity/);
    });

    it.each(SQUARE_EVENT_TYPES)('signs %s as Square does: base64 HMAC over notification URL + body', (type) => {
      const { body } = buildSquareEvent(loadSquareFixture(type), type, { merchantId: 'M1' });
      const url = 'http://127.0.0.1:3000/api/webhooks/square';
      expect(signSquare(body, { key: 'k', notificationUrl: url })).toEqual({
        'x-square-hmacsha256-signature': createHmac('sha256', 'k')
          .update(url + body)
          .digest('base64'),
      });
    });
  });

  describe('Function: buildShopifyEvent', () => {
    it('keeps the 64-bit ids exact while setting title, price and timestamps', () => {
      const event = buildShopifyEvent(loadShopifyFixture('products/update'), 'products/update', {
        shopDomain: 'Example.myshopify.com',
        title: 'New title',
        price: '24.50',
        now: NOW,
      });
      expect(event.body).toContain('"id": 788032119674292922,');
      expect(event.body).toContain('"product_id": 788032119674292922,');
      const product = parseLosslessJson(event.body) as Json;
      const variants = product.variants as Json[];
      expect(product).toMatchObject({
        id: '788032119674292922',
        title: 'New title',
        updated_at: '2026-11-28T12:34:56+00:00',
        created_at: null,
      });
      expect(variants.map((variant) => [variant.id, variant.title, variant.price, variant.updated_at])).toEqual([
        ['642667041472713922', 'Small', '24.50', '2026-11-28T12:34:56+00:00'],
        ['757650484644203962', 'Medium', '24.50', '2026-11-28T12:34:56+00:00'],
      ]);
      expect(event.headers).toEqual({
        'content-type': 'application/json',
        'x-shopify-topic': 'products/update',
        'x-shopify-shop-domain': 'example.myshopify.com',
        'x-shopify-webhook-id': event.webhookId,
        'x-shopify-event-id': expect.any(String),
        'x-shopify-triggered-at': NOW.toISOString(),
        'x-shopify-api-version': '2026-04',
      });
    });

    it('sets created_at on products/create and available on inventory_levels/update', () => {
      const created = parseLosslessJson(
        buildShopifyEvent(loadShopifyFixture('products/create'), 'products/create', {
          shopDomain: 'a.myshopify.com',
          now: NOW,
        }).body,
      ) as Json;
      expect(created.created_at).toBe('2026-11-28T12:34:56+00:00');
      const level = buildShopifyEvent(loadShopifyFixture('inventory_levels/update'), 'inventory_levels/update', {
        shopDomain: 'a.myshopify.com',
        available: 5,
        now: NOW,
      });
      expect(parseLosslessJson(level.body)).toMatchObject({
        inventory_item_id: '271878346596884015',
        location_id: 24826418,
        available: 5,
        updated_at: '2026-11-28T12:34:56+00:00',
      });
      expect(level.headers['x-shopify-api-version']).toBe('2024-04');
    });

    it('gives each delivery a fresh webhook id', () => {
      const build = () =>
        buildShopifyEvent(loadShopifyFixture('products/delete'), 'products/delete', { shopDomain: 'a.myshopify.com' });
      const [first, second] = [build(), build()];
      expect(first.webhookId).not.toBe(second.webhookId);
      expect(first.body).toBe(loadShopifyFixture('products/delete'));
    });

    it('refuses a shop that is not a myshopify.com domain, and a malformed price', () => {
      expect(() =>
        buildShopifyEvent(loadShopifyFixture('products/update'), 'products/update', { shopDomain: 'example.com' }),
      ).toThrow(/shop/);
      expect(() =>
        buildShopifyEvent(loadShopifyFixture('products/update'), 'products/update', {
          shopDomain: 'a.myshopify.com',
          price: '1,00',
        }),
      ).toThrow(/price/);
    });

    it.each(SHOPIFY_TOPICS)('signs %s as Shopify does: base64 HMAC over the body', (topic) => {
      const { body } = buildShopifyEvent(loadShopifyFixture(topic), topic, { shopDomain: 'a.myshopify.com' });
      expect(signShopify(body, 's')).toEqual({
        'x-shopify-hmac-sha256': createHmac('sha256', 's').update(body).digest('base64'),
      });
    });
  });
});
