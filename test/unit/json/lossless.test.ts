import { describe, expect, it } from 'vitest';
import { hasUnsafeIntegers, jsonIdSchema, parseLosslessJson } from '../../../shared/platform/json/lossless';
import { fixtureBytes } from '../../support/fixtures';

type Json = Record<string, unknown>;

/** What JSON.parse does with the same text, or the fact that it throws. */
function native(text: string): { value: unknown } | { error: true } {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: true };
  }
}

function lossless(text: string): { value: unknown } | { error: true } {
  try {
    return { value: parseLosslessJson(text) };
  } catch {
    return { error: true };
  }
}

describe('Module: lossless JSON', () => {
  describe('Function: parseLosslessJson', () => {
    it('keeps the 64-bit ids of the Shopify product fixture exact', () => {
      const product = parseLosslessJson(fixtureBytes('shopify.products.update.json')) as Json;
      const variants = product.variants as Json[];
      expect(product.id).toBe('788032119674292922');
      expect(variants.map((variant) => variant.id)).toEqual(['642667041472713922', '757650484644203962']);
      expect(variants.map((variant) => variant.product_id)).toEqual(['788032119674292922', '788032119674292922']);
      // Small numbers stay numbers.
      expect(variants.map((variant) => [variant.position, variant.inventory_quantity])).toEqual([
        [1, 75],
        [2, 50],
      ]);
      // What JSON.parse does to the same bytes:
      expect((JSON.parse(fixtureBytes('shopify.products.update.json').toString('utf8')) as Json).id).toBe(
        788032119674292900,
      );
    });

    it.each([
      ['shopify.products.create.json', ['788032119674292922', '642667041472713922', '757650484644203962']],
      ['shopify.products.update.json', ['788032119674292922', '642667041472713922', '757650484644203962']],
      ['shopify.products.delete.json', ['788032119674292922']],
      ['shopify.inventory_levels.update.json', ['271878346596884015', '24826418']],
    ])('every id in %s comes back exactly as written, agreeing with its admin_graphql_api_id', (name, ids) => {
      const text = fixtureBytes(name).toString('utf8');
      const found: string[] = [];
      const walk = (value: unknown): void => {
        if (Array.isArray(value)) return value.forEach(walk);
        if (typeof value !== 'object' || value === null) return;
        const object = value as Json;
        for (const key of ['id', 'product_id', 'inventory_item_id', 'location_id']) {
          if (object[key] !== undefined && object[key] !== null) found.push(jsonIdSchema.parse(object[key]));
        }
        const gid = object.admin_graphql_api_id;
        if (typeof gid === 'string' && object.id !== undefined)
          expect(gid).toMatch(new RegExp(`/${String(object.id)}$`));
        if (typeof gid === 'string' && gid.includes('InventoryLevel'))
          expect(gid).toContain(`inventory_item_id=${String(object.inventory_item_id)}`);
        Object.values(object).forEach(walk);
      };
      walk(parseLosslessJson(text));
      expect(new Set(found)).toEqual(new Set(ids));
      for (const id of ids) expect(text).toMatch(new RegExp(`: ${id}[,\\n]`));
    });

    it('turns only integers beyond the safe range into strings, of either sign', () => {
      expect(
        parseLosslessJson(
          '[9007199254740991, 9007199254740992, -9007199254740991, -9007199254740992, 18446744073709551615]',
        ),
      ).toEqual([9007199254740991, '9007199254740992', -9007199254740991, '-9007199254740992', '18446744073709551615']);
    });

    it('leaves numbers with a fraction or an exponent, and small ones, as JSON.parse does', () => {
      const text = '[0, -0, 1.5, -2.25e3, 1e400, 788032119674292922.0, 7.88032119674292922e17, 1E2, 0.1e-2]';
      expect(parseLosslessJson(text)).toEqual(JSON.parse(text));
      expect(hasUnsafeIntegers(text)).toBe(false);
    });

    it('never touches digits inside strings, including after escaped quotes and backslashes', () => {
      const text =
        String.raw`{"a":"788032119674292922","b":"say \"788032119674292922\"","c":"\\",` +
        String.raw`"d":788032119674292922,"e":"\\\"123456789012345678901\\"}`;
      expect(parseLosslessJson(text)).toEqual({
        a: '788032119674292922',
        b: 'say "788032119674292922"',
        c: '\\',
        d: '788032119674292922',
        e: '\\"123456789012345678901\\',
      });
    });

    it('handles nested arrays and objects, whitespace and every value position', () => {
      const text =
        ' [ [788032119674292922 ,[ 1,\n788032119674292923\t]],' +
        '{"k" :\r788032119674292924 , "n":[{"m":[788032119674292925]}]}, 788032119674292926 ] ';
      expect(parseLosslessJson(text)).toEqual([
        ['788032119674292922', [1, '788032119674292923']],
        { k: '788032119674292924', n: [{ m: ['788032119674292925'] }] },
        '788032119674292926',
      ]);
      expect(parseLosslessJson('788032119674292922')).toBe('788032119674292922');
    });

    it('keeps __proto__ an own property and the last of duplicate keys, as JSON.parse does', () => {
      const parsed = parseLosslessJson(
        '{"__proto__":{"polluted":788032119674292922},"id":1,"id":788032119674292922}',
      ) as Json;
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(Object.keys(parsed)).toEqual(['__proto__', 'id']);
      expect(parsed.id).toBe('788032119674292922');
      expect(({} as Json).polluted).toBeUndefined();
    });

    it.each([
      ['a big number as a key', '{788032119674292922: 1}'],
      ['a big number after a comma in an object', '{"a":1,788032119674292922:2}'],
      ['a leading zero', '[0788032119674292922]'],
      ['a big number glued to a string', '[788032119674292922"x"]'],
      ['a big number glued to a word', '[788032119674292922abc]'],
      ['two numbers without a comma', '[1 788032119674292922]'],
      ['a trailing comma', '[788032119674292922,]'],
      ['an unterminated string', '["788032119674292922]'],
      ['a plus sign', '[+788032119674292922]'],
      ['a lone minus', '[-]'],
      ['empty input', ''],
      ['a BOM', '\uFEFF[1]'],
      ['a big number then garbage', '788032119674292922 x'],
    ])('rejects invalid JSON exactly when JSON.parse does: %s', (_label, text) => {
      expect(native(text)).toEqual({ error: true });
      expect(lossless(text)).toEqual({ error: true });
    });

    it('agrees with JSON.parse on random documents without big integers, and on their validity after random \
damage', () => {
      let seed = 42;
      const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const atoms = [
        '0',
        '-1',
        '3.25',
        '1e5',
        '"x"',
        '"a\\"b"',
        '"\\\\"',
        '"12345678901234567890"',
        'true',
        'false',
        'null',
        '"\\u00e9"',
      ];
      const generate = (depth: number): string => {
        if (depth > 3 || random() < 0.3) return pick(atoms);
        const count = Math.floor(random() * 4);
        if (random() < 0.5)
          return `[${Array.from({ length: count }, () => generate(depth + 1)).join(pick([',', ' , ', ',\n']))}]`;
        const member = (i: number) => `"k${i}"${pick([':', ' : '])}${generate(depth + 1)}`;
        return `{${Array.from({ length: count }, (_, i) => member(i)).join(',')}}`;
      };
      const damage = (text: string): string => {
        const at = Math.floor(random() * (text.length + 1));
        return (
          text.slice(0, at) +
          pick(['', ',', '"', ':', '1', '[', '}', '\\', ' 9007199254740993']) +
          text.slice(at + (random() < 0.5 ? 1 : 0))
        );
      };
      for (let i = 0; i < 2_000; i++) {
        const text = generate(0);
        expect(lossless(text)).toEqual(native(text));
        const damaged = damage(text);
        expect('error' in lossless(damaged)).toBe('error' in native(damaged));
      }
    });

    it('accepts bytes as well as text', () => {
      expect(parseLosslessJson(Buffer.from('{"id":788032119674292922}'))).toEqual({ id: '788032119674292922' });
      expect(parseLosslessJson(new TextEncoder().encode('{"t":"Café"}'))).toEqual({ t: 'Café' });
    });
  });

  describe('Schema: jsonIdSchema', () => {
    it('reads small ids (numbers) and big ids (digit strings) as decimal strings', () => {
      expect(jsonIdSchema.parse(24826418)).toBe('24826418');
      expect(jsonIdSchema.parse('271878346596884015')).toBe('271878346596884015');
    });

    it('refuses fractions and non-numeric strings', () => {
      expect(jsonIdSchema.safeParse(1.5).success).toBe(false);
      expect(jsonIdSchema.safeParse('gid://shopify/Product/1').success).toBe(false);
    });
  });
});
