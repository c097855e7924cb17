import * as z from 'zod';
import { toJsonSchema, type JsonSchema } from '../platform/json/json-schema';
import {
  EVENT_CATALOG,
  EVENT_SCOPES,
  EVENT_TYPES,
  isEventType,
  type EventScope,
  type EventType,
} from './event-catalog';

/**
 * The public event catalog (`GET /v1/webhooks/event-types`): each type's description, the JSON
 * Schema of its `data` generated from the zod schema publishes are validated with, and an example.
 *
 * Publishes are strict (an unknown field is refused), but the published schemas are open — every
 * `additionalProperties: false` is removed — because receivers should accept fields added later
 * without a breaking change. Strictness is a publisher-side check, not a promise to receivers.
 */

export interface EventTypeView {
  readonly type: EventType;
  readonly description: string;
  readonly scope: EventScope;
  readonly schema: JsonSchema;
  readonly example: unknown;
}

const cache = new Map<EventType, EventTypeView>();

export function eventTypeView(type: EventType): EventTypeView {
  let view = cache.get(type);
  if (!view) {
    const entry = EVENT_CATALOG[type];
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      ...toJsonSchema(entry.schema, { io: 'output', open: true }),
    };
    view = {
      type,
      description: entry.description,
      scope: entry.scope,
      schema,
      example: structuredClone(entry.example),
    };
    cache.set(type, view);
  }
  return view;
}

export function eventTypeViews(): EventTypeView[] {
  return EVENT_TYPES.map(eventTypeView);
}

export function findEventType(type: string): EventTypeView | undefined {
  return isEventType(type) ? eventTypeView(type) : undefined;
}

export const eventTypeViewSchema = z.object({
  type: z.string().describe('The event type, e.g. "import.completed"'),
  description: z.string(),
  scope: z
    .enum(EVENT_SCOPES)
    .describe('Whose event it is: "org" events carry orgId, "merchant" (federation) events carry merchantId'),
  schema: z
    .record(z.string(), z.unknown())
    .describe("JSON Schema (2020-12) of the event's data; open to fields added later"),
  example: z.unknown().describe('An example of data'),
});

export const eventTypeListSchema = z.object({ items: z.array(eventTypeViewSchema) });
