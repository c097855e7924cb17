import type { QueueSender } from '../platform/aws/queue';
import type { DeliveryTask } from './delivery-task';
import { DUE_SHARDS, type DueDelivery, type MessagesStore } from './messages-store';

/**
 * The sweeper's rules. A pending delivery is listed in the `byDue` index under the time its next
 * attempt is due; a delivery still listed well after that time was stranded: its task was lost between
 * queue and worker (overdue by more than OVERDUE_AFTER_MS), or its attempt has been `in_progress`
 * longer than the stale window (the worker crashed mid-attempt). Either way it is re-queued once: the
 * due time moves forward with a conditional update, so of two sweeps only one re-queues it, and it is
 * looked at again only if it is still stranded a whole window later. The re-queued task is attempt
 * N+1 of the scheduled series, so the attempt claim keeps it from posting twice if the original turns up.
 */

export const OVERDUE_AFTER_MS = 15 * 60_000;
/** Deliveries one shard's query reads per sweep, oldest due first. */
export const SWEEP_PAGE = 100;

export type SweepVerdict = 'overdue' | 'stale_attempt' | 'wait';

/** Pure: what to do with a delivery found in the index, from its due time and its next attempt's claim. */
export function sweepVerdict(input: {
  readonly dueAt: string;
  readonly claim: { readonly state: 'in_progress' | 'completed'; readonly at: string } | undefined;
  readonly now: Date;
  readonly staleAfterMs: number;
}): SweepVerdict {
  const { claim, now } = input;
  if (claim?.state === 'in_progress' && now.getTime() - Date.parse(claim.at) > input.staleAfterMs)
    return 'stale_attempt';
  if (claim?.state === 'in_progress') return 'wait';
  return now.getTime() - Date.parse(input.dueAt) > OVERDUE_AFTER_MS ? 'overdue' : 'wait';
}

export interface SweepDependencies {
  readonly messages: Pick<MessagesStore, 'overdue' | 'bumpDue' | 'getAttempt'>;
  readonly deliveryQueue: QueueSender;
  readonly now: () => Date;
  /** An in-progress attempt older than this is a crashed one (the claim's takeover rule: 4 × the timeout). */
  readonly staleAfterMs: number;
}

export interface SweepResult {
  readonly overdue: number;
  readonly staleAttempts: number;
}

export async function sweep(deps: SweepDependencies): Promise<SweepResult> {
  const now = deps.now();
  // Stale attempts surface after the stale window, lost tasks after OVERDUE_AFTER_MS: read from the earlier.
  const before = new Date(now.getTime() - Math.min(deps.staleAfterMs, OVERDUE_AFTER_MS)).toISOString();
  const shards = Array.from({ length: DUE_SHARDS }, (_, shard) => shard);
  const verdicts = await Promise.all(
    shards.map(async (shard) => {
      const found = await deps.messages.overdue(shard, before, SWEEP_PAGE);
      return Promise.all(found.map((delivery) => sweepOne(delivery, deps, now)));
    }),
  );
  const all = verdicts.flat();
  return {
    overdue: all.filter((verdict) => verdict === 'overdue').length,
    staleAttempts: all.filter((verdict) => verdict === 'stale_attempt').length,
  };
}

async function sweepOne(delivery: DueDelivery, deps: SweepDependencies, now: Date): Promise<SweepVerdict> {
  const attempt = delivery.attempts + 1;
  const claim = await deps.messages.getAttempt(delivery.messageId, delivery.endpointId, attempt);
  const verdict = sweepVerdict({ dueAt: delivery.dueAt, claim, now, staleAfterMs: deps.staleAfterMs });
  if (verdict === 'wait') return verdict;
  if (!(await deps.messages.bumpDue(delivery, now.toISOString()))) return 'wait';
  const task: DeliveryTask = {
    messageId: delivery.messageId,
    orgId: delivery.orgId,
    ...(delivery.merchantId !== undefined && { merchantId: delivery.merchantId }),
    endpointId: delivery.endpointId,
    attempt,
    trigger: 'scheduled',
    correlationId: `sweep:${delivery.messageId}:${attempt}`,
  };
  await deps.deliveryQueue.send(JSON.stringify(task));
  return verdict;
}
