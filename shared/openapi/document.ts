import * as z from 'zod';
import { EVENT_TYPES } from '../events/event-catalog';
import { eventTypeView } from '../events/event-types';
import { ROUTES, type RouteSpec } from '../platform/topology';
import { toJsonSchema, type JsonSchema } from '../platform/json/json-schema';
import { OPERATIONS, type OperationSpec, type ReceiverScheme } from './operations';
import { gatewayMessageSchema, problemSchema, receiverErrorSchema } from './response-schemas';

/**
 * The OpenAPI 3.1 document of every route in ROUTES, generated from the zod schemas the handlers
 * validate with (`operations.ts`) and the event catalog: outbound deliveries are described under
 * `webhooks` (an OpenAPI 3.1 feature), one per event type, and each type's data under
 * `components.schemas`. Request schemas are `io: 'input'` (defaults optional); answers `io: 'output'`.
 */

export type OpenApiDocument = JsonSchema & {
  openapi: '3.1.0';
  paths: Record<string, Record<string, OpenApiOperation>>;
};
type OpenApiOperation = {
  responses: Record<
    string,
    { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: JsonSchema }> }
  >;
} & Record<string, unknown>;

const PROBLEM = 'application/problem+json';
const JSON_TYPE = 'application/json';
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const RECEIVER_HEADERS: Record<ReceiverScheme, { header: string; description: string; in?: 'query' }> = {
  stripeSignature: { header: 'stripe-signature', description: "Stripe's `t=…,v1=…` signature of the body" },
  squareSignature: {
    header: 'x-square-hmacsha256-signature',
    description: 'base64 HMAC-SHA256 of the notification URL + body, keyed with the subscription signature key',
  },
  shopifySignature: {
    header: 'x-shopify-hmac-sha256',
    description: 'base64 HMAC-SHA256 of the body, keyed with the app client secret',
  },
  betterdataSignature: {
    header: 'x-betterdata-signature',
    description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` keyed with the source secret',
  },
  oauthCallbackSignature: {
    header: 'state',
    in: 'query',
    description:
      "The single-use OAuth `state` minted by …/authorize; Shopify's callback also carries `hmac` (hex " +
      'HMAC-SHA256 of the sorted query, keyed with the app secret) and a fresh `timestamp`',
  },
};

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

let cached: OpenApiDocument | undefined;

/** The document for the current ROUTES (built once per process). */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument(ROUTES);
  return cached;
}

function buildOpenApiDocument(routes: readonly RouteSpec[]): OpenApiDocument {
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of routes) {
    const spec = OPERATIONS[routeKey(route)] ?? undocumented(route);
    // ANY routes are webhook receivers: POST is what they accept (others answer 405).
    const method = route.method === 'ANY' ? 'post' : route.method.toLowerCase();
    (paths[route.path] ??= {})[method] = operation(route, spec);
  }

  const schemas: Record<string, JsonSchema> = {
    Problem: toJsonSchema(problemSchema, { io: 'output' }),
    GatewayMessage: toJsonSchema(gatewayMessageSchema, { io: 'output' }),
    ReceiverError: toJsonSchema(receiverErrorSchema, { io: 'output' }),
  };
  const webhooks: Record<string, unknown> = {};
  for (const type of EVENT_TYPES) {
    const view = eventTypeView(type);
    const name = eventSchemaName(type);
    const { $schema: _dialect, ...data } = view.schema;
    schemas[name] = data;
    webhooks[type] = {
      post: {
        summary: view.description,
        description:
          'Delivered to every enabled endpoint whose `eventTypes` match, signed with `webhook-signature` (Standard ' +
          'Webhooks) and `x-betterdata-signature`. Answer 2xx; anything else is retried.',
        parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-betterdata-signature'].map(
          (header) => ({ in: 'header', name: header, required: true, schema: { type: 'string' } }),
        ),
        requestBody: {
          required: true,
          content: {
            [JSON_TYPE]: {
              schema: {
                type: 'object',
                required: ['id', 'type', 'timestamp', 'data'],
                properties: {
                  id: { type: 'string', description: 'The message id (also `webhook-id`)' },
                  type: { const: type },
                  timestamp: { type: 'string', format: 'date-time', description: 'When the event occurred' },
                  data: ref(name),
                },
              },
              example: { id: 'msg_example', type, timestamp: '2025-03-04T12:00:00Z', data: view.example },
            },
          },
        },
        responses: { '2XX': { description: 'Received; any other answer is retried' } },
      },
    };
  }

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Better Data Webhooks API',
      version: '1',
      description:
        'Inbound webhook receivers, billing, audit, connections, catalog, outbound endpoints and the event catalog. ' +
        'Errors on /v1 are RFC 9457 problem details. Generated from the schemas the handlers validate with.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(Object.values(OPERATIONS).map((spec) => spec.tag))].map((name) => ({ name })),
    paths,
    webhooks,
    components: { schemas, securitySchemes: securitySchemes() },
  };
}

/**
 * A route without an entry in OPERATIONS still appears (method, path, auth, problem answers), marked
 * `x-undocumented`, so the document never hides a route; the unit tests list such routes.
 */
function undocumented(route: RouteSpec): OperationSpec {
  return {
    summary: `${route.method} ${route.path} (not yet described)`,
    tag: 'Undocumented',
    undocumented: true,
    ...(route.auth === 'jwt' && { role: 'member' as const }),
    answers: { 200: { description: 'Success (schema not yet documented)', schema: z.unknown() } },
  };
}

export function eventSchemaName(type: string): string {
  return `EventData_${type.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

function securitySchemes(): Record<string, unknown> {
  const receivers = Object.fromEntries(
    Object.entries(RECEIVER_HEADERS).map(([name, { header, description, ...where }]) => [
      name,
      { type: 'apiKey', in: where.in ?? 'header', name: header, description },
    ]),
  );
  return {
    bearerJwt: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A JWT with `org_id` (or, on /v1/merchants routes, `merchant_id`) and `role` (`admin` or `member`) claims',
    },
    internalIam: {
      type: 'apiKey',
      in: 'header',
      name: 'authorization',
      description: 'AWS SigV4 (execute-api) in AWS; `Bearer $INTERNAL_API_TOKEN` on the local runtime',
    },
    ...receivers,
  };
}

function content(contentType: string, schema: z.ZodType | JsonSchema): Record<string, { schema: JsonSchema }> {
  return { [contentType]: { schema: schema instanceof z.ZodType ? toJsonSchema(schema, { io: 'output' }) : schema } };
}

function operation(route: RouteSpec, spec: OperationSpec): OpenApiOperation {
  const responses: OpenApiOperation['responses'] = {};
  for (const [status, answer] of Object.entries(spec.answers)) {
    responses[status] = {
      description: answer.description,
      ...(answer.headers && {
        headers: Object.fromEntries(
          Object.entries(answer.headers).map(([name, description]) => [
            name,
            { description, schema: { type: 'string' } },
          ]),
        ),
      }),
      ...(answer.schema && { content: content(JSON_TYPE, answer.schema) }),
    };
  }
  const errors: Record<number, string> = {};
  const receiver = route.auth === 'none';
  if (route.auth === 'jwt') {
    errors[401] = 'Missing or invalid token';
    if (route.path.includes('{orgId}')) errors[404] = 'Another organisation (its resources are not confirmed to exist)';
    if (route.path.includes('{merchantId}'))
      errors[404] = 'Another merchant (its resources are not confirmed to exist)';
    if (spec.role === 'admin') errors[403] = 'This needs the admin role';
    if (spec.query) errors[400] = 'Invalid query parameters';
    if (spec.body)
      Object.assign(errors, { 400: 'The body is not valid JSON', 422: 'Invalid fields (each named in `errors`)' });
    errors[500] = 'Something went wrong; try again';
  }
  Object.assign(errors, spec.errors);
  for (const [status, description] of Object.entries(errors)) {
    if (responses[status]) continue;
    responses[status] = {
      description,
      content: errorContent(route, Number(status), receiver),
      // Every 429 of the API says when to come back.
      ...(status === '429' && {
        headers: {
          'retry-after': { description: 'Seconds until the limit allows another call', schema: { type: 'integer' } },
        },
      }),
    };
  }

  const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    in: 'path',
    name,
    required: true,
    description:
      spec.pathParameters?.[name as string] ??
      (name === 'orgId'
        ? 'The organisation; must be the token’s `org_id`'
        : name === 'merchantId'
          ? 'The Commerce Gateway merchant; must be the token’s `merchant_id`'
          : `The ${name}`),
    schema: { type: 'string' },
  }));
  const queryParameters = spec.query ? queryParametersOf(spec.query) : [];

  return {
    operationId: operationId(route),
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    tags: [spec.tag],
    ...(spec.role && { 'x-required-role': spec.role }),
    ...(spec.undocumented && { 'x-undocumented': true }),
    security: security(route, spec),
    ...(pathParameters.length + queryParameters.length > 0 && { parameters: [...pathParameters, ...queryParameters] }),
    ...(spec.body && {
      requestBody: {
        required: !spec.bodyOptional,
        content: { [JSON_TYPE]: { schema: toJsonSchema(spec.body, { io: 'input' }) } },
      },
    }),
    responses,
  };
}

/** 401 on JWT routes comes from API Gateway's authorizer (`{ message }`); everything else on /v1 is problem+json. */
function errorContent(route: RouteSpec, status: number, receiver: boolean): Record<string, { schema: JsonSchema }> {
  if (receiver) return content(JSON_TYPE, ref('ReceiverError'));
  if (route.auth === 'jwt' && status === 401) {
    return { [JSON_TYPE]: { schema: ref('GatewayMessage') }, [PROBLEM]: { schema: ref('Problem') } };
  }
  return content(PROBLEM, ref('Problem'));
}

function security(route: RouteSpec, spec: OperationSpec): Record<string, string[]>[] {
  if (route.auth === 'jwt') return [{ bearerJwt: [] }];
  if (route.auth === 'iam') return [{ internalIam: [] }];
  return spec.receiver ? [{ [spec.receiver]: [] }] : [];
}

function queryParametersOf(query: z.ZodObject): unknown[] {
  const schema = toJsonSchema(query, { io: 'input' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    in: 'query',
    name,
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

function operationId(route: RouteSpec): string {
  const method = route.method === 'ANY' ? 'post' : route.method.toLowerCase();
  const words = route.path
    .split('/')
    .filter((part) => part && part !== 'v1' && part !== 'orgs' && part !== '{orgId}')
    .map((part) =>
      part
        .replace(/[{}]/g, '')
        .replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase()),
    );
  return [
    method,
    ...words.map((word, index) => (index === 0 && method === '' ? word : word.charAt(0).toUpperCase() + word.slice(1))),
  ].join('');
}
