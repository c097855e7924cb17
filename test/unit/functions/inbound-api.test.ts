import { describe, expect, it } from 'vitest';
import { createInboundApiHandler } from '../../../functions/inbound-api/inbound-api';
import { afterTry, newEntry, type InboundEntry } from '../../../shared/inbound/log/inbound-event';
import type { ReplayQueues } from '../../../shared/inbound/log/replay';
import type { Job } from '../../../shared/platform/jobs/job';
import type { JobsStore } from '../../../shared/platform/jobs/jobs-store';
import { METRIC_NAMES } from '../../../shared/platform/metric-names';
import { httpEvent } from '../../support/api-gateway';
import { memoryInboundLog } from '../../support/inbound-log';
import { recordingObservability } from '../../support/observability';

/**
 * The inbound API's replay routes count what the dashboard draws: each event queued for replay and
 * each bulk replay started — and nothing for a replay that was refused. The log store is in memory
 * (the real one is integration-tested in test/integration/inbound-log.test.ts).
 */

const NOW = new Date('2026-12-06T12:00:00Z');
const METRIC = METRIC_NAMES.inboundApi;

async function logged(log: ReturnType<typeof memoryInboundLog>, orgId: string | null, providerEventId: string) {
  const entry = newEntry({
    provider: 'stripe',
    providerEventId,
    type: 'invoice.paid',
    receivedAt: NOW.toISOString(),
    receiptId: `req-${providerEventId}`,
    account: 'cus_1',
    orgId,
    headers: {},
    retentionDays: 30,
    now: NOW,
  });
  const result = orgId
    ? ({ status: 'applied', changed: true, orgId, effects: {} } as const)
    : ({ status: 'failed', reason: 'No organisation for cus_1' } as const);
  const stored: InboundEntry = afterTry(entry, result, NOW);
  await log.store.create(stored, Buffer.from(`{"id":"${providerEventId}"}`));
  return stored;
}

function api() {
  const log = memoryInboundLog(() => NOW);
  const sent: { queue: string; body: string }[] = [];
  const queue = (name: string) => ({ send: async (body: string) => (sent.push({ queue: name, body }), 'msg-id') });
  const queues: ReplayQueues = {
    billing: queue('billing'),
    catalog: queue('catalog'),
    inboundSources: queue('sources'),
  };
  const jobs: Job[] = [];
  const jobsStore = { create: async (job: Job) => void jobs.push(job) } as unknown as JobsStore;
  const observability = recordingObservability();
  const handle = createInboundApiHandler({
    store: log.store,
    queues,
    jobs: jobsStore,
    jobsQueue: { ...queue('jobs'), sendBatch: async () => undefined },
    jobRetentionDays: 7,
    now: () => NOW,
    observability,
  });
  return { log, sent, jobs, metrics: observability.metricNames, handle };
}

const replayOne = (orgId: string, eventId: string, role = 'admin') =>
  httpEvent({
    routeKey: 'POST /v1/orgs/{orgId}/inbound/events/{eventId}/replay',
    path: `/v1/orgs/${orgId}/inbound/events/${eventId}/replay`,
    pathParameters: { orgId, eventId },
    claims: { org_id: orgId, role },
  });

describe('Function: inbound API, replays and their metrics', () => {
  it("queues an admin's replay on the event's consumer queue and counts it; refusals count nothing", async () => {
    const { log, sent, metrics, handle } = api();
    const entry = await logged(log, 'org_a', 'evt_1');
    expect((await handle(replayOne('org_a', entry.id, 'member'))).statusCode).toBe(403);
    expect((await handle(replayOne('org_b', entry.id))).statusCode).toBe(404);
    expect(sent).toHaveLength(0);
    expect(metrics).not.toContain(METRIC.replayQueued);

    expect((await handle(replayOne('org_a', entry.id))).statusCode).toBe(202);
    expect(sent.map(({ queue }) => queue)).toEqual(['billing']);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ source: 'stripe', eventId: 'evt_1', replay: true });
    expect(metrics.filter((name) => name === METRIC.replayQueued)).toHaveLength(1);
  });

  it('answers 410 for an event whose body is past retention, without queueing or counting', async () => {
    const { log, sent, metrics, handle } = api();
    const entry = await logged(log, 'org_a', 'evt_gone');
    log.store.body = async () => undefined;
    const answer = await handle(replayOne('org_a', entry.id));
    expect(answer.statusCode).toBe(410);
    expect(JSON.parse(answer.body)).toMatchObject({ type: expect.stringContaining('inbound_event_body_expired') });
    expect(sent).toHaveLength(0);
    expect(metrics).not.toContain(METRIC.replayQueued);
  });

  it('lets operators replay an unattributed event only over IAM, and counts it', async () => {
    const { log, sent, metrics, handle } = api();
    const entry = await logged(log, null, 'evt_orphan');
    const internal = httpEvent({
      routeKey: 'POST /internal/inbound/events/{eventId}/replay',
      path: `/internal/inbound/events/${entry.id}/replay`,
      pathParameters: { eventId: entry.id },
    });
    expect((await handle(internal)).statusCode).toBe(403);
    const signed = { ...internal, requestContext: { ...internal.requestContext, authorizer: { iam: {} } } };
    expect((await handle(signed as typeof internal)).statusCode).toBe(202);
    expect(sent).toHaveLength(1);
    expect(metrics.filter((name) => name === METRIC.replayQueued)).toHaveLength(1);
  });

  it('starts a bulk replay job and counts it', async () => {
    const { jobs, sent, metrics, handle } = api();
    const answer = await handle(
      httpEvent({
        routeKey: 'POST /v1/orgs/{orgId}/inbound/replay',
        path: '/v1/orgs/org_a/inbound/replay',
        pathParameters: { orgId: 'org_a' },
        claims: { org_id: 'org_a', role: 'admin' },
        body: JSON.stringify({ provider: 'stripe', since: '2026-12-06T00:00:00Z', until: '2026-12-06T12:00:00Z' }),
        base64: false,
      }),
    );
    expect(answer.statusCode).toBe(202);
    expect(jobs.map((job) => job.kind)).toEqual(['inbound-replay']);
    expect(sent.map(({ queue }) => queue)).toEqual(['jobs']);
    expect(metrics).toEqual([METRIC.bulkReplayStarted]);
  });
});
