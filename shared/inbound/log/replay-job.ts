import type { JobStep } from '../../platform/jobs/job-runner';
import type { JsonValue } from '../../platform/jobs/job';
import { INBOUND_PROVIDERS, INBOUND_STATUSES, type InboundProvider, type InboundStatus } from './inbound-event';
import type { InboundLogStore } from './inbound-log-store';
import { replayEntry, type ReplayQueues } from './replay';

/**
 * The bulk replay job (`POST …/inbound/replay`): one page of an organisation's logged events per
 * step, each matching event put back on its consumer's queue. Replays are idempotent in the
 * consumers, so a page re-run after a crash only replays its events again.
 */

export const INBOUND_REPLAY_JOB_KIND = 'inbound-replay';
const PAGE_SIZE = 25;

export interface ReplayJobParams {
  readonly orgId: string;
  readonly provider: InboundProvider;
  readonly since: string;
  readonly until: string;
  readonly types?: readonly string[];
  readonly status?: InboundStatus;
}

export function replayJobParams(params: Readonly<Record<string, JsonValue>>): ReplayJobParams {
  const { orgId, provider, since, until, types, status } = params;
  if (typeof orgId !== 'string' || typeof since !== 'string' || typeof until !== 'string')
    throw new TypeError('An inbound replay job needs orgId, since and until');
  if (!INBOUND_PROVIDERS.includes(provider as InboundProvider)) throw new TypeError('Unknown provider');
  return {
    orgId,
    provider: provider as InboundProvider,
    since,
    until,
    ...(Array.isArray(types) && { types: types.filter((type): type is string => typeof type === 'string') }),
    ...(INBOUND_STATUSES.includes(status as InboundStatus) && { status: status as InboundStatus }),
  };
}

export function inboundReplayStep(deps: { store: InboundLogStore; queues: ReplayQueues }): JobStep {
  return async (job) => {
    const params = replayJobParams(job.params);
    const cursor = typeof job.checkpoint === 'string' ? job.checkpoint : undefined;
    const page = await deps.store.list(
      { orgId: params.orgId },
      { ...params, limit: PAGE_SIZE, ...(cursor !== undefined && { cursor }) },
    );
    let queued = 0;
    for (const entry of page.items) {
      if (await replayEntry(deps, entry, `${job.jobId}:${entry.id}`)) queued += 1;
    }
    return {
      checkpoint: page.nextCursor,
      progress: {
        queued: (job.progress.queued ?? 0) + queued,
        scanned: (job.progress.scanned ?? 0) + page.items.length,
      },
      done: page.nextCursor === null,
    };
  };
}
