import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { isInboundEventId, type InboundEntry } from '../../shared/inbound/log/inbound-event';
import { UNATTRIBUTED, type InboundLogStore, type LogOwner } from '../../shared/inbound/log/inbound-log-store';
import { replayEntry, type ReplayQueues } from '../../shared/inbound/log/replay';
import { INBOUND_REPLAY_JOB_KIND } from '../../shared/inbound/log/replay-job';
import type { QueueSender } from '../../shared/platform/aws/queue';
import {
  createOrgRouter,
  parseJsonBody,
  parseQuery,
  requestFailure,
  type OrgRoute,
} from '../../shared/platform/http/org-router';
import { problem } from '../../shared/platform/http/problem';
import { json, type HttpResult } from '../../shared/platform/http/responses';
import { jobView, newJob } from '../../shared/platform/jobs/job';
import { startJobUnlessRunning } from '../../shared/platform/http/job-start';
import type { JobsStore } from '../../shared/platform/jobs/jobs-store';
import type { Observability } from '../../shared/platform/observability';
import { bulkReplaySchema, listQuerySchema, normalisedRange } from '../../shared/inbound/log/inbound-api-schemas';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { detailView, summaryView } from './views';

/**
 * The inbound event log's API. Members list and read their organisation's events; admins replay one
 * (202: it is back on its consumer's queue) or start a bulk replay job. Operators (IAM) see the
 * events no organisation could be attributed to, and replay one once its mapping exists.
 */

export interface InboundApiDependencies {
  readonly store: InboundLogStore;
  readonly queues: ReplayQueues;
  readonly jobs: JobsStore;
  readonly jobsQueue: QueueSender;
  readonly jobRetentionDays: number;
  readonly now: () => Date;
  readonly observability: Observability;
}

const notFound = () => problem(404, 'inbound_event_not_found', 'No such inbound event');
const METRIC = METRIC_NAMES.inboundApi;

/** API functions publish their counts at once: a request ends the invocation's work. */
function count(deps: InboundApiDependencies, metric: string): void {
  deps.observability.metrics.addMetric(metric, MetricUnit.Count, 1);
  deps.observability.metrics.publishStoredMetrics();
}

type Handle = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;

async function listEvents(deps: InboundApiDependencies, owner: LogOwner, event: APIGatewayProxyEventV2) {
  const { type, ...query } = normalisedRange(parseQuery(event, listQuerySchema));
  const page = await deps.store.list(owner, { ...query, ...(type !== undefined && { types: [type] }) });
  return json(200, { data: page.items.map(summaryView), nextCursor: page.nextCursor });
}

/** The entry if it belongs to `owner`; another owner's events answer as if they did not exist. */
async function ownedEntry(
  deps: InboundApiDependencies,
  owner: LogOwner,
  id: string | undefined,
): Promise<InboundEntry | undefined> {
  if (!id || !isInboundEventId(id)) return undefined;
  const entry = await deps.store.get(id);
  if (!entry) return undefined;
  if (owner === UNATTRIBUTED) return entry;
  return entry.orgId === owner.orgId ? entry : undefined;
}

async function readEvent(deps: InboundApiDependencies, owner: LogOwner, event: APIGatewayProxyEventV2) {
  const entry = await ownedEntry(deps, owner, event.pathParameters?.eventId);
  return entry ? json(200, detailView(entry, await deps.store.body(entry.id))) : notFound();
}

async function replayEvent(deps: InboundApiDependencies, owner: LogOwner, event: APIGatewayProxyEventV2) {
  const entry = await ownedEntry(deps, owner, event.pathParameters?.eventId);
  if (!entry) return notFound();
  if (!(await replayEntry(deps, entry, event.requestContext.requestId)))
    return problem(410, 'inbound_event_body_expired', 'The event body is past its retention and cannot be replayed');
  deps.observability.logger.info('Inbound event queued for replay', {
    inboundEventId: entry.id,
    provider: entry.provider,
  });
  count(deps, METRIC.replayQueued);
  return json(202, summaryView(entry));
}

async function startBulkReplay(deps: InboundApiDependencies, orgId: string, event: APIGatewayProxyEventV2) {
  const input = normalisedRange(parseJsonBody(event, bulkReplaySchema));
  const job = newJob({
    jobId: `rpl_${randomUUID().replaceAll('-', '')}`,
    kind: INBOUND_REPLAY_JOB_KIND,
    scope: `ORG#${orgId}`,
    params: { orgId, ...input, ...(input.types && { types: [...input.types] }) },
    progress: { queued: 0, scanned: 0 },
    lockKey: INBOUND_REPLAY_JOB_KIND,
    now: deps.now(),
    retentionDays: deps.jobRetentionDays,
  });
  const running = await startJobUnlessRunning({ jobs: deps.jobs, queue: deps.jobsQueue }, job, {
    code: 'replay_in_progress',
    detail: 'A bulk replay of this organisation is still running',
    activeIdField: 'activeReplayId',
  });
  if (running) return running;
  deps.observability.logger.info('Bulk replay started', { orgId, replayId: job.jobId, provider: input.provider });
  count(deps, METRIC.bulkReplayStarted);
  return json(202, jobView(job));
}

async function readReplay(deps: InboundApiDependencies, orgId: string, event: APIGatewayProxyEventV2) {
  const id = event.pathParameters?.replayId ?? '';
  const job = /^rpl_[0-9a-f]{32}$/.test(id) ? await deps.jobs.get(`ORG#${orgId}`, id) : undefined;
  return job?.kind === INBOUND_REPLAY_JOB_KIND
    ? json(200, jobView(job))
    : problem(404, 'replay_not_found', 'No such replay');
}

/** Members read their organisation's log; admins replay. */
function orgRoutes(deps: InboundApiDependencies): Handle {
  const member = (handle: OrgRoute['handle']): OrgRoute => ({ role: 'member', handle });
  const admin = (handle: OrgRoute['handle']): OrgRoute => ({ role: 'admin', handle });
  return createOrgRouter(
    {
      'GET /v1/orgs/{orgId}/inbound/events': member(({ orgId, event }) => listEvents(deps, { orgId }, event)),
      'GET /v1/orgs/{orgId}/inbound/events/{eventId}': member(({ orgId, event }) => readEvent(deps, { orgId }, event)),
      'POST /v1/orgs/{orgId}/inbound/events/{eventId}/replay': admin(({ orgId, event }) =>
        replayEvent(deps, { orgId }, event),
      ),
      'POST /v1/orgs/{orgId}/inbound/replay': admin(({ orgId, event }) => startBulkReplay(deps, orgId, event)),
      'GET /v1/orgs/{orgId}/inbound/replays/{replayId}': member(({ orgId, event }) => readReplay(deps, orgId, event)),
    },
    deps.observability.logger,
  );
}

/** The operator view of events no organisation could be attributed to (IAM-signed). */
function internalRoutes(deps: InboundApiDependencies): Record<string, Handle> {
  return {
    'GET /internal/inbound/events': (event) => listEvents(deps, UNATTRIBUTED, event),
    'GET /internal/inbound/events/{eventId}': (event) => readEvent(deps, UNATTRIBUTED, event),
    'POST /internal/inbound/events/{eventId}/replay': (event) => replayEvent(deps, UNATTRIBUTED, event),
  };
}

export function createInboundApiHandler(deps: InboundApiDependencies): Handle {
  const forOrgs = orgRoutes(deps);
  const forOperators = internalRoutes(deps);
  return async (event) => {
    const internal = forOperators[event.routeKey];
    if (!internal) return forOrgs(event);
    const caller = (event.requestContext as { authorizer?: { iam?: unknown } }).authorizer?.iam;
    // API Gateway's IAM authorizer runs first; this only guards against a route left without it.
    if (!caller) return problem(403, 'forbidden', 'This route needs an IAM-signed request');
    try {
      return await internal(event);
    } catch (error) {
      return requestFailure(error, event, deps.observability.logger);
    }
  };
}
