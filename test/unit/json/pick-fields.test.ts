import { describe, expect, it } from 'vitest';
import { pickFields } from '../../../shared/platform/json/pick-fields';

describe('pickFields', () => {
  it('copies only the named fields, in the order named, and leaves the record as it was', () => {
    const record = { secret: 's', b: 2, a: 1, empty: null };
    const picked = pickFields(record, ['a', 'b', 'empty']);
    expect(picked).toEqual({ a: 1, b: 2, empty: null });
    expect(Object.keys(picked)).toEqual(['a', 'b', 'empty']);
    expect(record).toEqual({ secret: 's', b: 2, a: 1, empty: null });
  });
});
