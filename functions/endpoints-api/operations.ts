import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { exampleEvent, type PlatformEvent } from '../../shared/events/event-catalog';
import { parseJsonBody, parseOptionalJsonBody, parseQuery, type OrgRoute } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, secretJson } from '../../shared/platform/http/responses';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { deliver, type DeliveryOutcome } from '../../shared/outbound/deliver';
import {
  DEFAULT_ROTATION_GRACE_SECONDS,
  rotatedSecrets,
  secretContext,
  signingSecrets,
  type EndpointRecord,
} from '../../shared/outbound/endpoint';
import { messageBody } from '../../shared/outbound/fanout';
import { messageIdFor, newManualId, orgScope } from '../../shared/events/ids';
import { ownedByOrg, ownerFields, ownerPartition, type Owner } from '../../shared/events/owner';
import { startJob } from '../../shared/platform/jobs/job-runner';
import { ActiveJobError } from '../../shared/platform/jobs/jobs-store';
import { newRecoveryJob, RECOVERY_JOB_KIND, recoveryView } from '../../shared/outbound/recovery-job';
import type { Attempt } from '../../shared/outbound/messages-store';
import { windowStart } from '../../shared/outbound/stats-store';
import { attemptView } from '../../shared/outbound/views';
import {
  recoverSchema,
  resendSchema,
  rotateSchema,
  statsQuerySchema,
  testSchema,
} from '../../shared/outbound/endpoint-requests';
import type { WebhooksApiDependencies } from './dependencies';
import { refuseOverLimit } from './operation-limit';
import { endpointState } from '../../shared/outbound/admission/endpoint-state';

/**
 * Operating endpoints: rotate a signing secret, send a test event, resend a message, and read an
 * endpoint's health. Test sends and resends go through `deliver()`, the one delivery path (claim,
 * sign, post, log, settle), and answer with the attempt they made.
 */

const METRIC = METRIC_NAMES.endpointsApi;

const endpointNotFound = () => problem(404, 'endpoint_not_found', 'No such endpoint');
const endpointDisabled = (endpoint: EndpointRecord) =>
  problem(
    409,
    'endpoint_disabled',
    `The endpoint is disabled (${endpoint.disabledReason ?? 'manual'}); re-enable it first`,
  );

/**
 * Rotates an endpoint's signing secret (an organisation's endpoint, or a merchant's federation webhook).
 * The write is conditional on the secrets' version read here: of two concurrent rotations one stores
 * its secret and answers 200, the other answers 409 — so the secret returned is always the one stored.
 */
export async function rotateEndpointSecret(
  deps: WebhooksApiDependencies,
  owner: Owner,
  endpointId: string,
  event: APIGatewayProxyEventV2,
) {
  const input = parseOptionalJsonBody(event, rotateSchema);
  const endpoint = await deps.endpoints.get(owner, endpointId);
  const current = endpoint && (await deps.endpoints.getSecrets(owner, endpointId));
  if (!endpoint || !current) return endpointNotFound();
  const now = deps.now();
  const at = now.toISOString();
  const graceSeconds = input.gracePeriodSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS;
  const secret = generateSigningSecret();
  const ciphertext = await deps.cipher.encrypt(secret, secretContext(endpoint));
  const secrets = rotatedSecrets(current.secrets, { ciphertext, createdAt: at, expiresAt: null }, now, graceSeconds);
  if (!(await deps.endpoints.replaceSecrets(owner, endpoint.endpointId, secrets, current.version)))
    return problem(409, 'rotation_conflict', 'The secret was rotated concurrently; read it again before rotating');
  const previousSecretsExpireAt = new Date(now.getTime() + graceSeconds * 1_000).toISOString();
  const signing = signingSecrets({ secrets }, now).length;
  deps.observability.logger.info('Endpoint secret rotated', {
    ...ownerFields(owner),
    endpointId: endpoint.endpointId,
    graceSeconds,
    secretsSigning: signing,
  });
  deps.observability.metrics.addMetric(METRIC.secretRotated, MetricUnit.Count, 1);
  deps.observability.metrics.publishStoredMetrics();
  // The only time the new secret is shown, as on creation.
  return secretJson(200, { id: endpoint.endpointId, secret, previousSecretsExpireAt, signingSecrets: signing });
}

const latest = (a: string | null, b: string | null) => (a === null ? b : b === null || a > b ? a : b);

/** An endpoint's health over a window (an organisation's endpoint, or a merchant's federation webhook). */
export async function statsOf(deps: WebhooksApiDependencies, endpoint: EndpointRecord, window: '24h' | '7d') {
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
    // The endpoint item keeps these only at health changes; the stats buckets keep every attempt's.
    lastSuccessAt: latest(counts.lastSuccessAt, endpoint.lastSuccessAt),
    lastFailureAt: latest(counts.lastFailureAt, endpoint.lastFailureAt),
    state: endpointState(endpoint, admission),
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

const recoveryNotFound = () => problem(404, 'recovery_not_found', 'No such recovery');

/** `GET …/recoveries/{recoveryId}`: only the owner's own recoveries. */
export async function readRecovery(deps: WebhooksApiDependencies, owner: Owner, recoveryId: string) {
  const job = await deps.jobs.get(ownerPartition(owner), recoveryId);
  if (!job || job.kind !== RECOVERY_JOB_KIND) return recoveryNotFound();
  return json(200, recoveryView(job, await deps.recoveries.counts(owner, recoveryId)));
}

/**
 * Starts a recovery of the endpoint's failed and skipped deliveries of a window (an organisation's
 * endpoint, or a merchant's federation webhook): stores the job and answers 202 at once, whatever the
 * window's size; the job worker pages through it (recovery-job.ts). One active recovery per endpoint.
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
  const now = deps.now();
  const job = newRecoveryJob({
    owner,
    endpointId: endpoint.endpointId,
    // The index sorts on `<createdAt ISO>#…`: compare in exactly that form.
    since: new Date(input.since).toISOString(),
    until: new Date(input.until ?? now).toISOString(),
    correlationId: event.requestContext.requestId || randomUUID(),
    now,
    retentionDays: deps.settings.jobRetentionDays,
  });
  // The counters first, so every attempt the job queues finds them to count itself in.
  await deps.recoveries.createCounts(owner, job.jobId, job.expiresAt);
  try {
    await startJob({ jobs: deps.jobs, queue: deps.jobsQueue }, job);
  } catch (error) {
    if (!(error instanceof ActiveJobError)) throw error;
    return problem(409, 'recovery_in_progress', 'A recovery of this endpoint is still running', undefined, {
      activeRecoveryId: error.activeJobId,
    });
  }
  logger.info('Recovery started', {
    ...ownerFields(owner),
    endpointId: endpoint.endpointId,
    recoveryId: job.jobId,
    since: job.params.since,
    until: job.params.until,
  });
  metrics.addMetric(METRIC.recoveryStarted, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  const view = recoveryView(job, { succeeded: 0, failed: 0, skipped: 0 });
  return json(202, view, { location: recoveryLocation(owner, job.jobId) });
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
        const input = parseOptionalJsonBody(event, testSchema);
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
        await deps.stats
          .record(endpoint.endpointId, { kind: 'pending', delta: 1, createdAt }, now)
          .catch(() => undefined);
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
