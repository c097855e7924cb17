import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseJsonBody, parseOptionalJsonBody, parseQuery, type OrgRoute } from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, secretJson } from '../../shared/platform/http/responses';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { generateSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import {
  DEFAULT_ROTATION_GRACE_SECONDS,
  rotatedSecrets,
  secretContext,
  signingSecrets,
  type EndpointRecord,
} from '../../shared/outbound/endpoint';
import { ownerFields, ownerPartition, type Owner } from '../../shared/events/owner';
import { startJobUnlessRunning } from '../../shared/platform/http/job-start';
import { newRecoveryJob, RECOVERY_JOB_KIND, recoveryView } from '../../shared/outbound/recovery-job';
import { windowStart } from '../../shared/outbound/stats-store';
import { recoverSchema, rotateSchema, statsQuerySchema } from '../../shared/outbound/endpoint-requests';
import { endpointState } from '../../shared/outbound/admission/endpoint-state';
import type { WebhooksApiDependencies } from './dependencies';
import { endpointNotFound } from './endpoint-reads';
import { orgEndpointRoute } from './endpoint-route';
import { resendMessage, sendTestEvent } from './manual-deliveries';
import { operableEndpoint } from './operation-limit';

/**
 * Operating endpoints: rotate a signing secret, recover what an endpoint missed, and read an
 * endpoint's health; test sends and resends are in manual-deliveries.ts.
 */

const METRIC = METRIC_NAMES.endpointsApi;

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
  const operable = await operableEndpoint(deps, owner, endpointId, 'recover');
  if ('refused' in operable) return operable.refused;
  const { endpoint } = operable;
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
  const running = await startJobUnlessRunning({ jobs: deps.jobs, queue: deps.jobsQueue }, job, {
    code: 'recovery_in_progress',
    detail: 'A recovery of this endpoint is still running',
    activeIdField: 'activeRecoveryId',
  });
  if (running) return running;
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

/** The organisation's routes that operate its endpoints (the merchant's are in merchant-webhook.ts). */
export function createOperationRoutes(deps: WebhooksApiDependencies): Record<string, OrgRoute> {
  const ENDPOINT = '/v1/orgs/{orgId}/webhooks/endpoints/{endpointId}';
  return {
    [`POST ${ENDPOINT}/recover`]: orgEndpointRoute(deps, 'admin', recoverEndpoint),
    'GET /v1/orgs/{orgId}/webhooks/recoveries/{recoveryId}': {
      role: 'member',
      handle: async ({ orgId, event }) => readRecovery(deps, orgId, event.pathParameters?.recoveryId ?? ''),
    },
    [`POST ${ENDPOINT}/secret/rotate`]: orgEndpointRoute(deps, 'admin', rotateEndpointSecret),
    [`POST ${ENDPOINT}/test`]: orgEndpointRoute(deps, 'admin', sendTestEvent),
    'POST /v1/orgs/{orgId}/webhooks/messages/{messageId}/resend': {
      role: 'admin',
      handle: async ({ orgId, event }) => resendMessage(deps, orgId, event),
    },
    [`GET ${ENDPOINT}/stats`]: orgEndpointRoute(deps, 'member', readEndpointStats),
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
