import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/events/event-catalog';
import { MAX_EVENT_TYPE_FILTERS, matchesFilter, validateEventTypeFilters } from '../../../shared/events/filters';

describe('Module: event type filters', () => {
  describe('Function: matchesFilter', () => {
    it.each([
      [['import.completed'], 'import.completed', true],
      [['import.completed'], 'import.failed', false],
      [['import.*'], 'import.completed', true],
      [['import.*'], 'importer.x', false],
      [['import.*'], 'import', false],
      [['loop.*'], 'loop.orders.transitioned', true],
      [['loop.orders.*'], 'loop.orders.transitioned', true],
      [['loop.orders.*'], 'loop.returns.transitioned', false],
      [['loop.*'], 'loop_commitment.threshold_reached', false],
      [['*'], 'webhook.test', true],
      [['order.allocation_failed', 'import.*'], 'import.partial', true],
      [[], 'import.partial', false],
    ])('%j selects %s: %s', (filters, type, expected) => {
      expect(matchesFilter(filters, type)).toBe(expected);
    });

    it('with "*" selects every catalog type', () => {
      expect(EVENT_TYPES.every((type) => matchesFilter(['*'], type))).toBe(true);
    });

    it('with "loop.*" selects the four loop transitions and nothing else', () => {
      expect(EVENT_TYPES.filter((type) => matchesFilter(['loop.*'], type))).toEqual([
        'loop.procurement.transitioned',
        'loop.orders.transitioned',
        'loop.returns.transitioned',
        'loop.quality.transitioned',
      ]);
    });
  });

  describe('Function: validateEventTypeFilters', () => {
    it.each([
      [['*']],
      [['import.completed', 'loop.*']],
      [['loop.orders.*', 'demand_signal.*', 'webhook.test']],
      [[...EVENT_TYPES]],
    ])('accepts %j', (filters) => {
      expect(validateEventTypeFilters(filters)).toEqual([]);
    });

    it('rejects an unknown exact type, pointing at its index', () => {
      expect(validateEventTypeFilters(['import.completed', 'import.exploded'])).toEqual([
        { index: 1, message: '"import.exploded" is neither a known event type nor a wildcard like "import.*"' },
      ]);
    });

    it.each(['importer.*', 'import.completed.*', 'nothing.*'])(
      'rejects the wildcard %s, which matches no catalog type',
      (filter) => {
        expect(validateEventTypeFilters([filter])).toEqual([
          { index: 0, message: `"${filter}" matches no known event type` },
        ]);
      },
    );

    it.each(['imp*', '*.completed', 'import.', 'import.**', 'Import.*', '', ' import.completed', 'import .*'])(
      'rejects the malformed entry %j',
      (filter) => {
        const problems = validateEventTypeFilters([filter]);
        expect(problems).toHaveLength(1);
        expect(problems[0]?.index).toBe(0);
      },
    );

    it('rejects duplicates, reporting each repeat once', () => {
      expect(validateEventTypeFilters(['import.*', 'webhook.test', 'import.*', 'import.*'])).toEqual([
        { index: 2, message: '"import.*" is listed more than once' },
        { index: 3, message: '"import.*" is listed more than once' },
      ]);
    });

    it('rejects an empty list: "*" is how to say every type', () => {
      expect(validateEventTypeFilters([])).toEqual([{ index: undefined, message: expect.stringContaining('"*"') }]);
    });

    it(`rejects more than ${MAX_EVENT_TYPE_FILTERS} entries`, () => {
      const tooMany = Array.from(
        { length: MAX_EVENT_TYPE_FILTERS + 1 },
        (_, index) => EVENT_TYPES[index % EVENT_TYPES.length] ?? '*',
      );
      const problems = validateEventTypeFilters(tooMany);
      expect(problems[0]).toEqual({
        index: undefined,
        message: `At most ${MAX_EVENT_TYPE_FILTERS} event types (got ${MAX_EVENT_TYPE_FILTERS + 1})`,
      });
    });

    it('reports every problem at once', () => {
      expect(
        validateEventTypeFilters(['nope', 'import.*', 'import.*', 'ghost.*']).map((problem) => problem.index),
      ).toEqual([0, 2, 3]);
    });
  });
});
