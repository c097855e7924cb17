import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeShopifySignature,
  shopifySignatureHeader,
  verifyShopifySignature,
} from '../../../shared/inbound/signatures/shopify';
import { fixtureBytes } from '../../support/fixtures';
import { signatureFailure } from '../../support/signature-errors';

const SECRET = 'shopify-app-client-secret-for-unit-tests';
const payload = fixtureBytes('shopify.products.update.json');
const independent = (secret: string, body: Uint8Array | string) =>
  createHmac('sha256', secret).update(body).digest('base64');

describe('Module: shopify signature scheme', () => {
  describe('Function: verifyShopifySignature', () => {
    it('accepts the base64 HMAC-SHA256 of the raw body computed with node:crypto', () => {
      expect(() =>
        verifyShopifySignature({ payload, header: independent(SECRET, payload), secrets: [SECRET] }),
      ).not.toThrow();
    });

    it('accepts when any configured secret matches (rotation)', () => {
      expect(() =>
        verifyShopifySignature({ payload, header: independent(SECRET, payload), secrets: ['old-secret', SECRET] }),
      ).not.toThrow();
    });

    it('verifies over bytes: a body with multi-byte characters', () => {
      const body = Buffer.from('{"title":"Café ☕ 😀","id":788032119674292922}', 'utf8');
      expect(() =>
        verifyShopifySignature({ payload: body, header: independent(SECRET, body), secrets: [SECRET] }),
      ).not.toThrow();
    });

    it.each([
      ['a tampered body', Buffer.from(payload.toString('utf8').replace('19.99', '9.99')), independent(SECRET, payload)],
      [
        'a body re-serialised after JSON.parse',
        Buffer.from(JSON.stringify(JSON.parse(payload.toString('utf8')))),
        independent(SECRET, payload),
      ],
      ['a trailing newline added', Buffer.concat([payload, Buffer.from('\n')]), independent(SECRET, payload)],
      ['the wrong secret', payload, independent('another-secret', payload)],
    ])('rejects %s', (_label, body, header) => {
      expect(signatureFailure(() => verifyShopifySignature({ payload: body, header, secrets: [SECRET] })).reason).toBe(
        'no_matching_signature',
      );
    });

    it.each([
      ['absent', undefined, 'missing_signature'],
      ['empty', '', 'missing_signature'],
      ['not base64', '%'.repeat(43) + '=', 'malformed_signature'],
      ['the wrong length', Buffer.alloc(20).toString('base64'), 'malformed_signature'],
      ['unpadded', independent(SECRET, payload).replace('=', ''), 'malformed_signature'],
      ['hex', createHmac('sha256', SECRET).update(payload).digest('hex'), 'malformed_signature'],
    ])('refuses a header that is %s without throwing anything else', (_label, header, reason) => {
      expect(signatureFailure(() => verifyShopifySignature({ payload, header, secrets: [SECRET] })).reason).toBe(
        reason,
      );
    });
  });

  describe('Function: shopifySignatureHeader', () => {
    it('produces what node:crypto produces', () => {
      expect(shopifySignatureHeader(SECRET, payload)).toBe(independent(SECRET, payload));
      expect(computeShopifySignature(SECRET, payload)).toHaveLength(32);
    });
  });
});
