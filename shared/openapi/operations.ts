import { z } from 'zod';
import { inventoryQuerySchema, itemsQuerySchema, settingsSchema, catalogItemViewSchema, inventorySettingsViewSchema, stockLevelViewSchema } from '../catalog/catalog-api-schemas';
import { shopifyConnectionSchema, squareConnectionSchema } from '../connections/connection-input';
import { platformEventSchema } from '../events/catalog';
import { eventTypeListSchema, eventTypeViewSchema } from '../events/event-types';
import { pageQuerySchema } from '../http/org-router';
import { attemptsQuerySchema, createSchema as endpointCreateSchema, patchSchema as endpointPatchSchema } from '../../functions/webhooks-api/webhooks-api';
import {
  attemptViewSchema,
  auditEntrySchema,
  billingViewSchema,
  connectedSchema,
  connectionsViewSchema,
  endpointCreatedSchema,
  endpointViewSchema,
  messageViewSchema,
  opsAlertSchema,
  pageOf,
  publishedSchema,
  receivedSchema,
  shopifyConnectionViewSchema,
  sourceEventViewSchema,
  sourceIssuedSchema,
  squareConnectionViewSchema,
} from './response-schemas';

/**
 * What the OpenAPI document says about each route of `ROUTES` beyond its method, path and auth: the
 * request schemas (the very ones the handlers validate with), the answers, and for /v1/orgs routes
 * the role. Keyed by the route key `"METHOD path"` as in ROUTES; the generator fails for a route
 * without an entry still appears, marked `x-undocumented`, and the unit tests name it.
 */

export type Role = 'member' | 'admin' | 'any';
export type ReceiverScheme = 'stripeSignature' | 'squareSignature' | 'shopifySignature' | 'betterdataSignature';

export interface AnswerSpec {
  readonly description: string;
  /** Absent for an empty body (204). */
  readonly schema?: z.ZodType;
}

export interface OperationSpec {
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** JWT routes: who may call (org member or admin; `any` = any valid token). */
  readonly role?: Role;
  /** Unauthenticated webhook receivers: the signature header they verify. */
  readonly receiver?: ReceiverScheme;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** Successful and route-specific answers; the generator adds the common errors. */
  readonly answers: Readonly<Record<number, AnswerSpec>>;
  /** Route-specific error answers (problem+json on the API, `{ error, message }` on receivers). */
  readonly errors?: Readonly<Record<number, string>>;
  /** Set by the generator for a route missing from OPERATIONS. */
  readonly undocumented?: boolean;
}

const ok = (description: string, schema: z.ZodType): Readonly<Record<number, AnswerSpec>> => ({ 200: { description, schema } });
const noContent = { 204: { description: 'Done; no body' } } as const;

// The notification URL's checks depend on a setting (http allowed or not); the shape does not.
const squareConnectionBody = squareConnectionSchema({ allowHttp: false });

export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  // Webhook receivers: called by providers, authenticated by the HMAC each verifies.
  'ANY /webhooks/stripe': {
    summary: 'Receive a Stripe webhook',
    tag: 'Webhook receivers',
    receiver: 'stripeSignature',
    description: 'Verifies `stripe-signature` (300 s tolerance) and queues the event. Other methods answer 405.',
    body: z.record(z.string(), z.unknown()).meta({ description: 'A Stripe event' }),
    answers: ok('Queued (or a verified event of a type not handled)', receivedSchema),
    errors: { 400: 'Missing, malformed or non-matching signature, expired timestamp, or not a Stripe event', 413: 'Body over the size limit', 500: 'Not queued; Stripe retries' },
  },
  'ANY /api/webhooks/square': {
    summary: 'Receive a Square webhook',
    tag: 'Webhook receivers',
    receiver: 'squareSignature',
    description: '`x-square-hmacsha256-signature` = base64 HMAC-SHA256 of the configured notification URL + body. Other methods answer 405.',
    body: z.record(z.string(), z.unknown()).meta({ description: 'A Square event' }),
    answers: ok('Queued', receivedSchema),
    errors: { 400: 'Bad signature or not a Square event', 413: 'Body over the size limit', 500: 'Not queued; Square retries' },
  },
  'ANY /api/webhooks/shopify': {
    summary: 'Receive a Shopify webhook',
    tag: 'Webhook receivers',
    receiver: 'shopifySignature',
    description: '`x-shopify-hmac-sha256` = base64 HMAC-SHA256 of the body; `x-shopify-topic`, `x-shopify-shop-domain` and `x-shopify-webhook-id` are required. Other methods answer 405.',
    body: z.record(z.string(), z.unknown()).meta({ description: 'A Shopify webhook body' }),
    answers: ok('Queued', receivedSchema),
    errors: { 400: 'Bad signature, missing headers or not JSON', 413: 'Body over the size limit', 500: 'Not queued; Shopify retries' },
  },
  'ANY /webhooks/sources/{sourceId}': {
    summary: 'Receive an event from a registered inbound source',
    tag: 'Webhook receivers',
    receiver: 'betterdataSignature',
    pathParameters: { sourceId: 'The source id chosen when it was registered' },
    body: z.unknown().meta({ description: 'Any body the source signs' }),
    answers: ok('Queued', receivedSchema),
    errors: { 400: 'Bad signature or not JSON', 404: 'Unknown source', 413: 'Body over the size limit', 500: 'Not queued; retry' },
  },

  // Billing, audit, alerts.
  'GET /v1/orgs/{orgId}/billing': {
    summary: "The organisation's billing record",
    tag: 'Billing',
    role: 'member',
    answers: ok('The billing record', billingViewSchema),
    errors: { 404: 'No billing record yet (or another organisation)' },
  },
  'GET /v1/orgs/{orgId}/audit': {
    summary: 'The audit log, newest first',
    tag: 'Billing',
    role: 'member',
    query: pageQuerySchema,
    answers: ok('A page of audit entries', pageOf(auditEntrySchema)),
  },
  'GET /v1/orgs/{orgId}/alerts': {
    summary: "The organisation's ops alerts, newest first",
    tag: 'Billing',
    role: 'admin',
    query: pageQuerySchema,
    answers: ok('A page of alerts', pageOf(opsAlertSchema)),
  },

  // Internal publish.
  'POST /internal/events': {
    summary: 'Publish a domain event (internal)',
    tag: 'Events',
    description: 'Other Better Data services publish here. The body is checked against the event catalog; publishing the same id twice delivers once.',
    body: platformEventSchema,
    answers: { 202: { description: 'Queued for fan-out', schema: publishedSchema } },
    errors: { 400: 'The body is not JSON', 403: 'Not an IAM-signed request', 422: 'Unknown type or data that fails its schema', 503: 'Not queued; publish again' },
  },

  // Endpoints.
  'GET /v1/orgs/{orgId}/webhooks/endpoints': {
    summary: 'List endpoints (without secrets)',
    tag: 'Endpoints',
    role: 'member',
    answers: ok('Every endpoint, oldest first', z.object({ items: z.array(endpointViewSchema) })),
  },
  'POST /v1/orgs/{orgId}/webhooks/endpoints': {
    summary: 'Register an endpoint',
    tag: 'Endpoints',
    role: 'admin',
    description: '`eventTypes` holds exact types, prefix wildcards (`import.*`) or `*`. The signing secret is shown only in this answer.',
    body: endpointCreateSchema,
    answers: { 201: { description: 'Created, with its signing secret', schema: endpointCreatedSchema } },
    errors: { 409: 'The organisation has the maximum number of endpoints' },
  },
  'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
    summary: 'One endpoint (without its secret)',
    tag: 'Endpoints',
    role: 'member',
    answers: ok('The endpoint', endpointViewSchema),
    errors: { 404: 'No such endpoint' },
  },
  'PATCH /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
    summary: 'Change an endpoint',
    tag: 'Endpoints',
    role: 'admin',
    description: 'Re-enabling (`enabled: true`) clears an automatic disable.',
    body: endpointPatchSchema,
    answers: ok('The changed endpoint', endpointViewSchema),
    errors: { 404: 'No such endpoint' },
  },
  'DELETE /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': {
    summary: 'Delete an endpoint',
    tag: 'Endpoints',
    role: 'admin',
    answers: noContent,
    errors: { 404: 'No such endpoint' },
  },
  'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts': {
    summary: "An endpoint's delivery attempts, newest first",
    tag: 'Endpoints',
    role: 'member',
    query: attemptsQuerySchema,
    answers: ok('A page of attempts', pageOf(attemptViewSchema)),
    errors: { 404: 'No such endpoint' },
  },
  'GET /v1/orgs/{orgId}/webhooks/messages/{messageId}': {
    summary: 'A message with its deliveries and attempts',
    tag: 'Endpoints',
    role: 'member',
    answers: ok('The message', messageViewSchema),
    errors: { 404: 'No such message' },
  },

  // Connections.
  'GET /v1/orgs/{orgId}/connections': {
    summary: 'The Square merchant, Shopify shop and signed sources (never secrets)',
    tag: 'Connections',
    role: 'member',
    answers: ok('The connections', connectionsViewSchema),
  },
  'PUT /v1/orgs/{orgId}/connections/square': {
    summary: 'Connect a Square merchant',
    tag: 'Connections',
    role: 'admin',
    body: squareConnectionBody,
    answers: ok('Connected; events kept from before were replayed', connectedSchema(squareConnectionViewSchema)),
    errors: { 409: 'The merchant is connected to another organisation' },
  },
  'PUT /v1/orgs/{orgId}/connections/shopify': {
    summary: 'Connect a Shopify shop',
    tag: 'Connections',
    role: 'admin',
    body: shopifyConnectionSchema,
    answers: ok('Connected; events kept from before were replayed', connectedSchema(shopifyConnectionViewSchema)),
    errors: { 409: 'The shop is connected to another organisation' },
  },
  'DELETE /v1/orgs/{orgId}/connections/{provider}': {
    summary: 'Disconnect Square or Shopify',
    tag: 'Connections',
    role: 'admin',
    pathParameters: { provider: '`square` or `shopify`' },
    answers: noContent,
    errors: { 404: 'No such connection' },
  },
  'PUT /v1/orgs/{orgId}/connections/sources/{sourceId}': {
    summary: 'Create a signed inbound source, or rotate its secret',
    tag: 'Connections',
    role: 'admin',
    pathParameters: { sourceId: '1–64 characters: lower-case letters, digits, "_" or "-", starting with a letter or digit' },
    answers: {
      200: { description: 'Secret rotated; the old one stops verifying now', schema: sourceIssuedSchema },
      201: { description: 'Created; the secret is shown only here', schema: sourceIssuedSchema },
    },
    errors: { 409: 'The source id is not available', 422: 'Invalid source id' },
  },
  'GET /v1/orgs/{orgId}/connections/sources/{sourceId}/events': {
    summary: "A source's last 30 days of events, newest first",
    tag: 'Connections',
    role: 'member',
    query: pageQuerySchema,
    answers: ok('A page of events', pageOf(sourceEventViewSchema)),
    errors: { 404: 'No such source' },
  },

  // Catalog.
  'GET /v1/orgs/{orgId}/catalog/items': {
    summary: 'Catalog items with their variants (deleted ones left out)',
    tag: 'Catalog',
    role: 'member',
    query: itemsQuerySchema,
    answers: ok('A page of items', pageOf(catalogItemViewSchema)),
  },
  'GET /v1/orgs/{orgId}/inventory': {
    summary: 'Stock levels with their source timestamps',
    tag: 'Catalog',
    role: 'member',
    query: inventoryQuerySchema,
    answers: ok('A page of stock levels', pageOf(stockLevelViewSchema)),
  },
  'PUT /v1/orgs/{orgId}/settings/inventory': {
    summary: 'Set the stockout threshold',
    tag: 'Catalog',
    role: 'admin',
    body: settingsSchema,
    answers: ok('The settings', inventorySettingsViewSchema),
  },

  // Documentation.
  'GET /v1/webhooks/event-types': {
    summary: 'The event catalog',
    tag: 'Documentation',
    role: 'any',
    description: "Every event type with its description, the JSON Schema of its data and an example. The schemas are open (no `additionalProperties: false`): receivers should accept fields added later.",
    answers: ok('Every event type', eventTypeListSchema),
  },
  'GET /v1/webhooks/event-types/{type}': {
    summary: 'One event type',
    tag: 'Documentation',
    role: 'any',
    pathParameters: { type: 'The event type, e.g. `import.completed`' },
    answers: ok('The event type', eventTypeViewSchema),
    errors: { 404: 'No such event type' },
  },
  'GET /v1/openapi.json': {
    summary: 'This OpenAPI document',
    tag: 'Documentation',
    role: 'any',
    answers: ok('OpenAPI 3.1', z.record(z.string(), z.unknown())),
  },
};
