import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { exampleEvent, ORG_EVENT_TYPES, type PlatformEvent } from '../../shared/events/event-catalog';
import { parseJsonBody, parseQuery, type OrgRoute } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { rawBody } from '../../shared/inbound/raw-body';
import { json } from '../../shared/platform/http/responses';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { deliver, type DeliveryOutcome } from '../../shared/outbound/deliver';
import {
  DEFAULT_ROTATION_GRACE_SECONDS,
  MAX_ROTATION_GRACE_SECONDS,
  rotatedSecrets,
  secretContext,
  signingSecrets,
  type Endpoint,
} from '../../shared/outbound/endpoint';
import { messageBody } from '../../shared/outbound/fanout';
import { messageIdFor, newManualId, newRecoveryId, orgScope } from '../../shared/events/ids';
import { ownedByOrg, ownerFields, type Owner } from '../../shared/events/owner';
import type { DeliveryTask } from '../../shared/outbound/delivery-task';
import type { Recovery } from '../../shared/outbound/recoveries-store';
import type { Attempt } from '../../shared/outbound/messages-store';
import { windowStart } from '../../shared/outbound/stats-store';
import { attemptView } from '../../shared/outbound/views';
import type { WebhooksApiDependencies } from './endpoints-api';
import { refuseOverLimit } from './operation-limit';
import { endpointState } from '../../shared/outbound/admission/endpoint-state';

/**
 * Operating endpoints: rotate a signing secret, send a test event, resend a message, and read an
 * endpoint's health. Test sends and resends go through `deliver()`, the one delivery path (claim,
 * sign, post, log, settle), and answer with the attempt they made.
 */

const METRIC = METRIC_NAMES.endpointsApi;

/** Request schemas the handlers validate with (exported for the OpenAPI document). */

export const rotateSchema = z.strictObject({
  gracePeriodSeconds: z.number().int().min(0).max(MAX_ROTATION_GRACE_SECONDS).optional(),
});
export const testSchema = z.strictObject({ eventType: z.enum(ORG_EVENT_TYPES).optional() });
export const resendSchema = z.strictObject({ endpointId: z.string().min(1).max(100) });
export const recoverSchema = z
  .strictObject({
    since: z.iso.datetime({ offset: true }),
    until: z.iso.datetime({ offset: true }).optional(),
    continuation: z.string().max(2_048).optional(),
  })
  .refine((input) => input.until === undefined || Date.parse(input.since) < Date.parse(input.until), {
    message: 'since must be before until',
    path: ['until'],
  });
export const statsQuerySchema = z.object({ window: z.enum(['24h', '7d']).default('24h') });

const endpointNotFound = () => problem(404, 'endpoint_not_found', 'No such endpoint');
const endpointDisabled = (endpoint: Endpoint) =>
  problem(
    409,
    'endpoint_disabled',
    `The endpoint is disabled (${endpoint.disabledReason ?? 'manual'}); re-enable it first`,
  );

/** A body that may be empty (`{}` assumed) but, when present, must be valid. */
function optionalJsonBody<T>(event: APIGatewayProxyEventV2, schema: z.ZodType<T>): T {
  return rawBody(event).toString('utf8').trim() === ''
    ? parseJsonBody({ ...event, body: '{}', isBase64Encoded: false }, schema)
    : parseJsonBody(event, schema);
}

/** A recovery's progress, as the recover and recovery routes answer it. */
export function recoveryView(recovery: Recovery) {
  const attempted = recovery.succeeded + recovery.failed + recovery.skipped;
  return {
    id: recovery.recoveryId,
    endpointId: recovery.endpointId,
    since: recovery.since,
    until: recovery.until,
    createdAt: recovery.createdAt,
    status: attempted >= recovery.queued ? ('completed' as const) : ('in_progress' as const),
    queued: recovery.queued,
    succeeded: recovery.succeeded,
    failed: recovery.failed,
    skipped: recovery.skipped,
    remaining: Math.max(0, recovery.queued - attempted),
    continuation: recovery.continuation,
  };
}

/** Rotates an endpoint's signing secret (an organisation's endpoint, or a merchant's federation webhook). */
export async function rotateEndpointSecret(
  deps: WebhooksApiDependencies,
  owner: Owner,
  endpointId: string,
  event: APIGatewayProxyEventV2,
) {
  const input = optionalJsonBody(event, rotateSchema);
  const endpoint = await deps.endpoints.get(owner, endpointId);
  if (!endpoint) return endpointNotFound();
  const now = deps.now();
  const at = now.toISOString();
  const graceSeconds = input.gracePeriodSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS;
  const secret = generateSigningSecret();
  const ciphertext = await deps.cipher.encrypt(secret, secretContext(endpoint));
  const secrets = rotatedSecrets(endpoint.secrets, { ciphertext, createdAt: at, expiresAt: null }, now, graceSeconds);
  const updated = await deps.endpoints.update(owner, endpoint.endpointId, { secrets }, at);
  if (!updated) return endpointNotFound();
  const previousSecretsExpireAt = new Date(now.getTime() + graceSeconds * 1_000).toISOString();
  deps.observability.logger.info('Endpoint secret rotated', {
    ...ownerFields(owner),
    endpointId: endpoint.endpointId,
    graceSeconds,
    secretsSigning: signingSecrets(updated, now).length,
  });
  deps.observability.metrics.addMetric(METRIC.secretRotated, MetricUnit.Count, 1);
  deps.observability.metrics.publishStoredMetrics();
  // The only time the new secret is shown, as on creation.
  return json(200, {
    id: endpoint.endpointId,
    secret,
    previousSecretsExpireAt,
    signingSecrets: signingSecrets(updated, now).length,
  });
}

/** An endpoint's health over a window (an organisation's endpoint, or a merchant's federation webhook). */
export async function statsOf(deps: WebhooksApiDependencies, endpoint: Endpoint, window: '24h' | '7d') {
  const now = deps.now();
  const from = windowStart(window, now);
  const [counts, admission] = await Promise.all([
    deps.stats.read(endpoint.endpointId, from, now),
    deps.admission.read(endpoint.endpointId),
  ]);
  return {
    endpointId: endpoint.endpointId,
    window,
    from: from.toISOString(),
    to: now.toISOString(),
    ...counts,
    lastSuccessAt: endpoint.lastSuccessAt,
    lastFailureAt: endpoint.lastFailureAt,
    ...endpointState(endpoint, admission),
  };
}

/** `GET …/stats?window=`: one endpoint of the owner. */
export async function readEndpointStats(
  deps: WebhooksApiDependencies,
  owner: Owner,
  endpointId: string,
  event: APIGatewayProxyEventV2,
) {
  const { window } = parseQuery(event, statsQuerySchema);
  const endpoint = await deps.endpoints.get(owner, endpointId);
  return endpoint ? json(200, await statsOf(deps, endpoint, window)) : endpointNotFound();
}

/** Where an owner's recoveries are read. */
const recoveryLocation = (owner: Owner, recoveryId: string) =>
  typeof owner === 'string'
    ? `/v1/orgs/${owner}/webhooks/recoveries/${recoveryId}`
    : `/v1/merchants/${owner.merchantId}/webhook/recoveries/${recoveryId}`;

/** `GET …/recoveries/{recoveryId}`: only the owner's own recoveries. */
export async function readRecovery(deps: WebhooksApiDependencies, owner: Owner, recoveryId: string) {
  const recovery = await deps.recoveries.get(owner, recoveryId);
  return recovery ? json(200, recoveryView(recovery)) : problem(404, 'recovery_not_found', 'No such recovery');
}

/**
 * Re-enqueues the endpoint's failed and skipped deliveries of a window (an organisation's endpoint, or
 * a merchant's federation webhook) and answers 202 with the recovery.
 */
export async function recoverEndpoint(
  deps: WebhooksApiDependencies,
  owner: Owner,
  endpointId: string,
  event: APIGatewayProxyEventV2,
) {
  const { logger, metrics } = deps.observability;
  const input = parseJsonBody(event, recoverSchema);
  const endpoint = await deps.endpoints.get(owner, endpointId);
  if (!endpoint) return endpointNotFound();
  if (!endpoint.enabled) return endpointDisabled(endpoint);
  const refused = await refuseOverLimit(deps.operationLimits, owner, 'recover', deps.settings.orgOperationsPerMinute);
  if (refused) return refused;
  const fields = ownerFields(owner);
  const now = deps.now();
  // The index sorts on `<createdAt ISO>#…`: compare in exactly that form.
  const since = new Date(input.since).toISOString();
  const until = new Date(input.until ?? now).toISOString();
  const recoveryId = newRecoveryId();
  const correlationId = event.requestContext.requestId || randomUUID();
  const { items, continuation } = await deps.recoveries.recoverable(endpoint.endpointId, {
    since,
    until,
    limit: deps.settings.recoveryMaxPerCall,
    ...(input.continuation && { continuation: input.continuation }),
  });
  const recovery: Recovery = {
    recoveryId,
    ...fields,
    endpointId: endpoint.endpointId,
    since,
    until,
    createdAt: now.toISOString(),
    queued: items.length,
    continuation,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    expiresAt: Math.floor(now.getTime() / 1_000) + deps.settings.messageRetentionDays * 86_400,
  };
  // Stored before anything is queued, so every attempt finds it to count itself in.
  await deps.recoveries.put(recovery);
  // The recovery id is each task's claim key: one attempt per message, however often a task arrives.
  const tasks: DeliveryTask[] = items.map((delivery) => ({
    messageId: delivery.messageId,
    ...fields,
    endpointId: endpoint.endpointId,
    attempt: 1,
    trigger: 'manual',
    manualId: recoveryId,
    recoveryId,
    correlationId,
  }));
  const bodies = tasks.map((task) => JSON.stringify(task));
  const groups = Array.from({ length: Math.ceil(bodies.length / 100) }, (_, index) =>
    bodies.slice(index * 100, index * 100 + 100),
  );
  await Promise.all(groups.map((group) => deps.delivery.deliveryQueue.sendBatch(group)));
  logger.info('Recovery started', {
    ...fields,
    endpointId: endpoint.endpointId,
    recoveryId,
    since,
    until,
    queued: items.length,
    more: continuation !== null,
    correlationId,
  });
  metrics.addMetric(METRIC.recoveryQueued, MetricUnit.Count, items.length);
  metrics.addMetric(METRIC.recoveryStarted, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return json(202, recoveryView(recovery), { location: recoveryLocation(owner, recoveryId) });
}

export function createOperationRoutes(deps: WebhooksApiDependencies): Record<string, OrgRoute> {
  const { logger, metrics } = deps.observability;

  const count = (metric: string) => {
    metrics.addMetric(metric, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  };

  /** The attempt a test send or resend made, read back from the attempt log. */
  async function attemptAnswer(
    messageId: string,
    endpointId: string,
    outcome: DeliveryOutcome,
    pick: (attempt: Attempt) => boolean,
  ) {
    const { attempts } = await deps.messages.messageHistory(messageId);
    const attempt = attempts.find((candidate) => candidate.endpointId === endpointId && pick(candidate));
    if (!attempt)
      return problem(
        409,
        'not_attempted',
        `The delivery was not attempted (${outcome.kind === 'skipped' ? outcome.reason : outcome.kind})`,
      );
    return json(200, { messageId, endpointId, attempt: attemptView(attempt) });
  }

  return {
    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/recover': {
      role: 'admin',
      handle: async ({ orgId, event }) => recoverEndpoint(deps, orgId, event.pathParameters?.endpointId ?? '', event),
    },

    'GET /v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}': {
      role: 'member',
      handle: async ({ orgId, event }) => readRecovery(deps, orgId, event.pathParameters?.recoveryId ?? ''),
    },

    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/secret/rotate': {
      role: 'admin',
      handle: async ({ orgId, event }) =>
        rotateEndpointSecret(deps, orgId, event.pathParameters?.endpointId ?? '', event),
    },

    'POST /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/test': {
      role: 'admin',
      handle: async ({ orgId, event }) => {
        const input = optionalJsonBody(event, testSchema);
        const endpoint = await deps.endpoints.get(orgId, event.pathParameters?.endpointId ?? '');
        if (!endpoint) return endpointNotFound();
        if (!endpoint.enabled) return endpointDisabled(endpoint);
        const refused = await refuseOverLimit(
          deps.operationLimits,
          orgId,
          'test',
          deps.settings.orgOperationsPerMinute,
        );
        if (refused) return refused;
        const now = deps.now();
        const createdAt = now.toISOString();
        const example = exampleEvent(input.eventType ?? 'webhook.test', orgId, {
          id: `evt_test_${randomUUID()}`,
          occurredAt: createdAt,
        }) as PlatformEvent;
        const messageId = messageIdFor(orgScope(orgId), example.id);
        const correlationId = event.requestContext.requestId || randomUUID();
        const expiresAt = Math.floor(now.getTime() / 1_000) + deps.settings.messageRetentionDays * 86_400;
        // A message of its own, delivered to this endpoint only: no fan-out, so no other endpoint sees it.
        await deps.messages.putMessage({
          messageId,
          orgId,
          eventId: example.id,
          eventType: example.type,
          occurredAt: createdAt,
          body: messageBody(messageId, example),
          correlationId,
          createdAt,
          fanout: 'complete',
          expiresAt,
        });
        await deps.messages.putDeliveryIfAbsent({
          messageId,
          endpointId: endpoint.endpointId,
          orgId,
          eventType: example.type,
          status: 'pending',
          attempts: 0,
          lastAttemptAt: null,
          nextAttemptAt: createdAt,
          createdAt,
          updatedAt: createdAt,
          expiresAt,
        });
        await deps.stats.record(endpoint.endpointId, { kind: 'pending', delta: 1 }, now).catch(() => undefined);
        const outcome = await deliver(
          { messageId, orgId, endpointId: endpoint.endpointId, attempt: 1, trigger: 'scheduled', correlationId },
          deps.delivery,
        );
        logger.info('Test event sent', {
          orgId,
          endpointId: endpoint.endpointId,
          messageId,
          eventType: example.type,
          outcome: outcome.kind,
          correlationId,
        });
        count(METRIC.testSent);
        return attemptAnswer(
          messageId,
          endpoint.endpointId,
          outcome,
          (attempt) => attempt.attempt === 1 && attempt.manualId === undefined,
        );
      },
    },

    'POST /v1/orgs/{orgId}/webhooks/messages/{messageId}/resend': {
      role: 'admin',
      handle: async ({ orgId, event }) => {
        const { endpointId } = parseJsonBody(event, resendSchema);
        const messageId = event.pathParameters?.messageId ?? '';
        const message = await deps.messages.getMessage(messageId);
        if (!message || !ownedByOrg(message, orgId)) return problem(404, 'message_not_found', 'No such message');
        const endpoint = await deps.endpoints.get(orgId, endpointId);
        if (!endpoint) return endpointNotFound();
        if (!(await deps.messages.getDelivery(messageId, endpointId)))
          return problem(404, 'delivery_not_found', 'This message was never routed to that endpoint');
        if (!endpoint.enabled) return endpointDisabled(endpoint);
        const refused = await refuseOverLimit(
          deps.operationLimits,
          orgId,
          'resend',
          deps.settings.orgOperationsPerMinute,
        );
        if (refused) return refused;
        const manualId = newManualId();
        const correlationId = event.requestContext.requestId || randomUUID();
        const outcome = await deliver(
          { messageId, orgId, endpointId, attempt: 1, trigger: 'manual', manualId, correlationId },
          deps.delivery,
        );
        logger.info('Message resent', { orgId, endpointId, messageId, manualId, outcome: outcome.kind, correlationId });
        count(METRIC.manualResend);
        return attemptAnswer(messageId, endpointId, outcome, (attempt) => attempt.manualId === manualId);
      },
    },

    'GET /v1/orgs/{orgId}/webhooks/endpoints/{endpointId}/stats': {
      role: 'member',
      handle: async ({ orgId, event }) => readEndpointStats(deps, orgId, event.pathParameters?.endpointId ?? '', event),
    },

    'GET /v1/orgs/{orgId}/webhooks/stats': {
      role: 'member',
      handle: async ({ orgId, event }) => {
        const { window } = parseQuery(event, statsQuerySchema);
        const endpoints = (await deps.endpoints.list(orgId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        return json(200, {
          window,
          items: await Promise.all(endpoints.map((endpoint) => statsOf(deps, endpoint, window))),
        });
      },
    },
  };
}
