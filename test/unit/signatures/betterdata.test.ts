import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  betterdataSignatureHeader,
  verifyBetterdataSignature,
} from '../../../shared/platform/crypto/betterdata-signature';
import { parseSigningSecret } from '../../../shared/platform/crypto/standard-webhooks';
import { signatureFailure } from '../../support/signature-errors';

const NOW = 1_750_000_000;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_' + Buffer.alloc(32, 3).toString('base64');
const KEY = parseSigningSecret(SECRET);
const OLD_KEY = parseSigningSecret(OLD_SECRET);
const BODY =
  '{"id":"evt_1","type":"webhook.test","orgId":"org_1","occurredAt":"2025-06-15T12:00:00Z","data":{"message":"hi ✓"}}';

const failure = signatureFailure;

// Independent of the code under test: node:crypto keyed with the base64-decoded secret bytes.
function expectedHex(secret: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

describe('Module: x-betterdata-signature', () => {
  describe('Function: betterdataSignatureHeader', () => {
    it('is t=<timestamp>,v1=<hex HMAC-SHA256(decoded key, "<t>.<body>")>, cross-checked with node:crypto', () => {
      expect(betterdataSignatureHeader([KEY], NOW, BODY)).toBe(`t=${NOW},v1=${expectedHex(SECRET, NOW, BODY)}`);
    });

    it('keys with the decoded bytes, not the whsec_ text', () => {
      const keyedWithText = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
      expect(betterdataSignatureHeader([KEY], NOW, BODY)).not.toContain(keyedWithText);
    });

    it('adds one v1 per key while a secret is being rolled, in order', () => {
      expect(betterdataSignatureHeader([KEY, OLD_KEY], NOW, Buffer.from(BODY, 'utf8'))).toBe(
        `t=${NOW},v1=${expectedHex(SECRET, NOW, BODY)},v1=${expectedHex(OLD_SECRET, NOW, BODY)}`,
      );
    });

    it('refuses to sign with no key', () => {
      expect(() => betterdataSignatureHeader([], NOW, BODY)).toThrow(RangeError);
    });
  });

  describe('Function: verifyBetterdataSignature', () => {
    it('accepts a header built independently with node:crypto', () => {
      const header = `t=${NOW},v1=${expectedHex(SECRET, NOW, BODY)}`;
      expect(verifyBetterdataSignature({ header, body: BODY, keys: [KEY], nowSeconds: NOW })).toEqual({
        timestamp: NOW,
      });
    });

    it('accepts either key during a roll', () => {
      const header = betterdataSignatureHeader([KEY, OLD_KEY], NOW, BODY);
      expect(() => verifyBetterdataSignature({ header, body: BODY, keys: [OLD_KEY], nowSeconds: NOW })).not.toThrow();
    });

    it('rejects a body changed by one character', () => {
      const header = betterdataSignatureHeader([KEY], NOW, BODY);
      const error = failure(() =>
        verifyBetterdataSignature({ header, body: BODY.replace('hi', 'ho'), keys: [KEY], nowSeconds: NOW }),
      );
      expect(error.reason).toBe('no_matching_signature');
    });

    it('rejects a timestamp more than 300 s away', () => {
      const header = betterdataSignatureHeader([KEY], NOW - 301, BODY);
      expect(
        failure(() => verifyBetterdataSignature({ header, body: BODY, keys: [KEY], nowSeconds: NOW })).reason,
      ).toBe('timestamp_outside_tolerance');
    });

    it("names its own header, not Stripe's, when the header is missing or malformed", () => {
      const missing = failure(() =>
        verifyBetterdataSignature({ header: undefined, body: BODY, keys: [KEY], nowSeconds: NOW }),
      );
      expect(missing.reason).toBe('missing_signature');
      expect(missing.message).toBe('Missing X-Betterdata-Signature header');
      const malformed = failure(() =>
        verifyBetterdataSignature({ header: `t=${NOW}`, body: BODY, keys: [KEY], nowSeconds: NOW }),
      );
      expect(malformed.reason).toBe('malformed_signature');
      expect(malformed.message).not.toMatch(/Stripe/);
    });
  });
});
