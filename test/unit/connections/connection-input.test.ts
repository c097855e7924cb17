import { describe, expect, it } from 'vitest';
import {
  isSourceId,
  normaliseShopDomain,
  notificationUrlProblems,
  shopifyConnectionSchema,
  sourceWebhookPath,
  squareConnectionSchema,
} from '../../../shared/inbound/connections/connection-input';
import { sourceSecretContext } from '../../../shared/inbound/connections/source-secret';

describe('Module: connection-input', () => {
  describe('Function: notificationUrlProblems', () => {
    it('accepts an absolute https URL', () => {
      expect(notificationUrlProblems('https://api.example.com/api/webhooks/square', { allowHttp: false })).toEqual([]);
    });

    it('refuses http unless http endpoints are allowed', () => {
      expect(notificationUrlProblems('http://localhost:3000/api/webhooks/square', { allowHttp: false })).toEqual([
        'must use https',
      ]);
      expect(notificationUrlProblems('http://localhost:3000/api/webhooks/square', { allowHttp: true })).toEqual([]);
    });

    it('refuses other schemes even when http is allowed', () => {
      expect(notificationUrlProblems('ftp://example.com/hook', { allowHttp: true })).toEqual([
        'must use https or http',
      ]);
    });

    it.each([
      ['', 'is required'],
      ['/api/webhooks/square', 'is not a valid absolute URL'],
      ['not a url', 'must not contain spaces or control characters'],
      [' https://example.com/hook', 'must not contain spaces or control characters'],
      ['https://example.com/hook\n', 'must not contain spaces or control characters'],
      ['https://example.com/hook#part', 'must not contain a fragment (#…): Square never sends it'],
      ['https://user:pass@example.com/hook', 'must not contain a username or password'],
      [`https://example.com/${'a'.repeat(2_048)}`, 'must be at most 2048 characters'],
    ])('refuses %j: %s', (input, message) => {
      expect(notificationUrlProblems(input, { allowHttp: false })).toContain(message);
    });
  });

  describe('Function: squareConnectionSchema', () => {
    const schema = squareConnectionSchema({ allowHttp: false });

    it('keeps the notification URL byte for byte, where URL parsing would rewrite it', () => {
      const notificationUrl = 'https://API.Example.com:443/api/webhooks/square?x=%7e';
      const parsed = schema.parse({ merchantId: 'ML0G2FQ2RAXRV', notificationUrl });
      expect(parsed.notificationUrl).toBe(notificationUrl);
      expect(new URL(notificationUrl).href).not.toBe(notificationUrl);
    });

    it.each(['ML0G2FQ2RAXRV', 'a', 'merchant_1-b', 'A'.repeat(64)])('accepts the merchant id %j', (merchantId) => {
      expect(schema.safeParse({ merchantId, notificationUrl: 'https://example.com/hook' }).success).toBe(true);
    });

    it.each(['', 'A'.repeat(65), 'ML0G 2FQ', 'ML0G#2', 'mérchant'])('refuses the merchant id %j', (merchantId) => {
      const result = schema.safeParse({ merchantId, notificationUrl: 'https://example.com/hook' });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['merchantId']);
    });

    it('names every URL problem on the notificationUrl field and refuses unknown fields', () => {
      const result = schema.safeParse({ merchantId: 'M1', notificationUrl: 'http://u:p@example.com/#x', extra: 1 });
      expect(
        result.error?.issues
          .filter((issue) => issue.path.join('.') === 'notificationUrl')
          .map((issue) => issue.message),
      ).toEqual([
        'must use https',
        'must not contain a username or password',
        'must not contain a fragment (#…): Square never sends it',
      ]);
      expect(result.error?.issues.some((issue) => issue.code === 'unrecognized_keys')).toBe(true);
    });
  });

  describe('Function: normaliseShopDomain', () => {
    it.each([
      ['example.myshopify.com', 'example.myshopify.com'],
      ['Example-Shop.MyShopify.com', 'example-shop.myshopify.com'],
      ['  shop1.myshopify.com ', 'shop1.myshopify.com'],
    ])('accepts %j as %j', (input, domain) => {
      expect(normaliseShopDomain(input)).toBe(domain);
    });

    it.each([
      '',
      'myshopify.com',
      '.myshopify.com',
      '-shop.myshopify.com',
      'shop.example.com',
      'https://shop.myshopify.com',
      'shop.myshopify.com/',
      'a.b.myshopify.com',
      'shop_1.myshopify.com',
    ])('refuses %j', (input) => {
      expect(normaliseShopDomain(input)).toBeUndefined();
    });
  });

  describe('Schema: shopifyConnectionSchema', () => {
    it('lower-cases the shop domain', () => {
      expect(shopifyConnectionSchema.parse({ shopDomain: 'My-Shop.myshopify.com' })).toEqual({
        shopDomain: 'my-shop.myshopify.com',
      });
    });

    it('names the shopDomain field when it is not a myshopify.com domain', () => {
      const result = shopifyConnectionSchema.safeParse({ shopDomain: 'shop.example.com' });
      expect(result.error?.issues).toEqual([
        expect.objectContaining({ path: ['shopDomain'], message: 'must be a shop domain like example.myshopify.com' }),
      ]);
    });
  });

  describe('Function: isSourceId', () => {
    it.each(['a', 'orders', 'erp-1', 'erp_feed_2', '0abc', 'a'.repeat(64)])('accepts %j', (id) => {
      expect(isSourceId(id)).toBe(true);
    });

    it.each(['', '-erp', '_erp', 'ERP', 'erp feed', 'erp/1', 'erp.1', 'a'.repeat(65)])('refuses %j', (id) => {
      expect(isSourceId(id)).toBe(false);
    });
  });

  it('gives each source its ingest path and a secret context bound to org and source', () => {
    expect(sourceWebhookPath('erp-1')).toBe('/webhooks/sources/erp-1');
    expect(sourceSecretContext('org_1', 'erp-1')).toEqual({
      purpose: 'inbound-source-secret',
      orgId: 'org_1',
      sourceId: 'erp-1',
    });
  });
});
