import { describe, expect, it } from 'vitest';
import { editJsonText, pathMatches, type JsonPath } from '../../../shared/platform/json/edit';
import { fixtureBytes } from '../../support/fixtures';

describe('Module: JSON text edits', () => {
  describe('Function: editJsonText', () => {
    it('changes nothing, byte for byte, when no value is edited', () => {
      const text = fixtureBytes('shopify.products.update.json').toString('utf8');
      expect(editJsonText(text, () => undefined)).toBe(text);
    });

    it('visits every primitive with its path and exact source text, 64-bit ids included', () => {
      const seen: [JsonPath, string][] = [];
      editJsonText(
        '{"id": 788032119674292922, "a": [1.50, "x\\"y", null, {"b": true}], "e": {}, "f": []}',
        (path, raw) => {
          seen.push([path, raw]);
          return undefined;
        },
      );
      expect(seen).toEqual([
        [['id'], '788032119674292922'],
        [['a', 0], '1.50'],
        [['a', 1], '"x\\"y"'],
        [['a', 2], 'null'],
        [['a', 3, 'b'], 'true'],
      ]);
    });

    it('replaces only the values asked for, leaving formatting and other numbers untouched', () => {
      const text = fixtureBytes('shopify.products.update.json').toString('utf8');
      const edited = editJsonText(text, (path) =>
        pathMatches(path, 'variants', '*', 'price')
          ? JSON.stringify('9.99')
          : pathMatches(path, 'title')
            ? JSON.stringify('Renamed "shirt"')
            : undefined,
      );
      expect(edited).toBe(
        text
          .replaceAll('"price": "19.99"', '"price": "9.99"')
          .replace('"title": "Example T-Shirt"', '"title": "Renamed \\"shirt\\""'),
      );
      expect(edited).toContain('"id": 788032119674292922,');
      expect(edited).toContain('"title": "Small"');
    });

    it('edits a top-level primitive and keys containing escapes', () => {
      expect(editJsonText(' 1 ', () => '2')).toBe(' 2 ');
      expect(editJsonText('{"a\\"b": 1}', (path) => (path[0] === 'a"b' ? '3' : undefined))).toBe('{"a\\"b": 3}');
    });

    it('refuses text that is not JSON', () => {
      expect(() => editJsonText('{"a": }', () => undefined)).toThrow(SyntaxError);
    });
  });

  describe('Function: pathMatches', () => {
    it("matches keys and indices, with '*' for any", () => {
      expect(pathMatches(['variants', 1, 'price'], 'variants', '*', 'price')).toBe(true);
      expect(pathMatches(['variants', 1, 'price'], 'variants', '*')).toBe(false);
      expect(pathMatches(['title'], 'variants', '*', 'title')).toBe(false);
    });
  });
});
