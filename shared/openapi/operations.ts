import * as z from 'zod';
import {
  inventoryQuerySchema,
  itemsQuerySchema,
  settingsSchema,
  catalogItemViewSchema,
  inventorySettingsViewSchema,
  stockLevelViewSchema,
} from '../catalog/catalog-api-schemas';
import {
  internalConnectionSchema,
  shopifyAuthorizeSchema,
  squareAuthorizeSchema,
} from '../inbound/connections/oauth/oauth-inputs';
import { sourceSecretSchema } from '../inbound/connections/connection-input';
import { platformEventSchema } from '../events/event-catalog';
import { eventTypeListSchema, eventTypeViewSchema } from '../events/event-types';
import { pageQuerySchema } from '../platform/http/org-router';
import {
  bulkReplaySchema,
  inboundEventDetailSchema,
  inboundEventPageSchema,
  inboundEventSummarySchema,
  listQuerySchema as inboundListQuerySchema,
  replayJobViewSchema,
} from '../inbound/log/inbound-api-schemas';
import {
  attemptsQuerySchema,
  createEndpointSchema as endpointCreateSchema,
  merchantWebhookSchema,
  patchEndpointSchema as endpointPatchSchema,
  recoverSchema,
  resendSchema,
  rotateSchema,
  statsQuerySchema,
  testSchema,
} from '../outbound/endpoint-requests';
import {
  attemptMadeSchema,
  attemptViewSchema,
  auditEntrySchema,
  billingViewSchema,
  connectionsViewSchema,
  authorizeViewSchema,
  syncViewSchema,
  internalConnectedSchema,
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
  sourceEventViewSchema,
  sourceIssuedSchema,
} from './response-schemas';

/**
 * What the OpenAPI document says about each route of `ROUTES` beyond its method, path and auth: the
 * request schemas (the very ones the handlers validate with), the answers, and for /v1/orgs routes
 * the role. Keyed by the route key `"METHOD path"` as in ROUTES; the generator fails for a route
 * without an entry still appears, marked `x-undocumented`, and the unit tests name it.
 */

export type Role = 'member' | 'admin' | 'any';
export type ReceiverScheme =
  'stripeSignature' | 'squareSignature' | 'shopifySignature' | 'betterdataSignature' | 'oauthCallbackSignature';

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

/**
 * A paged list: the page of items it answers and the query it takes (`limit` and `cursor`, or a
 * list's own query with its filters besides).
 */
const paged = (description: string, item: z.ZodType, query: z.ZodObject = pageQuerySchema) => ({
  query,
  answers: ok(description, pageOf(item)),
});

/** A route's entry within its tag's section (which adds the tag). */
type RouteDoc = Omit<OperationSpec, 'tag'>;
type DocFields = Omit<RouteDoc, 'summary' | 'role'>;

/** One builder per kind of caller: the route's summary first, then what else it documents. */
function forCaller(caller: Pick<OperationSpec, 'role'>): (summary: string, fields: DocFields) => RouteDoc {
  return (summary, fields) => ({ summary, ...caller, ...fields });
}
const member = forCaller({ role: 'member' });
const admin = forCaller({ role: 'admin' });
const anyToken = forCaller({ role: 'any' });
/** Routes without a JWT: webhook receivers (`receiver` names their signature) and IAM-signed internal ones. */
const documented = forCaller({});

/** The routes of one tag, each given that tag (the document lists tags in the order they first appear here). */
function section(tag: string, routes: Readonly<Record<string, RouteDoc>>): Record<string, OperationSpec> {
  return Object.fromEntries(Object.entries(routes).map(([key, doc]) => [key, { ...doc, tag }]));
}

/**
 * What an organisation's endpoint and a merchant's federation webhook both offer (the same
 * operations behind two owners): documented once, with each owner's summary and wording.
 */
interface OwnedDoc {
  readonly summary: string;
  readonly description?: string;
  /** The 404 answer: no such endpoint, or no webhook configured. */
  readonly notFound: string;
}
const attemptsPage = (summary: string, notFound: string): RouteDoc =>
  member(summary, {
    ...paged('A page of attempts', attemptViewSchema, attemptsQuerySchema),
    errors: { 404: notFound },
  });
const secretRotation = ({ summary, description, notFound }: OwnedDoc): RouteDoc =>
  admin(summary, {
    ...(description && { description }),
    body: rotateSchema,
    bodyOptional: true,
    answers: ok('Rotated, with the new secret', secretRotatedSchema),
    errors: { 404: notFound, 409: 'Another rotation won the race; nothing was changed' },
  });
const healthWindow = ({ summary, description, notFound, answer }: OwnedDoc & { answer: string }): RouteDoc =>
  member(summary, {
    ...(description && { description }),
    query: statsQuerySchema,
    answers: ok(answer, endpointStatsSchema),
    errors: { 404: notFound },
  });
const recoveryStart = (
  { summary, description }: Omit<OwnedDoc, 'notFound'>,
  location: string,
  errors: Readonly<Record<number, string>>,
): RouteDoc =>
  admin(summary, {
    ...(description && { description }),
    body: recoverSchema,
    answers: { 202: { description: 'Recovery started', schema: recoveryViewSchema, headers: { location } } },
    errors,
  });
/** A durable job's progress (a sync, a bulk replay, a recovery): one id in the path, the job, or 404. */
const jobProgress = (
  summary: string,
  idParameter: Readonly<Record<string, string>>,
  answers: Readonly<Record<number, AnswerSpec>>,
  notFound: string,
): RouteDoc => member(summary, { pathParameters: idParameter, answers, errors: { 404: notFound } });
const recoveryProgress = (summary: string, notFound: string): RouteDoc =>
  jobProgress(
    summary,
    { recoveryId: 'The `id` answered when the recovery started' },
    ok('The recovery', recoveryViewSchema),
    notFound,
  );
const messageWithDeliveries = (summary: string, notFound: string): RouteDoc =>
  member(summary, { answers: ok('The message', messageViewSchema), errors: { 404: notFound } });

/**
 * The inbound event log as an organisation (its own events) and operators (any event, IAM-signed)
 * read and replay it: the same answers for both callers, documented once.
 */
type Caller = ReturnType<typeof forCaller>;
const inboundEventList = (caller: Caller, summary: string, fields: Omit<DocFields, 'query' | 'answers'>): RouteDoc =>
  caller(summary, {
    ...fields,
    query: inboundListQuerySchema,
    answers: ok('A page of events', inboundEventPageSchema),
  });
const inboundEventDetail = (caller: Caller, summary: string, fields: Omit<DocFields, 'answers'>): RouteDoc =>
  caller(summary, { ...fields, answers: ok('The event', inboundEventDetailSchema) });
const inboundEventReplay = (caller: Caller, summary: string, fields: Omit<DocFields, 'answers'>): RouteDoc =>
  caller(summary, {
    ...fields,
    answers: { 202: { description: 'Queued for another try', schema: inboundEventSummarySchema } },
  });

export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  // Webhook receivers: called by providers, authenticated by the HMAC each verifies.
  ...section('Webhook receivers', {
    'ANY /webhooks/stripe': documented('Receive a Stripe webhook', {
      receiver: 'stripeSignature',
      description: 'Verifies `stripe-signature` (300 s tolerance) and queues the event. Other methods answer 405.',
      body: z.record(z.string(), z.unknown()).meta({ description: 'A Stripe event' }),
      answers: ok('Queued (or a verified event of a type not handled)', receivedSchema),
      errors: {
        400: 'Missing, malformed or non-matching signature, expired timestamp, or not a Stripe event',
        413: 'Body over the size limit',
        500: 'Not queued; Stripe retries',
      },
    }),
    'ANY /api/webhooks/square': documented('Receive a Square webhook', {
      receiver: 'squareSignature',
      description:
        '`x-square-hmacsha256-signature` = base64 HMAC-SHA256 of the configured notification URL + body. Other ' +
        'methods answer 405.',
      body: z.record(z.string(), z.unknown()).meta({ description: 'A Square event' }),
      answers: ok('Queued', receivedSchema),
      errors: {
        400: 'Bad signature or not a Square event',
        413: 'Body over the size limit',
        500: 'Not queued; Square retries',
      },
    }),
    'ANY /api/webhooks/shopify': documented('Receive a Shopify webhook', {
      receiver: 'shopifySignature',
      description:
        '`x-shopify-hmac-sha256` = base64 HMAC-SHA256 of the body; `x-shopify-topic`, `x-shopify-shop-domain` and ' +
        '`x-shopify-webhook-id` are required. Other methods answer 405.',
      body: z.record(z.string(), z.unknown()).meta({ description: 'A Shopify webhook body' }),
      answers: ok('Queued', receivedSchema),
      errors: {
        400: 'Bad signature, missing headers or not JSON',
        413: 'Body over the size limit',
        500: 'Not queued; Shopify retries',
      },
    }),
    'ANY /webhooks/sources/{sourceId}': documented('Receive an event from a registered inbound source', {
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
    }),
  }),
  // Billing, audit, alerts.
  ...section('Billing', {
    'GET /v1/orgs/{orgId}/billing': member("The organisation's billing record", {
      answers: ok('The billing record', billingViewSchema),
      errors: { 404: 'No billing record yet (or another organisation)' },
    }),
    'GET /v1/orgs/{orgId}/audit': member(
      'The audit log, newest first',
      paged('A page of audit entries', auditEntrySchema),
    ),
    'GET /v1/orgs/{orgId}/alerts': admin(
      "The organisation's ops alerts, newest first",
      paged('A page of alerts', opsAlertSchema),
    ),
  }),
  // Internal publish.
  ...section('Events', {
    'POST /internal/events': documented('Publish a domain event (internal)', {
      description:
        "Other Better Data services publish here. The caller's IAM role must be on the publisher allowlist for " +
        "the event's type and owner kind (organisation or merchant). The body is checked against the event " +
        'catalog; publishing the same id twice delivers once.',
      body: platformEventSchema,
      answers: { 202: { description: 'Queued for fan-out', schema: publishedSchema } },
      errors: {
        400: 'The body is not JSON',
        403:
          "Not an IAM-signed request, or the caller's role may not publish this event type or owner kind " +
          '(publisher allowlist)',
        422: 'Unknown type or data that fails its schema',
        503: 'Not queued; publish again',
      },
    }),
  }),
  // Endpoints.
  ...section('Endpoints', {
    'GET /v1/orgs/{orgId}/webhooks/endpoints': member('List endpoints (without secrets)', {
      answers: ok('Every endpoint, oldest first', z.object({ items: z.array(endpointViewSchema) })),
    }),
    'POST /v1/orgs/{orgId}/webhooks/endpoints': admin('Register an endpoint', {
      description:
        '`eventTypes` holds exact types, prefix wildcards (`import.*`) or `*`. The signing secret is shown only in ' +
        'this answer.',
      body: endpointCreateSchema,
      answers: { 201: { description: 'Created, with its signing secret', schema: endpointCreatedSchema } },
      errors: { 409: 'The organisation has the maximum number of endpoints' },
    }),
    'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': member('One endpoint (without its secret)', {
      answers: ok('The endpoint', endpointViewSchema),
      errors: { 404: 'No such endpoint' },
    }),
    'PATCH /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': admin('Change an endpoint', {
      description: 'Re-enabling (`enabled: true`) clears an automatic disable.',
      body: endpointPatchSchema,
      answers: ok(
        'The changed endpoint (with the window to recover when re-enabling one that missed deliveries)',
        endpointPatchedSchema,
      ),
      errors: { 404: 'No such endpoint' },
    }),
    'DELETE /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}': admin('Delete an endpoint', {
      answers: noContent,
      errors: { 404: 'No such endpoint' },
    }),
    'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/attempts': attemptsPage(
      "An endpoint's delivery attempts, newest first",
      'No such endpoint',
    ),
    'GET /v1/orgs/{orgId}/webhooks/messages/{messageId}': messageWithDeliveries(
      'A message with its deliveries and attempts',
      'No such message',
    ),
  }),
  // Federation webhooks (Commerce Gateway merchants; tokens carry `merchant_id`).
  ...section('Federation webhooks', {
    'PUT /v1/merchants/{merchantId}/webhook': admin("Set the merchant's federation webhook", {
      description:
        "Sets the URL that receives the merchant's `federation.*` events (signed, retried and logged exactly as " +
        'organisation endpoints). `eventTypes` holds federation types or wildcards (default `["federation.*"]`). ' +
        'The first PUT creates the webhook and shows its signing secret once (201); later PUTs change the URL and ' +
        'types, keep the secret and re-enable a disabled webhook (200).',
      body: merchantWebhookSchema,
      answers: {
        200: { description: 'Updated (the secret is unchanged and not shown)', schema: merchantWebhookViewSchema },
        201: { description: 'Created, with its signing secret', schema: merchantWebhookCreatedSchema },
      },
    }),
    'GET /v1/merchants/{merchantId}/webhook': member("The merchant's federation webhook (without its secret)", {
      answers: ok('The webhook', merchantWebhookViewSchema),
      errors: { 404: 'No webhook is configured' },
    }),
    'DELETE /v1/merchants/{merchantId}/webhook': admin("Remove the merchant's federation webhook", {
      answers: noContent,
      errors: { 404: 'No webhook is configured' },
    }),
    'POST /v1/merchants/{merchantId}/webhook/secret/rotate': secretRotation({
      summary: "Rotate the federation webhook's signing secret",
      description:
        'As for organisation endpoints: a new secret, shown only in this answer; the previous one keeps signing for ' +
        '`gracePeriodSeconds` (default 86400). The body may be empty.',
      notFound: 'No webhook is configured',
    }),
    'GET /v1/merchants/{merchantId}/webhook/attempts': attemptsPage(
      "The federation webhook's delivery attempts, newest first",
      'No webhook is configured',
    ),
    'GET /v1/merchants/{merchantId}/webhook/stats': healthWindow({
      summary: "The federation webhook's health over a window",
      description:
        'As for organisation endpoints: attempt and message counts and latency percentiles over the last 24 h or ' +
        '7 d, the deliveries pending now, and the health state.',
      answer: "The webhook's health",
      notFound: 'No webhook is configured',
    }),
    'POST /v1/merchants/{merchantId}/webhook/recover': recoveryStart(
      {
        summary: 'Redeliver the federation deliveries the webhook missed in a window',
        description:
          'As for organisation endpoints: starts a recovery job that re-sends, once, each delivery ' +
          'created between `since` and `until` (default now) that failed or was skipped. Answers 202 at ' +
          'once; follow progress at the `location` returned.',
      },
      'The recovery: `/v1/merchants/{merchantId}/webhook/recoveries/{recoveryId}`',
      {
        404: 'No webhook is configured',
        409:
          'The webhook is disabled (PUT it again to re-enable it), or a recovery of it is running ' +
          '(`activeRecoveryId`)',
        429:
          "Past the merchant's limit on recoveries (`ORG_OPERATIONS_PER_MINUTE`, 10 a minute by " +
          'default); `Retry-After` says when to try again',
      },
    ),
    'GET /v1/merchants/{merchantId}/webhook/recoveries/{recoveryId}': recoveryProgress(
      "A federation recovery's progress",
      "No such recovery (or another merchant's)",
    ),
    'GET /v1/merchants/{merchantId}/webhook/messages/{messageId}': messageWithDeliveries(
      'A federation message with its deliveries and attempts',
      "No such message (or another merchant's or an organisation's)",
    ),
  }),
  // Operations: rotation, test send, resend, health, recovery.
  ...section('Endpoints', {
    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate': secretRotation({
      summary: "Rotate an endpoint's signing secret",
      description:
        'Issues a new signing secret, shown only in this answer. During `gracePeriodSeconds` (default 86400 s = ' +
        '24 h; 0 stops the old secret now) deliveries carry signatures with both the new and the previous ' +
        'secret(s). The body may be empty.',
      notFound: 'No such endpoint',
    }),
    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test': admin('Send a test event to one endpoint', {
      description:
        'Delivers the catalog example of `eventType` (default `webhook.test`) to this endpoint only, as a message of ' +
        "its own, and answers with the attempt made (a failed attempt is retried on the endpoint's schedule). The " +
        'body may be empty.',
      body: testSchema,
      bodyOptional: true,
      answers: ok('The attempt made (succeeded or failed)', attemptMadeSchema),
      errors: {
        404: 'No such endpoint',
        409: 'The endpoint is disabled (`endpoint_disabled`), or the delivery was not attempted (`not_attempted`)',
        429:
          'Past the per-organisation limit on test sends (`ORG_OPERATIONS_PER_MINUTE`, 10 a minute ' +
          'by default); `Retry-After` says when to try again',
      },
    }),
    'POST /v1/orgs/{orgId}/webhooks/messages/{messageId}/resend': admin('Resend a message to one endpoint', {
      description:
        'One manual attempt, now, to an endpoint the message was routed to; it does not change the scheduled ' +
        'retries. Answers with the attempt made.',
      body: resendSchema,
      answers: ok('The attempt made (succeeded or failed)', attemptMadeSchema),
      errors: {
        404:
          'No such message (`message_not_found`), endpoint (`endpoint_not_found`), or the message was never routed ' +
          'to that endpoint (`delivery_not_found`)',
        409: 'The endpoint is disabled (`endpoint_disabled`), or the delivery was not attempted (`not_attempted`)',
        429:
          'Past the per-organisation limit on resends (`ORG_OPERATIONS_PER_MINUTE`, 10 a minute by ' +
          'default); `Retry-After` says when to try again',
      },
    }),
    'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats': healthWindow({
      summary: "An endpoint's health over a window",
      description:
        'Attempt and message counts and latency percentiles over the last 24 h or 7 d (hourly buckets), the ' +
        'deliveries pending now, and the health state.',
      answer: "The endpoint's health",
      notFound: 'No such endpoint',
    }),
    'GET /v1/orgs/{orgId}/webhooks/stats': member("Every endpoint's health over a window", {
      query: statsQuerySchema,
      answers: ok('The health of each endpoint, oldest first', orgStatsSchema),
    }),
    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover': recoveryStart(
      {
        summary: 'Redeliver the deliveries an endpoint missed in a window',
        description:
          'Starts a recovery job: each delivery to this endpoint created between `since` and `until` ' +
          '(default now) that failed or was skipped is re-sent once, as a manual attempt; `since` must ' +
          'be before `until`. Answers 202 at once whatever the window; a worker pages through it with a ' +
          'checkpoint. A delivery an earlier recovery re-sent is not re-sent again unless a scheduled ' +
          'attempt failed since. One recovery per endpoint at a time: 409 with `activeRecoveryId` while one runs. ' +
          'Follow progress at the `location` returned.',
      },
      'The recovery: `/v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}`',
      {
        404: 'No such endpoint',
        409: 'The endpoint is disabled (re-enable it first), or a recovery of it is running (`activeRecoveryId`)',
        429:
          'Past the per-organisation limit on recoveries (`ORG_OPERATIONS_PER_MINUTE`, 10 a minute ' +
          'by default); `Retry-After` says when to try again',
      },
    ),
    'GET /v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}': recoveryProgress(
      "A recovery's progress",
      'No such recovery',
    ),
  }),
  // Connections.
  ...section('Connections', {
    'GET /v1/orgs/{orgId}/connections': member('The Square merchant, Shopify shop and signed sources (never secrets)', {
      answers: ok('The connections', connectionsViewSchema),
    }),
    'PUT /v1/orgs/{orgId}/connections/square': admin('Retired: connect Square by OAuth instead', {
      description:
        'Connecting by naming a merchant let anyone claim any merchant. Answers 405 with `authorizePath`: POST ' +
        '…/connections/square/authorize.',
      answers: {},
      errors: { 405: 'Use `POST /v1/orgs/{orgId}/connections/square/authorize` (`use_oauth`)' },
    }),
    'PUT /v1/orgs/{orgId}/connections/shopify': admin('Retired: connect Shopify by OAuth instead', {
      description:
        'Connecting by naming a shop let anyone claim any shop. Answers 405 with `authorizePath`: POST ' +
        '…/connections/shopify/authorize.',
      answers: {},
      errors: { 405: 'Use `POST /v1/orgs/{orgId}/connections/shopify/authorize` (`use_oauth`)' },
    }),
    'POST /v1/orgs/{orgId}/connections/shopify/authorize': admin(
      "Start connecting a Shopify shop: the URL of the shop's consent page",
      {
        description:
          'Send the browser to `authorizeUrl` within 10 minutes. After the merchant approves, Shopify calls ' +
          '`/oauth/shopify/callback`, which ends at `CONSOLE_URL?connected=shopify` (or `?error=<code>`).',
        body: shopifyAuthorizeSchema,
        answers: ok('The consent URL (its `state` is single-use)', authorizeViewSchema),
        errors: {
          409: 'The shop is connected to another organisation',
          503: 'No Shopify app is configured (`shopify_not_configured`)',
        },
      },
    ),
    'POST /v1/orgs/{orgId}/connections/square/authorize': admin(
      "Start connecting a Square merchant: the URL of Square's consent page",
      {
        description:
          'Asks for MERCHANT_PROFILE_READ ITEMS_READ INVENTORY_READ. After the seller approves, Square calls ' +
          '`/oauth/square/callback`, which ends at `CONSOLE_URL?connected=square` (or `?error=<code>`).',
        body: squareAuthorizeSchema,
        bodyOptional: true,
        answers: ok('The consent URL (its `state` is single-use)', authorizeViewSchema),
        errors: { 503: 'No Square application is configured (`square_not_configured`)' },
      },
    ),
    'GET /v1/orgs/{orgId}/connections/{provider}/sync': jobProgress(
      "The connection's initial sync: status and progress",
      { provider: '`square` or `shopify`' },
      ok('The sync job', syncViewSchema),
      'No sync has run for this connection',
    ),
    'GET /oauth/shopify/callback': documented(
      "Shopify's OAuth callback (the browser, returning from the consent page)",
      {
        receiver: 'oauthCallbackSignature',
        description:
          'Verifies the query HMAC, the timestamp and the single-use state, exchanges the code for an expiring ' +
          'offline token, registers the webhook subscriptions, starts the initial sync and redirects to ' +
          '`CONSOLE_URL`.',
        answers: {
          302: {
            description: 'To `CONSOLE_URL?connected=shopify`, or `?error=<code>` (nothing stored)',
            headers: { location: 'The console' },
          },
        },
      },
    ),
    'GET /oauth/square/callback': documented("Square's OAuth callback (the browser, returning from the consent page)", {
      receiver: 'oauthCallbackSignature',
      description:
        'Takes the single-use state, exchanges the code (the merchant is the one Square names in the token ' +
        'answer), starts the initial sync and redirects to `CONSOLE_URL`.',
      answers: {
        302: {
          description: 'To `CONSOLE_URL?connected=square`, or `?error=<code>` (nothing stored)',
          headers: { location: 'The console' },
        },
      },
    }),
    'POST /internal/connections': documented("Attach an account with the provider's token (operators, migrations)", {
      description:
        'The account is learnt from the provider with the token (Shopify: the shop it answers for; Square: `GET ' +
        '/v2/merchants/me`), never taken from the request.',
      body: internalConnectionSchema,
      answers: { 201: { description: 'Connected; the initial sync started', schema: internalConnectedSchema } },
      errors: {
        403: 'Not an IAM-signed request',
        409: 'The account is connected to another organisation',
        422: 'Invalid fields, or the provider refused the token',
      },
    }),
    'DELETE /v1/orgs/{orgId}/connections/{provider}': admin('Disconnect Square or Shopify', {
      description: "Square's token is revoked at Square first; the stored tokens are deleted.",
      pathParameters: { provider: '`square` or `shopify`' },
      answers: noContent,
      errors: { 404: 'No such connection', 502: 'Square did not confirm the revocation; try again' },
    }),
    'PUT /v1/orgs/{orgId}/connections/sources/{sourceId}': admin(
      'Create a signed inbound source, or rotate its secret',
      {
        description:
          'Issues a new signing secret, shown only in this answer. Replacing the secret of an existing ' +
          'source keeps the previous one verifying for `gracePeriodSeconds` (default 86400 s; 0 stops it ' +
          'now), so the sender can switch whenever it likes. The body may be empty.',
        body: sourceSecretSchema,
        bodyOptional: true,
        pathParameters: {
          sourceId: '1–64 characters: lower-case letters, digits, "_" or "-", starting with a letter or digit',
        },
        answers: {
          200: {
            description: 'Secret rotated; the previous one keeps verifying for the grace period',
            schema: sourceIssuedSchema,
          },
          201: { description: 'Created; the secret is shown only here', schema: sourceIssuedSchema },
        },
        errors: { 409: 'The source id is not available', 422: 'Invalid source id' },
      },
    ),
    'GET /v1/orgs/{orgId}/connections/sources/{sourceId}/events': member(
      "A source's last 30 days of events, newest first",
      {
        ...paged('A page of events', sourceEventViewSchema),
        errors: { 404: 'No such source' },
      },
    ),
  }),
  // Catalog.
  ...section('Catalog', {
    'GET /v1/orgs/{orgId}/catalog/items': member(
      'Catalog items with their variants (deleted ones left out)',
      paged('A page of items', catalogItemViewSchema, itemsQuerySchema),
    ),
    'GET /v1/orgs/{orgId}/inventory': member(
      'Stock levels with their source timestamps',
      paged('A page of stock levels', stockLevelViewSchema, inventoryQuerySchema),
    ),
    'PUT /v1/orgs/{orgId}/settings/inventory': admin('Set the stockout threshold', {
      body: settingsSchema,
      answers: ok('The settings', inventorySettingsViewSchema),
    }),
  }),
  // Documentation.
  ...section('Documentation', {
    'GET /v1/webhooks/event-types': anyToken('The event catalog', {
      description:
        'Every event type with its description, the JSON Schema of its data and an example. The schemas are open (no ' +
        '`additionalProperties: false`): receivers should accept fields added later.',
      answers: ok('Every event type', eventTypeListSchema),
    }),
    'GET /v1/webhooks/event-types/{type}': anyToken('One event type', {
      pathParameters: { type: 'The event type, e.g. `import.completed`' },
      answers: ok('The event type', eventTypeViewSchema),
      errors: { 404: 'No such event type' },
    }),
    'GET /v1/openapi.json': anyToken('This OpenAPI document', {
      answers: ok('OpenAPI 3.1', z.record(z.string(), z.unknown())),
    }),
  }),
  // The inbound event log (functions/inbound-api).
  ...section('Inbound events', {
    'GET /v1/orgs/{orgId}/inbound/events': inboundEventList(member, 'List received webhooks', {
      description:
        'Every verified Stripe, Square, Shopify and signed-source webhook of the organisation, once ' +
        'per provider event id, newest first, kept `INBOUND_EVENT_RETENTION_DAYS` (30). Filters ' +
        'combine; `since`/`until` bound the time of first receipt.',
    }),
    'GET /v1/orgs/{orgId}/inbound/events/{eventId}': inboundEventDetail(
      member,
      'A received webhook with its body and outcome',
      {
        pathParameters: { eventId: 'The `ie_…` id from the listing' },
        errors: { 404: 'No such event in this organisation' },
      },
    ),
    'POST /v1/orgs/{orgId}/inbound/events/{eventId}/replay': inboundEventReplay(admin, 'Replay a received webhook', {
      description:
        'Puts the stored event back on its consumer’s queue; the consumer applies it idempotently (an ' +
        'applied event stays as it was; a failed one that can now be resolved is applied). Read the ' +
        'event again for the outcome.',
      errors: { 404: 'No such event in this organisation', 410: 'The body is past its retention' },
    }),
    'POST /v1/orgs/{orgId}/inbound/replay': admin('Replay received webhooks in bulk', {
      description:
        'Starts a durable job that replays every logged event of one provider received between `since` ' +
        'and `until`, optionally only some `types` or one `status`. One bulk replay per organisation at a time.',
      body: bulkReplaySchema,
      answers: {
        202: {
          description: 'Replay started; follow it at `GET /v1/orgs/{orgId}/inbound/replays/{id}`',
          schema: replayJobViewSchema,
        },
      },
      errors: { 409: 'A bulk replay is still running (`activeReplayId`)' },
    }),
    'GET /v1/orgs/{orgId}/inbound/replays/{replayId}': jobProgress(
      "A bulk replay's progress",
      { replayId: 'The `id` answered when the replay started' },
      ok('The replay', replayJobViewSchema),
      'No such replay',
    ),
    'GET /internal/inbound/events': inboundEventList(
      documented,
      'Received webhooks no organisation could be attributed to (operators)',
      {
        description:
          'The operator view, IAM-signed: e.g. `?status=failed` for Stripe events whose customer maps to no ' +
          'organisation.',
        errors: { 400: 'A query parameter is invalid', 403: 'Not an IAM-signed request' },
      },
    ),
    'GET /internal/inbound/events/{eventId}': inboundEventDetail(
      documented,
      'Any received webhook with its body and outcome (operators)',
      {
        pathParameters: { eventId: 'The `ie_…` id' },
        errors: { 403: 'Not an IAM-signed request', 404: 'No such event' },
      },
    ),
    'POST /internal/inbound/events/{eventId}/replay': inboundEventReplay(
      documented,
      'Replay any received webhook (operators)',
      {
        description:
          'Once the mapping that was missing exists, the replayed event is applied and moves to its organisation.',
        errors: { 403: 'Not an IAM-signed request', 404: 'No such event', 410: 'The body is past its retention' },
      },
    ),
  }),
};
