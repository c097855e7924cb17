import { describe, expect, it } from 'vitest';
import {
  canonicalDecimal,
  compareDecimals,
  minorUnitsToDecimal,
  nonNegativeDecimal,
} from '../../../shared/catalog/decimal';
import { isNewer, parseInstant, RANK, versionOf } from '../../../shared/catalog/versions';

describe('Module: catalog versions', () => {
  describe('Function: parseInstant', () => {
    it('reads Shopify offsets as the same instant in UTC', () => {
      const shopify = parseInstant('2021-12-31T19:00:00-05:00');
      const utc = parseInstant('2022-01-01T00:00:00Z');
      expect(shopify?.iso).toBe('2022-01-01T00:00:00.000Z');
      expect(shopify?.key).toBe(utc?.key);
    });

    it('keeps Square nanoseconds in the sort key, so counts within one millisecond still order', () => {
      const earlier = parseInstant('2019-10-29T18:38:45.102960001Z');
      const later = parseInstant('2019-10-29T18:38:45.10296001Z');
      expect(earlier?.iso).toBe('2019-10-29T18:38:45.102Z');
      expect(earlier!.key < later!.key).toBe(true);
      expect(earlier!.key).toHaveLength(21);
    });

    it('orders instants across offsets and fractional precision as numbers', () => {
      const stamps = ['2022-01-01T00:00:00.5+01:00', '2021-12-31T23:00:00.4Z', '2021-12-31T18:00:00.45-05:00'];
      const keys = stamps.map((stamp) => parseInstant(stamp)!.key);
      expect([...keys].sort()).toEqual([keys[1], keys[2], keys[0]]);
    });

    it('refuses text that is not an RFC 3339 timestamp', () => {
      for (const bad of [undefined, null, '', '2021-12-31', 'yesterday', '2021-12-31T19:00:00', '1969-12-31T23:59:59Z'])
        expect(parseInstant(bad)).toBeUndefined();
    });
  });

  describe('Function: isNewer', () => {
    const at = (stamp: string) => parseInstant(stamp)!;
    it('orders by instant, then a deletion after an upsert, then by tie-break', () => {
      const update = versionOf(at('2022-01-01T00:00:00Z'), RANK.upsert, 'b');
      const deletion = versionOf(at('2022-01-01T00:00:00Z'), RANK.delete, 'a');
      const laterCreate = versionOf(at('2022-01-01T00:00:00.001Z'), RANK.upsert, 'a');
      expect(isNewer(deletion, update)).toBe(true);
      expect(isNewer(laterCreate, deletion)).toBe(true);
      expect(isNewer(versionOf(at('2022-01-01T00:00:00Z'), RANK.upsert, 'c'), update)).toBe(true);
      expect(isNewer(update, update)).toBe(false);
      expect(isNewer(update, undefined)).toBe(true);
    });
  });
});

describe('Module: exact decimals', () => {
  it('canonicalises without touching precision', () => {
    expect(canonicalDecimal('007.50')).toBe('7.5');
    expect(canonicalDecimal('-0.000')).toBe('0');
    expect(canonicalDecimal('12345678901234567890.000000001')).toBe('12345678901234567890.000000001');
    expect(canonicalDecimal('1e3')).toBeUndefined();
  });

  it('compares as numbers, signs included, without floating point', () => {
    expect(compareDecimals('10', '9.99')).toBe(1);
    expect(compareDecimals('-3', '0')).toBe(-1);
    expect(compareDecimals('-3', '-10')).toBe(1);
    expect(compareDecimals('0.1', '0.10')).toBe(0);
    expect(compareDecimals('9007199254740993', '9007199254740992')).toBe(1);
  });

  it('turns Square minor units into major units per currency', () => {
    expect(minorUnitsToDecimal('1999', 'USD')).toBe('19.99');
    expect(minorUnitsToDecimal('5', 'usd')).toBe('0.05');
    expect(minorUnitsToDecimal('450', 'USD')).toBe('4.50');
    expect(minorUnitsToDecimal('-0', 'USD')).toBe('0.00');
    expect(minorUnitsToDecimal('500', 'JPY')).toBe('500');
    expect(minorUnitsToDecimal('1234', 'KWD')).toBe('1.234');
    expect(minorUnitsToDecimal('92233720368547758070', 'USD')).toBe('922337203685477580.70');
    expect(minorUnitsToDecimal('12.5', 'USD')).toBeUndefined();
  });

  it('clamps to a non-negative decimal for event fields', () => {
    expect(nonNegativeDecimal('-4')).toBe('0');
    expect(nonNegativeDecimal('2.12345678')).toBe('2.123456');
    expect(nonNegativeDecimal('10.00000')).toBe('10');
  });
});
