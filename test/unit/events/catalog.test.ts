import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  EVENT_CATALOG,
  EVENT_TYPES,
  MERCHANT_EVENT_TYPES,
  ORG_EVENT_TYPES,
  exampleEvent,
  isEventType,
  parsePlatformEvent,
  platformEventSchema,
  type EventType,
} from '../../../shared/events/event-catalog';
import { InvalidEventError } from '../../../shared/events/errors';

const ORG = 'org_123';
const MERCHANT = 'm_123';

function validEvent<T extends EventType>(type: T, data?: unknown): Record<string, unknown> {
  const tenant = EVENT_CATALOG[type].scope === 'merchant' ? { merchantId: MERCHANT } : { orgId: ORG };
  return {
    id: 'evt_1',
    type,
    ...tenant,
    occurredAt: '2025-03-04T12:00:00Z',
    data: data ?? structuredClone(EVENT_CATALOG[type].example),
  };
}

function rejection(input: unknown): InvalidEventError {
  try {
    parsePlatformEvent(input);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected an InvalidEventError');
}

/** The distinct fields named (one field can fail more than one check). */
function fieldsOf(error: InvalidEventError): string[] {
  return [...new Set(error.issues.map((issue) => issue.field))];
}

describe('Module: event catalog', () => {
  describe('Constant: EVENT_CATALOG', () => {
    it('has exactly one entry per event type, and the types are unique', () => {
      expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
      expect(EVENT_TYPES).toHaveLength(17);
      expect(Object.keys(EVENT_CATALOG).sort()).toEqual([...EVENT_TYPES].sort());
    });

    it('names types as full-stop delimited [a-z0-9_] segments, as the spec recommends', () => {
      for (const type of EVENT_TYPES) expect(type).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
    });

    it.each(EVENT_TYPES)('describes %s in one line', (type) => {
      const { description } = EVENT_CATALOG[type];
      expect(description.length).toBeGreaterThan(10);
      expect(description.length).toBeLessThanOrEqual(120);
      expect(description).not.toMatch(/\n/);
    });

    it.each(EVENT_TYPES)('has an example of %s that its own schema accepts unchanged', (type) => {
      const { schema, example } = EVENT_CATALOG[type];
      expect(schema.parse(example)).toEqual(example);
    });

    it.each(EVENT_TYPES)('turns the %s data schema into JSON Schema carrying its description and example', (type) => {
      const { schema, description, example } = EVENT_CATALOG[type];
      const jsonSchema = z.toJSONSchema(schema) as Record<string, unknown>;
      expect(jsonSchema).toMatchObject({
        type: 'object',
        description,
        examples: [example],
        additionalProperties: false,
      });
      expect(Array.isArray(jsonSchema.required) && jsonSchema.required.length > 0).toBe(true);
      expect(JSON.parse(JSON.stringify(jsonSchema))).toEqual(jsonSchema);
    });

    it('turns the whole envelope into JSON Schema with one variant per type', () => {
      const jsonSchema = z.toJSONSchema(platformEventSchema) as { oneOf?: unknown[]; anyOf?: unknown[] };
      expect((jsonSchema.oneOf ?? jsonSchema.anyOf)?.length).toBe(EVENT_TYPES.length);
    });
  });

  describe('Function: parsePlatformEvent', () => {
    it.each(EVENT_TYPES)('accepts a valid %s event', (type) => {
      const input = validEvent(type);
      expect(parsePlatformEvent(input)).toEqual(input);
    });

    it('keys federation events by merchantId and every other event by orgId: exactly one of the two', () => {
      expect(MERCHANT_EVENT_TYPES).toEqual([
        'federation.order.created',
        'federation.order.updated',
        'federation.inventory.updated',
      ]);
      expect(ORG_EVENT_TYPES).toHaveLength(14);
      const federation = validEvent('federation.order.created');
      expect(parsePlatformEvent(federation)).toMatchObject({ merchantId: MERCHANT });
      expect(fieldsOf(rejection({ ...federation, orgId: ORG }))).toEqual(['orgId']);
      const { merchantId: _merchantId, ...neither } = federation;
      expect(fieldsOf(rejection(neither))).toEqual(['merchantId']);
      expect(fieldsOf(rejection({ ...neither, orgId: ORG }))).toEqual(['merchantId', 'orgId']);
      const org = validEvent('import.completed');
      expect(fieldsOf(rejection({ ...org, merchantId: MERCHANT }))).toEqual(['merchantId']);
    });

    it('accepts the id alphabet [A-Za-z0-9_.:-] up to 200 characters', () => {
      expect(() => parsePlatformEvent({ ...validEvent('webhook.test'), id: 'a'.repeat(200) })).not.toThrow();
      expect(() => parsePlatformEvent({ ...validEvent('webhook.test'), id: 'Ab9_.:-x' })).not.toThrow();
    });

    it.each([
      ['empty', ''],
      ['too long', 'a'.repeat(201)],
      ['with a space', 'evt 1'],
      ['with a slash', 'evt/1'],
      ['with a hash', 'evt#1'],
    ])('rejects an id that is %s', (_label, id) => {
      expect(fieldsOf(rejection({ ...validEvent('webhook.test'), id }))).toEqual(['id']);
    });

    it.each([
      ['a date only', '2025-03-04'],
      ['an offset instead of Z', '2025-03-04T12:00:00+01:00'],
      ['not a date', 'yesterday'],
      ['an impossible date', '2025-02-30T12:00:00Z'],
    ])('rejects occurredAt that is %s', (_label, occurredAt) => {
      expect(fieldsOf(rejection({ ...validEvent('webhook.test'), occurredAt }))).toEqual(['occurredAt']);
    });

    it('rejects an unknown type, naming it and listing the known ones', () => {
      const error = rejection({ ...validEvent('webhook.test'), type: 'import.exploded' });
      expect(error.name).toBe('InvalidEventError');
      expect(error.message).toBe('Unknown event type "import.exploded"');
      expect(error.issues).toEqual([{ field: 'type', message: expect.stringContaining('import.completed') }]);
    });

    it('rejects a missing type', () => {
      const { type: _type, ...input } = validEvent('webhook.test');
      expect(rejection(input).issues).toEqual([
        { field: 'type', message: expect.stringContaining('Missing event type') },
      ]);
    });

    it.each([null, 'a string', 42, ['an', 'array']])('rejects %j, which is not an object', (input) => {
      expect(fieldsOf(rejection(input))).toEqual(['(root)']);
    });

    it('lists every offending field, in the message and as issues', () => {
      const line = { lineId: 'l1', sku: 'A', quantity: '-1', unitOfMeasure: 'each' };
      const data = {
        ...EVENT_CATALOG['order.allocation_succeeded'].example,
        orderId: '',
        allocations: [{ locationId: 'loc_1', lines: [line] }],
      };
      const error = rejection(validEvent('order.allocation_succeeded', data));
      expect(fieldsOf(error)).toEqual(['data.orderId', 'data.allocations[0].lines[0].quantity']);
      expect(error.message).toBe(
        'Invalid order.allocation_succeeded event: data.orderId, data.allocations[0].lines[0].quantity',
      );
    });

    it('rejects unknown keys in the data and in the envelope, one issue per key (catches publisher typos)', () => {
      const data = { ...EVENT_CATALOG['webhook.test'].example, mesage: 'typo' };
      const error = rejection({ ...validEvent('webhook.test', data), extra: true });
      expect(error.issues).toEqual(
        expect.arrayContaining([
          { field: 'data.mesage', message: 'Unknown field' },
          { field: 'extra', message: 'Unknown field' },
        ]),
      );
    });

    it('rejects a missing data field with its path', () => {
      const { loopId: _loopId, ...data } = EVENT_CATALOG['loop.orders.transitioned'].example;
      expect(fieldsOf(rejection(validEvent('loop.orders.transitioned', data)))).toEqual(['data.loopId']);
    });

    it('carries exactly one tenant key: merchantId is refused on an org event, and orgId is required', () => {
      expect(fieldsOf(rejection({ ...validEvent('webhook.test'), merchantId: 'm_1' }))).toEqual(['merchantId']);
      const { orgId: _orgId, ...withoutOrg } = validEvent('webhook.test');
      expect(fieldsOf(rejection({ ...withoutOrg, merchantId: 'm_1' }))).toEqual(
        expect.arrayContaining(['orgId', 'merchantId']),
      );
    });

    it('caps the fields named in the message at ten', () => {
      const data = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`unknown${index}`, 1]));
      const error = rejection(validEvent('webhook.test', { message: 'hi', ...data }));
      expect(error.issues).toHaveLength(12);
      expect(error.message).toMatch(/and 2 more$/);
    });
  });

  describe('Data rules beyond field types', () => {
    it('refuses a loop transition to the state it is already in', () => {
      const data = { ...EVENT_CATALOG['loop.returns.transitioned'].example, from: 'received', to: 'received' };
      expect(rejection(validEvent('loop.returns.transitioned', data)).issues).toEqual([
        { field: 'data.to', message: 'A transition must change the state' },
      ]);
    });

    it('refuses a state that belongs to another kind of loop', () => {
      const data = { ...EVENT_CATALOG['loop.quality.transitioned'].example, to: 'shipped' };
      expect(fieldsOf(rejection(validEvent('loop.quality.transitioned', data)))).toEqual(['data.to']);
    });

    it('refuses row counts that do not add up to the total', () => {
      const example = EVENT_CATALOG['import.completed'].example;
      const data = { ...example, rows: { ...example.rows, total: example.rows.total + 1 } };
      expect(fieldsOf(rejection(validEvent('import.completed', data)))).toEqual(['data.rows.total']);
    });

    it('refuses a completed import with failed rows, and a partial one without', () => {
      const completed = EVENT_CATALOG['import.completed'].example;
      const withFailure = { ...completed, rows: { ...completed.rows, created: completed.rows.created - 1, failed: 1 } };
      expect(fieldsOf(rejection(validEvent('import.completed', withFailure)))).toEqual(['data.rows.failed']);

      const partial = EVENT_CATALOG['import.partial'].example;
      const withoutFailure = {
        ...partial,
        rows: { ...partial.rows, updated: partial.rows.updated + partial.rows.failed, failed: 0 },
      };
      expect(fieldsOf(rejection(validEvent('import.partial', withoutFailure)))).toEqual(['data.rows.failed']);
    });

    it('caps import error samples at 20', () => {
      const partial = EVENT_CATALOG['import.partial'].example;
      const sample = partial.errorSamples[0];
      const data = { ...partial, errorSamples: Array.from({ length: 21 }, () => sample) };
      expect(fieldsOf(rejection(validEvent('import.partial', data)))).toEqual(['data.errorSamples']);
    });

    it.each([
      ['a number', 12],
      ['a negative decimal', '-1'],
      ['an exponent', '1e3'],
      ['a leading zero', '012'],
      ['seven decimals', '1.0000001'],
    ])('refuses a quantity that is %s', (_label, quantity) => {
      const example = EVENT_CATALOG['order.allocation_succeeded'].example;
      const data = {
        ...example,
        allocations: [{ locationId: 'loc_1', lines: [{ lineId: 'l1', sku: 'A', quantity, unitOfMeasure: 'each' }] }],
      };
      expect(fieldsOf(rejection(validEvent('order.allocation_succeeded', data)))).toEqual([
        'data.allocations[0].lines[0].quantity',
      ]);
    });

    it('refuses a demand spike whose window ends before it starts (compared as instants, not strings)', () => {
      const example = EVENT_CATALOG['demand_signal.spike_detected'].example;
      const reversed = { ...example, windowStart: '2025-03-04T00:00:00.500Z', windowEnd: '2025-03-04T00:00:00Z' };
      expect(fieldsOf(rejection(validEvent('demand_signal.spike_detected', reversed)))).toEqual(['data.windowEnd']);
      const fractional = { ...example, windowStart: '2025-03-04T00:00:00Z', windowEnd: '2025-03-04T00:00:00.500Z' };
      expect(() => parsePlatformEvent(validEvent('demand_signal.spike_detected', fractional))).not.toThrow();
    });

    it('accepts a subscription status Stripe may add later, but not an unknown plan', () => {
      const example = EVENT_CATALOG['subscription.updated'].example;
      expect(() =>
        parsePlatformEvent(validEvent('subscription.updated', { ...example, status: 'some_future_status' })),
      ).not.toThrow();
      expect(fieldsOf(rejection(validEvent('subscription.updated', { ...example, plan: 'platinum' })))).toEqual([
        'data.plan',
      ]);
    });
  });

  describe('Function: exampleEvent', () => {
    it.each(EVENT_TYPES)(
      'builds a valid %s event for the organisation (or, federation types, the merchant)',
      (type) => {
        const event = exampleEvent(type, ORG);
        expect(parsePlatformEvent(event)).toEqual(event);
        const tenant = EVENT_CATALOG[type].scope === 'merchant' ? { merchantId: ORG } : { orgId: ORG };
        expect(event).toMatchObject({ type, ...tenant, data: EVENT_CATALOG[type].example });
        expect(Object.keys(event)).not.toContain(EVENT_CATALOG[type].scope === 'merchant' ? 'orgId' : 'merchantId');
      },
    );

    it('mints a fresh id each time, so two test sends are not deduplicated into one', () => {
      expect(exampleEvent('webhook.test', ORG).id).not.toBe(exampleEvent('webhook.test', ORG).id);
    });

    it('uses the id and time it is given', () => {
      const event = exampleEvent('webhook.test', ORG, { id: 'evt_fixed', occurredAt: '2025-01-01T00:00:00Z' });
      expect(event).toMatchObject({ id: 'evt_fixed', occurredAt: '2025-01-01T00:00:00Z' });
    });

    it('returns a copy: changing it does not change the catalog', () => {
      const event = exampleEvent('order.allocation_succeeded', ORG);
      (event.data.allocations as unknown[]).length = 0;
      expect(EVENT_CATALOG['order.allocation_succeeded'].example.allocations).toHaveLength(2);
    });

    it('rejects an invalid orgId', () => {
      expect(() => exampleEvent('webhook.test', 'org with spaces')).toThrow(InvalidEventError);
    });
  });

  describe('Function: isEventType', () => {
    it('accepts catalog types only', () => {
      expect(isEventType('import.completed')).toBe(true);
      expect(isEventType('import.*')).toBe(false);
      expect(isEventType(42)).toBe(false);
    });
  });
});
