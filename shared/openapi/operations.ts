import { z } from 'zod';
import {
  inventoryQuerySchema,
  itemsQuerySchema,
  settingsSchema,
  catalogItemViewSchema,
  inventorySettingsViewSchema,
  stockLevelViewSchema,
} from '../catalog/catalog-api-schemas';
import { shopifyConnectionSchema, squareConnectionSchema } from '../inbound/connections/connection-input';
import { platformEventSchema } from '../events/event-catalog';
import { eventTypeListSchema, eventTypeViewSchema } from '../events/event-types';
import { pageQuerySchema } from '../platform/http/org-router';
import { merchantWebhookSchema } from '../../functions/endpoints-api/merchant-webhook';
import {
  recoverSchema,
  resendSchema,
  rotateSchema,
  statsQuerySchema,
  testSchema,
} from '../../functions/endpoints-api/operations';
import {
  attemptsQuerySchema,
  createSchema as endpointCreateSchema,
  patchSchema as endpointPatchSchema,
} from '../../functions/endpoints-api/endpoints-api';
import {
  attemptMadeSchema,
  attemptViewSchema,
  auditEntrySchema,
  billingViewSchema,
  connectedSchema,
  connectionsViewSchema,
  endpointCreatedSchema,
  endpointPatchedSchema,
  endpointStatsSchema,
  endpointViewSchema,
  merchantWebhookCreatedSchema,
  merchantWebhookViewSchema,
  messageViewSchema,
  opsAlertSchema,
  orgStatsSchema,
  pageOf,
  publishedSchema,
  receivedSchema,
  recoveryViewSchema,
  secretRotatedSchema,
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
  /** Response headers worth naming (header → description), e.g. `location`. */
  readonly headers?: Readonly<Record<string, string>>;
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
  /** The body may be left out (an empty body counts as `{}`); when present it must be valid. */
  readonly bodyOptional?: boolean;
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** Successful and route-specific answers; the generator adds the common errors. */
  readonly answers: Readonly<Record<number, AnswerSpec>>;
  /** Route-specific error answers (problem+json on the API, `{ error, message }` on receivers). */
  readonly errors?: Readonly<Record<number, string>>;
  /** Set by the generator for a route missing from OPERATIONS. */
  readonly undocumented?: boolean;
}

const ok = (description: string, schema: z.ZodType): Readonly<Record<number, AnswerSpec>> => ({
  200: { description, schema },
});
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
    errors: {
      400: 'Missing, malformed or non-matching signature, expired timestamp, or not a Stripe event',
      413: 'Body over the size limit',
      500: 'Not queued; Stripe retries',
    },
  },
  'ANY /api/webhooks/square': {
    summary: 'Receive a Square webhook',
    tag: 'Webhook receivers',
    receiver: 'squareSignature',
    description:
      '`x-square-hmacsha256-signature` = base64 HMAC-SHA256 of the configured notification URL + body. Other methods answer 405.',
    body: z.record(z.string(), z.unknown()).meta({ description: 'A Square event' }),
    answers: ok('Queued', receivedSchema),
    errors: {
      400: 'Bad signature or not a Square event',
      413: 'Body over the size limit',
      500: 'Not queued; Square retries',
    },
  },
  'ANY /api/webhooks/shopify': {
    summary: 'Receive a Shopify webhook',
    tag: 'Webhook receivers',
    receiver: 'shopifySignature',
    description:
      '`x-shopify-hmac-sha256` = base64 HMAC-SHA256 of the body; `x-shopify-topic`, `x-shopify-shop-domain` and `x-shopify-webhook-id` are required. Other methods answer 405.',
    body: z.record(z.string(), z.unknown()).meta({ description: 'A Shopify webhook body' }),
    answers: ok('Queued', receivedSchema),
    errors: {
      400: 'Bad signature, missing headers or not JSON',
      413: 'Body over the size limit',
      500: 'Not queued; Shopify retries',
    },
  },
  'ANY /webhooks/sources/{sourceId}': {
    summary: 'Receive an event from a registered inbound source',
    tag: 'Webhook receivers',
    receiver: 'betterdataSignature',
    pathParameters: { sourceId: 'The source id chosen when it was registered' },
    body: z.unknown().meta({ description: 'Any body the source signs' }),
    answers: ok('Queued', receivedSchema),
    errors: {
      400: 'Bad signature or not JSON',
      404: 'Unknown source',
      413: 'Body over the size limit',
      500: 'Not queued; retry',
    },
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
    description:
      'Other Better Data services publish here. The body is checked against the event catalog; publishing the same id twice delivers once.',
    body: platformEventSchema,
    answers: { 202: { description: 'Queued for fan-out', schema: publishedSchema } },
    errors: {
      400: 'The body is not JSON',
      403: 'Not an IAM-signed request',
      422: 'Unknown type or data that fails its schema',
      503: 'Not queued; publish again',
    },
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
    description:
      '`eventTypes` holds exact types, prefix wildcards (`import.*`) or `*`. The signing secret is shown only in this answer.',
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
    answers: ok(
      'The changed endpoint (with the window to recover when re-enabling one that missed deliveries)',
      endpointPatchedSchema,
    ),
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

  // Federation webhooks (Commerce Gateway merchants; tokens carry `merchant_id`).
  'PUT /v1/merchants/{merchantId}/webhook': {
    summary: "Set the merchant's federation webhook",
    tag: 'Federation webhooks',
    role: 'admin',
    description:
      'Sets the URL that receives the merchant\'s `federation.*` events (signed, retried and logged exactly as organisation endpoints). `eventTypes` holds federation types or wildcards (default `["federation.*"]`). The first PUT creates the webhook and shows its signing secret once (201); later PUTs change the URL and types, keep the secret and re-enable a disabled webhook (200).',
    body: merchantWebhookSchema,
    answers: {
      200: { description: 'Updated (the secret is unchanged and not shown)', schema: merchantWebhookViewSchema },
      201: { description: 'Created, with its signing secret', schema: merchantWebhookCreatedSchema },
    },
  },
  'GET /v1/merchants/{merchantId}/webhook': {
    summary: "The merchant's federation webhook (without its secret)",
    tag: 'Federation webhooks',
    role: 'member',
    answers: ok('The webhook', merchantWebhookViewSchema),
    errors: { 404: 'No webhook is configured' },
  },
  'DELETE /v1/merchants/{merchantId}/webhook': {
    summary: "Remove the merchant's federation webhook",
    tag: 'Federation webhooks',
    role: 'admin',
    answers: noContent,
    errors: { 404: 'No webhook is configured' },
  },
  'POST /v1/merchants/{merchantId}/webhook/secret/rotate': {
    summary: "Rotate the federation webhook's signing secret",
    tag: 'Federation webhooks',
    role: 'admin',
    description:
      'As for organisation endpoints: a new secret, shown only in this answer; the previous one keeps signing for `gracePeriodSeconds` (default 86400). The body may be empty.',
    body: rotateSchema,
    bodyOptional: true,
    answers: ok('Rotated, with the new secret', secretRotatedSchema),
    errors: { 404: 'No webhook is configured' },
  },
  'GET /v1/merchants/{merchantId}/webhook/attempts': {
    summary: "The federation webhook's delivery attempts, newest first",
    tag: 'Federation webhooks',
    role: 'member',
    query: attemptsQuerySchema,
    answers: ok('A page of attempts', pageOf(attemptViewSchema)),
    errors: { 404: 'No webhook is configured' },
  },
  'GET /v1/merchants/{merchantId}/webhook/stats': {
    summary: "The federation webhook's health over a window",
    tag: 'Federation webhooks',
    role: 'member',
    description:
      'As for organisation endpoints: attempt and message counts and latency percentiles over the last 24 h or 7 d, the deliveries pending now, and the health state.',
    query: statsQuerySchema,
    answers: ok("The webhook's health", endpointStatsSchema),
    errors: { 404: 'No webhook is configured' },
  },
  'POST /v1/merchants/{merchantId}/webhook/recover': {
    summary: 'Redeliver the federation deliveries the webhook missed in a window',
    tag: 'Federation webhooks',
    role: 'admin',
    description:
      'As for organisation endpoints: queues one manual attempt per delivery created between `since` and `until` (default now) that failed or was skipped, at most `RECOVERY_MAX_PER_CALL` per call (POST again with the `continuation`). Follow progress at the `location` returned.',
    body: recoverSchema,
    answers: {
      202: {
        description: 'Recovery started',
        schema: recoveryViewSchema,
        headers: { location: 'The recovery: `/v1/merchants/{merchantId}/webhook/recoveries/{recoveryId}`' },
      },
    },
    errors: {
      404: 'No webhook is configured',
      409: 'The webhook is disabled; PUT it again to re-enable it',
      429: "Past the merchant's limit on recoveries (`ORG_OPERATIONS_PER_MINUTE`, 10 a minute by default); `Retry-After` says when to try again",
    },
  },
  'GET /v1/merchants/{merchantId}/webhook/recoveries/{recoveryId}': {
    summary: "A federation recovery's progress",
    tag: 'Federation webhooks',
    role: 'member',
    pathParameters: { recoveryId: 'The `id` answered when the recovery started' },
    answers: ok('The recovery', recoveryViewSchema),
    errors: { 404: "No such recovery (or another merchant's)" },
  },
  'GET /v1/merchants/{merchantId}/webhook/messages/{messageId}': {
    summary: 'A federation message with its deliveries and attempts',
    tag: 'Federation webhooks',
    role: 'member',
    answers: ok('The message', messageViewSchema),
    errors: { 404: "No such message (or another merchant's or an organisation's)" },
  },

  // Operations: rotation, test send, resend, health, recovery.
  'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate': {
    summary: "Rotate an endpoint's signing secret",
    tag: 'Endpoints',
    role: 'admin',
    description:
      'Issues a new signing secret, shown only in this answer. During `gracePeriodSeconds` (default 86400 s = 24 h; 0 stops the old secret now) deliveries carry signatures with both the new and the previous secret(s). The body may be empty.',
    body: rotateSchema,
    bodyOptional: true,
    answers: ok('Rotated, with the new secret', secretRotatedSchema),
    errors: { 404: 'No such endpoint' },
  },
  'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test': {
    summary: 'Send a test event to one endpoint',
    tag: 'Endpoints',
    role: 'admin',
    description:
      "Delivers the catalog example of `eventType` (default `webhook.test`) to this endpoint only, as a message of its own, and answers with the attempt made (a failed attempt is retried on the endpoint's schedule). The body may be empty.",
    body: testSchema,
    bodyOptional: true,
    answers: ok('The attempt made (succeeded or failed)', attemptMadeSchema),
    errors: {
      404: 'No such endpoint',
      409: 'The endpoint is disabled (`endpoint_disabled`), or the delivery was not attempted (`not_attempted`)',
      429: 'Past the per-organisation limit on test sends (`ORG_OPERATIONS_PER_MINUTE`, 10 a minute by default); `Retry-After` says when to try again',
    },
  },
  'POST /v1/orgs/{orgId}/webhooks/messages/{messageId}/resend': {
    summary: 'Resend a message to one endpoint',
    tag: 'Endpoints',
    role: 'admin',
    description:
      'One manual attempt, now, to an endpoint the message was routed to; it does not change the scheduled retries. Answers with the attempt made.',
    body: resendSchema,
    answers: ok('The attempt made (succeeded or failed)', attemptMadeSchema),
    errors: {
      404: 'No such message (`message_not_found`), endpoint (`endpoint_not_found`), or the message was never routed to that endpoint (`delivery_not_found`)',
      409: 'The endpoint is disabled (`endpoint_disabled`), or the delivery was not attempted (`not_attempted`)',
      429: 'Past the per-organisation limit on resends (`ORG_OPERATIONS_PER_MINUTE`, 10 a minute by default); `Retry-After` says when to try again',
    },
  },
  'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats': {
    summary: "An endpoint's health over a window",
    tag: 'Endpoints',
    role: 'member',
    description:
      'Attempt and message counts and latency percentiles over the last 24 h or 7 d (hourly buckets), the deliveries pending now, and the health state.',
    query: statsQuerySchema,
    answers: ok("The endpoint's health", endpointStatsSchema),
    errors: { 404: 'No such endpoint' },
  },
  'GET /v1/orgs/{orgId}/webhooks/stats': {
    summary: "Every endpoint's health over a window",
    tag: 'Endpoints',
    role: 'member',
    query: statsQuerySchema,
    answers: ok('The health of each endpoint, oldest first', orgStatsSchema),
  },
  'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover': {
    summary: 'Redeliver the deliveries an endpoint missed in a window',
    tag: 'Endpoints',
    role: 'admin',
    description:
      'Queues one manual attempt per delivery to this endpoint created between `since` and `until` (default now) that failed or was skipped; `since` must be before `until`. One call queues at most `RECOVERY_MAX_PER_CALL` (10,000 by default): when the answer has a `continuation`, POST again with it. Follow progress at the `location` returned.',
    body: recoverSchema,
    answers: {
      202: {
        description: 'Recovery started',
        schema: recoveryViewSchema,
        headers: { location: 'The recovery: `/v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}`' },
      },
    },
    errors: {
      404: 'No such endpoint',
      409: 'The endpoint is disabled; re-enable it first',
      429: 'Past the per-organisation limit on recoveries (`ORG_OPERATIONS_PER_MINUTE`, 10 a minute by default); `Retry-After` says when to try again',
    },
  },
  'GET /v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}': {
    summary: "A recovery's progress",
    tag: 'Endpoints',
    role: 'member',
    pathParameters: { recoveryId: 'The `id` answered when the recovery started' },
    answers: ok('The recovery', recoveryViewSchema),
    errors: { 404: 'No such recovery' },
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
    pathParameters: {
      sourceId: '1–64 characters: lower-case letters, digits, "_" or "-", starting with a letter or digit',
    },
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
    description:
      'Every event type with its description, the JSON Schema of its data and an example. The schemas are open (no `additionalProperties: false`): receivers should accept fields added later.',
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
