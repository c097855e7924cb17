import * as z from 'zod';
import type { AuditEntry } from '../billing/audit';
import { PLAN_IDS } from '../events/subscription-events';
import type { OpsAlert } from '../platform/alerts';
import { jobViewSchema } from '../platform/jobs/job-view-schema';
import type { RecoveryView } from '../outbound/recovery-job';
import type { EndpointStateView } from '../outbound/admission/endpoint-state';
import type { EndpointView } from '../outbound/endpoint';
import type { StatsCounts } from '../outbound/stats-store';
import type { deliveryView, healthState } from '../outbound/views';

/**
 * Zod schemas of what the API answers, for the OpenAPI document. Where a handler builds its answer
 * with a view function, a compile-time check below ties that function's type to the schema, so a
 * field renamed or retyped in one fails `tsc` until the other follows.
 */

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable machine-readable name of the problem'),
    detail: z.string(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('The offending fields (validation errors)'),
    activeRecoveryId: z
      .string()
      .optional()
      .describe('On a 409 to a recovery: the recovery of this endpoint that is still running'),
  })
  .meta({ description: 'RFC 9457 problem details' });

/** API Gateway's own answers (JWT authorizer 401, IAM 403, unknown route 404, 413). */
export const gatewayMessageSchema = z.object({ message: z.string() });

/** The webhook receivers' answers. */
export const receivedSchema = z.object({ received: z.literal(true) });
export const receiverErrorSchema = z.object({
  error: z.string().describe('Stable machine-readable reason'),
  message: z.string(),
});

const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page');
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor });

// Billing, audit, alerts (functions/billing-api).
export const billingViewSchema = z.object({
  orgId: z.string(),
  plan: z.enum(PLAN_IDS),
  subscribedPlan: z.enum(PLAN_IDS).nullable(),
  status: z.string(),
  capabilities: z.object({ features: z.array(z.string()), limits: z.record(z.string(), z.number()) }),
  stripe: z.object({ customerId: z.string().nullable(), subscriptionId: z.string().nullable() }),
  currentPeriodEnd: z.string().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  lastPayment: z
    .object({ invoiceId: z.string(), amountPaid: z.number(), currency: z.string(), paidAt: z.string() })
    .nullable(),
  lastPaymentFailure: z
    .object({
      invoiceId: z.string(),
      amountDue: z.number(),
      currency: z.string(),
      attemptCount: z.number(),
      nextPaymentAttempt: z.string().nullable(),
      failedAt: z.string(),
    })
    .nullable(),
  updatedAt: z.string(),
});
export const auditEntrySchema = z.object({
  id: z.string(),
  orgId: z.string(),
  type: z.string(),
  at: z.string(),
  source: z.literal('stripe'),
  eventId: z.string(),
  summary: z.string(),
});
export const opsAlertSchema = z.object({
  id: z.string(),
  orgId: z.string().nullable(),
  kind: z.string(),
  severity: z.enum(['warning', 'critical']),
  message: z.string(),
  at: z.string(),
  source: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

// Endpoints, messages, attempts (functions/endpoints-api).
const timestampOrNull = z.string().nullable();
export const endpointViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.enum(['manual', 'gone', 'failing']).nullable(),
  disabledAt: timestampOrNull,
  createdAt: z.string(),
  updatedAt: z.string(),
  failingSince: timestampOrNull,
  lastSuccessAt: timestampOrNull,
  lastFailureAt: timestampOrNull,
  rateLimitPerSecond: z
    .number()
    .int()
    .nullable()
    .describe('Requests per second this endpoint receives at most, across all delivery workers; null: no limit'),
});
export const merchantWebhookViewSchema = z
  .object({ merchantId: z.string(), webhookUrl: z.string() })
  .extend(endpointViewSchema.shape);
export const merchantWebhookCreatedSchema = merchantWebhookViewSchema.extend({
  secret: z.string().describe('The whsec_ signing secret; shown only when the webhook is first created'),
});
export const endpointCreatedSchema = endpointViewSchema.extend({
  secret: z.string().describe('The signing secret (whsec_…); shown only in this answer'),
});
export const attemptViewSchema = z.object({
  messageId: z.string(),
  endpointId: z.string(),
  eventType: z.string(),
  attempt: z.number().int(),
  trigger: z.enum(['scheduled', 'manual']),
  manualId: z.string().optional().describe('Manual attempts (resend, recovery): the id of the request that made it'),
  at: z.string(),
  url: z.string(),
  status: z.enum(['succeeded', 'failed', 'in_progress']).nullable(),
  statusCode: z.number().int().nullable(),
  error: z.object({ kind: z.string(), message: z.string().nullable() }).nullable(),
  durationMs: z.number().nullable(),
  responseExcerpt: z.string().nullable(),
  nextAttemptAt: timestampOrNull,
});
/** PATCH answer: re-enabling an endpoint that missed deliveries says which window to recover. */
export const endpointPatchedSchema = endpointViewSchema.extend({
  recovery: z
    .object({
      since: z.string(),
      until: z.string(),
      href: z.string().describe('POST here with `{ since }` to redeliver the window'),
    })
    .optional()
    .describe('Present when re-enabling an endpoint that missed deliveries while disabled'),
});
const deliveryViewSchema = z.object({
  endpointId: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastAttemptAt: timestampOrNull,
  nextAttemptAt: timestampOrNull,
});
export const messageViewSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  occurredAt: z.string(),
  createdAt: z.string(),
  payload: z.unknown().describe('The body delivered to endpoints: { id, type, timestamp, data }'),
  deliveries: z.array(deliveryViewSchema),
  attempts: z.array(attemptViewSchema),
});

// Operations: rotation, test send, resend, stats, recovery (functions/endpoints-api/operations.ts).
export const secretRotatedSchema = z.object({
  id: z.string().describe('The endpoint id'),
  secret: z.string().describe('The new signing secret (whsec_…); shown only in this answer'),
  previousSecretsExpireAt: z.string().describe('Until then deliveries are also signed with the previous secret(s)'),
  signingSecrets: z.number().int().describe('How many secrets sign deliveries now (new + still in grace)'),
});
export const attemptMadeSchema = z.object({
  messageId: z.string(),
  endpointId: z.string(),
  attempt: attemptViewSchema.describe('The attempt this call made'),
});
const statsCountsSchema = z.object({
  attempts: z.object({ succeeded: z.number().int(), failed: z.number().int() }),
  messages: z.object({
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    pending: z.number().int().describe('Deliveries pending now (not windowed)'),
  }),
  latencyMs: z
    .object({ p50: z.number().nullable(), p95: z.number().nullable() })
    .describe('Attempt duration percentiles (histogram bucket bounds); null without attempts'),
});
const endpointHealthStateSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('disabled'),
    reason: z.enum(['manual', 'gone', 'failing']).nullable(),
    since: timestampOrNull,
  }),
  z.object({ status: z.literal('failing'), reason: z.null(), since: z.string() }),
  z.object({ status: z.literal('healthy'), reason: z.null(), since: z.null() }),
  z
    .object({ status: z.literal('circuit_open'), reason: z.null(), since: timestampOrNull })
    .describe(
      'Consecutive timeouts or connection errors opened the circuit: deliveries wait (no attempt spent) ' +
        'and one probe a minute checks whether it recovered',
    ),
]);
export const endpointStatsSchema = z.object({
  endpointId: z.string(),
  window: z.enum(['24h', '7d']),
  from: z.string(),
  to: z.string(),
  ...statsCountsSchema.shape,
  lastSuccessAt: timestampOrNull,
  lastFailureAt: timestampOrNull,
  state: endpointHealthStateSchema,
});
export const orgStatsSchema = z.object({
  window: z.enum(['24h', '7d']),
  items: z.array(endpointStatsSchema).describe('Every endpoint, oldest first'),
});
export const recoveryViewSchema = z.object({
  id: z.string(),
  kind: z.literal('recovery'),
  status: z
    .enum(['queued', 'running', 'completed', 'failed'])
    .describe('`completed` once every delivery it queued has been attempted'),
  createdAt: z.string(),
  updatedAt: z.string(),
  progress: z.object({
    queued: z.number().int().describe('Deliveries re-queued so far (the job pages through the window)'),
    succeeded: z.number().int(),
    failed: z.number().int().describe('Failed, or skipped because the endpoint was disabled meanwhile'),
    remaining: z.number().int().describe('Queued and not attempted yet'),
  }),
  endpointId: z.string(),
  since: z.string(),
  until: z.string(),
  error: z.string().optional().describe('Why the recovery failed'),
});

// Connections (functions/connections-api).
/** What every connection shows (issue 10's agreed shape), beside the provider's own field. */
const connectionCommon = {
  provider: z.enum(['square', 'shopify']),
  account: z.string().describe('The Shopify shop domain or the Square merchant id'),
  state: z.enum(['active', 'revoked']),
  connectedAt: z.string(),
  scopes: z.array(z.string()).optional().describe('Scopes the provider granted'),
  lastSyncAt: z.string().optional().describe('When the initial sync last completed'),
};
export const squareConnectionViewSchema = z.object({
  merchantId: z.string(),
  notificationUrl: z.string().nullable(),
  ...connectionCommon,
});
export const shopifyConnectionViewSchema = z.object({ shopDomain: z.string(), ...connectionCommon });
export const authorizeViewSchema = z.object({
  authorizeUrl: z.string().describe("The provider's consent page; send the browser there"),
  expiresAt: z.string().describe('The state expires then (10 minutes)'),
});
export const syncViewSchema = jobViewSchema(
  'sync',
  z.object({ pages: z.number().int(), objects: z.number().int() }),
).extend({ provider: z.enum(['square', 'shopify']), account: z.string() });
export const internalConnectedSchema = z.object({
  orgId: z.string(),
  provider: z.enum(['square', 'shopify']),
  account: z.string(),
  syncJobId: z.string(),
});
export const sourceViewSchema = z.object({ sourceId: z.string(), url: z.string(), createdAt: z.string() });
export const connectionsViewSchema = z.object({
  square: squareConnectionViewSchema.nullable(),
  shopify: shopifyConnectionViewSchema.nullable(),
  sources: z.array(sourceViewSchema),
});
export const sourceIssuedSchema = sourceViewSchema.extend({
  secret: z.string().describe('The signing secret (whsec_…); shown only in this answer'),
});
export const sourceEventViewSchema = z.object({
  id: z.string(),
  receivedAt: z.string(),
  body: z.unknown().describe('The JSON body as received, or its text when it was not JSON'),
});

// Events (functions/events-api).
export const publishedSchema = z.object({ messageId: z.string() });

/** What a view function may return for a documented schema (readonly arrays and objects accepted). */
export type Documented<S extends z.ZodType> = DeepReadonly<z.output<S>>;
type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
/** `View extends Documented`: a handler's view type must fit the documented answer. */
type Fits<View extends DeepReadonly<Documented>, Documented> = View;
// attemptView is not listed: its inferred type is wider than what it returns (the 'in_progress'
// literal widens to string, `errorKind && …` types as possibly ""); the contract test checks it.
export type DocumentedViews = [
  Fits<EndpointView, z.output<typeof endpointViewSchema>>,
  Fits<ReturnType<typeof deliveryView>, z.output<typeof deliveryViewSchema>>,
  Fits<AuditEntry, z.output<typeof auditEntrySchema>>,
  Fits<OpsAlert, z.output<typeof opsAlertSchema>>,
  Fits<StatsCounts, z.output<typeof statsCountsSchema>>,
  Fits<ReturnType<typeof healthState>, z.output<typeof endpointHealthStateSchema>>,
  Fits<EndpointStateView, z.output<typeof endpointHealthStateSchema>>,
  Fits<RecoveryView, z.output<typeof recoveryViewSchema>>,
];
