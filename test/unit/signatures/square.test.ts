import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeSquareSignature,
  parseSquareSignature,
  squareSignatureHeader,
  verifySquareSignature,
} from '../../../shared/inbound/signatures/square';
import { fixtureBytes, fixtureJson } from '../../support/fixtures';
import { signatureFailure } from '../../support/signature-errors';

interface SquareVector {
  case: string;
  notificationUrl: string;
  signatureKey: string;
  requestBody: string;
  signatureHeader: string;
  expectValid: boolean;
}

const vectors = fixtureJson<{ square: SquareVector[] }>('signature-test-vectors.json').square;
const URL = 'https://hooks.example.com/api/webhooks/square';
const KEY = 'square-signature-key-for-unit-tests';
const payload = fixtureBytes('square.inventory.count.updated.json');
const independent = (key: string, url: string, body: Uint8Array) =>
  createHmac('sha256', key).update(url).update(body).digest('base64');

describe('Module: square signature scheme', () => {
  describe('Function: verifySquareSignature', () => {
    it('has both valid and invalid known-answer vectors from square-nodejs-sdk', () => {
      expect(vectors.filter((vector) => vector.expectValid).length).toBeGreaterThanOrEqual(3);
      expect(vectors.filter((vector) => !vector.expectValid).length).toBeGreaterThanOrEqual(3);
    });

    it.each(vectors.map((vector) => [vector.case, vector] as const))('known answer: %s', (_label, vector) => {
      const options = {
        payload: Buffer.from(vector.requestBody, 'utf8'),
        header: vector.signatureHeader,
        keys: [vector.signatureKey],
        notificationUrls: [vector.notificationUrl],
      };
      if (vector.expectValid) {
        expect(verifySquareSignature(options)).toEqual({ notificationUrl: vector.notificationUrl });
        expect(squareSignatureHeader(vector.signatureKey, vector.notificationUrl, vector.requestBody)).toBe(
          vector.signatureHeader,
        );
      } else {
        expect(signatureFailure(() => verifySquareSignature(options)).reason).toBe('no_matching_signature');
      }
    });

    it('accepts when any key matches (rotation) and reports which URL matched', () => {
      const header = independent(KEY, URL, payload);
      const result = verifySquareSignature({
        payload,
        header,
        keys: ['old-key', KEY],
        notificationUrls: ['https://other.example.com/hook', URL],
      });
      expect(result).toEqual({ notificationUrl: URL });
    });

    it.each([
      ['http instead of https', URL.replace('https:', 'http:')],
      ['a trailing slash', `${URL}/`],
      ['a stage prefix', URL.replace('/api/', '/prod/api/')],
    ])('rejects a URL that differs by %s', (_label, url) => {
      const header = independent(KEY, URL, payload);
      expect(
        signatureFailure(() => verifySquareSignature({ payload, header, keys: [KEY], notificationUrls: [url] })).reason,
      ).toBe('no_matching_signature');
    });

    it('rejects a tampered body and a body re-serialised after parsing', () => {
      const header = independent(KEY, URL, payload);
      const tampered = Buffer.from(payload.toString('utf8').replace('"10"', '"11"'));
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(payload.toString('utf8'))));
      for (const body of [tampered, reserialised]) {
        expect(
          signatureFailure(() => verifySquareSignature({ payload: body, header, keys: [KEY], notificationUrls: [URL] }))
            .reason,
        ).toBe('no_matching_signature');
      }
    });

    it('fails with no notification URL to try', () => {
      const header = independent(KEY, URL, payload);
      expect(
        signatureFailure(() => verifySquareSignature({ payload, header, keys: [KEY], notificationUrls: [] })).reason,
      ).toBe('no_matching_signature');
    });

    it.each([
      ['absent', undefined, 'missing_signature'],
      ['empty', '  ', 'missing_signature'],
      ['not base64', '!'.repeat(43) + '=', 'malformed_signature'],
      ['too short', Buffer.alloc(31).toString('base64'), 'malformed_signature'],
      ['too long', Buffer.alloc(33).toString('base64'), 'malformed_signature'],
      [
        'hex instead of base64',
        createHmac('sha256', KEY).update(URL).update(payload).digest('hex'),
        'malformed_signature',
      ],
    ])('refuses a header that is %s without throwing anything else', (_label, header, reason) => {
      expect(
        signatureFailure(() => verifySquareSignature({ payload, header, keys: [KEY], notificationUrls: [URL] })).reason,
      ).toBe(reason);
    });
  });

  describe('Function: computeSquareSignature', () => {
    it('is HMAC-SHA256 over URL then body (checked with node:crypto directly)', () => {
      expect(computeSquareSignature(KEY, URL, payload).toString('base64')).toBe(independent(KEY, URL, payload));
    });
  });

  describe('Function: parseSquareSignature', () => {
    it('decodes a well-formed header to the 32 signature bytes', () => {
      expect(parseSquareSignature(independent(KEY, URL, payload))).toHaveLength(32);
    });
  });
});
