import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG, EVENT_TYPES, parsePlatformEvent } from '../../../shared/events/event-catalog';
import { eventTypeView } from '../../../shared/events/event-types';
import { eventSchemaName, openApiDocument, routeKey } from '../../../shared/openapi/document';
import { OPERATIONS } from '../../../shared/openapi/operations';
import { ROUTES } from '../../../shared/platform/topology';
import { createOpenApiValidator } from '../../support/openapi-validator';

const document = openApiDocument();
const validator = createOpenApiValidator(document);
const methodOf = (method: string) => (method === 'ANY' ? 'post' : method.toLowerCase());

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with the JSON Schema 2020-12 dialect', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('lists every route of ROUTES with its auth', () => {
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[methodOf(route.method)];
      expect(operation, routeKey(route)).toBeDefined();
      const scheme = Object.keys((operation!.security as Record<string, unknown>[])[0] ?? {})[0];
      expect(scheme, routeKey(route)).toEqual(
        route.auth === 'jwt' ? 'bearerJwt' : route.auth === 'iam' ? 'internalIam' : expect.stringMatching(/Signature$/),
      );
    }
  });

  it('describes every route', () => {
    expect(ROUTES.filter((route) => !OPERATIONS[routeKey(route)]).map(routeKey)).toEqual([]);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations))
        expect(operation['x-undocumented'], `${method} ${path}`).toBeUndefined();
    }
  });

  it('describes the webhook operations from the schemas their handlers validate with', () => {
    const rotate = document.paths['/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate']!.post!;
    expect(rotate.requestBody).toMatchObject({
      required: false,
      content: {
        'application/json': {
          schema: { additionalProperties: false, properties: { gracePeriodSeconds: { type: 'integer', minimum: 0 } } },
        },
      },
    });
    const recover = document.paths['/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover']!.post!;
    expect(recover.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { required: ['since'], additionalProperties: false } } },
    });
    expect(recover.responses['202']).toMatchObject({
      headers: { location: expect.any(Object) },
      content: { 'application/json': { schema: { additionalProperties: false } } },
    });
    expect(Object.keys(recover.responses).sort()).toEqual([
      '202',
      '400',
      '401',
      '403',
      '404',
      '409',
      '422',
      '429',
      '500',
    ]);
    const stats = document.paths['/v1/orgs/{orgId}/webhooks/stats']!.get!.parameters as {
      name: string;
      in: string;
      required: boolean;
      schema: Record<string, unknown>;
    }[];
    expect(stats.find((parameter) => parameter.name === 'window')).toMatchObject({
      in: 'query',
      required: false,
      schema: { enum: ['24h', '7d'], default: '24h' },
    });
  });

  it('has no description of a route that does not exist', () => {
    const keys = new Set(ROUTES.map(routeKey));
    expect(Object.keys(OPERATIONS).filter((key) => !keys.has(key))).toEqual([]);
  });

  it('takes request bodies from the schemas the handlers validate with', () => {
    const create = document.paths['/v1/orgs/{orgId}/webhooks/endpoints']!.post!.requestBody as {
      content: Record<string, { schema: { required: string[]; additionalProperties: boolean } }>;
    };
    expect(create.content['application/json']!.schema.required).toEqual(['url', 'eventTypes']);
    expect(create.content['application/json']!.schema.additionalProperties).toBe(false);
    const audit = document.paths['/v1/orgs/{orgId}/audit']!.get!.parameters as {
      name: string;
      in: string;
      schema: Record<string, unknown>;
    }[];
    expect(audit.find((parameter) => parameter.name === 'limit')).toMatchObject({
      in: 'query',
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    });
  });

  it('compiles every schema it holds', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    expect(() =>
      ajv
        .addSchema({ ...document, $id: 'https://example.test/openapi.json' })
        .compile({ $ref: 'https://example.test/openapi.json' }),
    ).not.toThrow();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const mediaType of Object.keys(response.content ?? {})) {
            const pointer = ['paths', path, method, 'responses', status, 'content', mediaType, 'schema']
              .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
              .join('/');
            expect(
              ajv.getSchema(`https://example.test/openapi.json#/${pointer}`),
              `${method} ${path} ${status}`,
            ).toBeDefined();
          }
        }
      }
    }
  });

  it('describes each outbound event type under webhooks, with its example valid', () => {
    expect(Object.keys(document.webhooks as object).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      expect(
        validator.checkSchema(`/components/schemas/${eventSchemaName(type)}`, EVENT_CATALOG[type].example),
        type,
      ).toEqual([]);
    }
  });
});

describe('Event catalog JSON Schema', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);

  it.each(EVENT_TYPES)('%s: its example validates against the published schema', (type) => {
    const view = eventTypeView(type);
    expect(view.description).toBe(EVENT_CATALOG[type].description);
    expect(ajv.validate(view.schema, view.example), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('is open to new fields (receivers must tolerate them) while publishing stays strict', () => {
    const type = 'import.completed';
    const schema = eventTypeView(type).schema;
    expect(JSON.stringify(schema)).not.toContain('"additionalProperties":false');
    const extended = {
      ...EVENT_CATALOG[type].example,
      addedLater: 'x',
      rows: { ...EVENT_CATALOG[type].example.rows, extra: 1 },
    };
    expect(ajv.validate(schema, extended)).toBe(true);
    expect(() =>
      parsePlatformEvent({ id: 'evt_1', type, orgId: 'org_1', occurredAt: '2025-03-04T09:15:41Z', data: extended }),
    ).toThrow(/addedLater/);
  });

  it('still rejects data of the wrong shape', () => {
    const schema = eventTypeView('import.completed').schema;
    expect(ajv.validate(schema, { ...EVENT_CATALOG['import.completed'].example, rows: { total: -1 } })).toBe(false);
  });
});
