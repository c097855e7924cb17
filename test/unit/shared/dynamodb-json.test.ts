import { describe, expect, it } from 'vitest';
import { fromAttributeMap, toAttributeMap } from '../../../shared/platform/aws/dynamodb-json';

/**
 * DynamoDB's typed JSON as its API reference documents it (AttributeValue). The same conversions are
 * cross-tested end to end against the SDK's document client on the emulator
 * (test/integration/lean-dynamodb.test.ts).
 */
describe('DynamoDB typed JSON for the lean client', () => {
  it('writes every kind of value as the document client does, leaving undefined out', () => {
    const item = {
      pk: 'SOURCE#s1',
      count: 3,
      ratio: 0.5,
      big: 12n,
      active: true,
      gone: null,
      skipped: undefined,
      bytes: new Uint8Array([1, 2, 255]),
      list: ['a', 1, undefined, { x: false }],
      map: { nested: { deep: 'yes', none: undefined } },
      tags: new Set(['a', 'b']),
      sizes: new Set([1, 2]),
    };
    expect(toAttributeMap(item)).toEqual({
      pk: { S: 'SOURCE#s1' },
      count: { N: '3' },
      ratio: { N: '0.5' },
      big: { N: '12' },
      active: { BOOL: true },
      gone: { NULL: true },
      bytes: { B: 'AQL/' },
      list: { L: [{ S: 'a' }, { N: '1' }, { M: { x: { BOOL: false } } }] },
      map: { M: { nested: { M: { deep: { S: 'yes' } } } } },
      tags: { SS: ['a', 'b'] },
      sizes: { NS: ['1', '2'] },
    });
  });

  it('reads back what it writes (sets as Sets, binary as bytes)', () => {
    const item = {
      pk: 'x',
      n: -7.25,
      flag: false,
      nothing: null,
      list: [1, 'two', [3]],
      map: { a: { b: 'c' } },
      tags: new Set(['t']),
      sizes: new Set([5]),
      bytes: new Uint8Array([9, 8]),
    };
    expect(fromAttributeMap(toAttributeMap(item))).toEqual(item);
  });

  it('refuses values DynamoDB cannot hold, and numbers JS cannot read exactly', () => {
    expect(() => toAttributeMap({ n: Number.NaN })).toThrow(/cannot be stored/);
    expect(() => toAttributeMap({ n: Infinity })).toThrow(/cannot be stored/);
    expect(() => toAttributeMap({ s: new Set() })).toThrow(/empty set/);
    expect(() => toAttributeMap({ s: new Set(['a', 1]) })).toThrow(/only strings/);
    expect(() => toAttributeMap({ f: () => 1 })).toThrow(/function cannot be stored/);
    expect(() => fromAttributeMap({ n: { N: '9007199254740993' } })).toThrow(/losing precision/);
    expect(fromAttributeMap({ n: { N: '1e3' } })).toEqual({ n: 1000 });
  });
});
