import type { QueueSender } from '../../platform/aws/queue';
import type { ConnectionsStore, Provider } from './connections-store';

/**
 * "Unknown shops are kept and matched once connected": the catalog consumer keeps verified events
 * of an account no organisation has connected yet; once one does, they go back on the catalog queue,
 * oldest first, and the consumer applies them to the organisation it now finds.
 *
 * Call it after the connection is written. Each batch is forgotten only once the queue has accepted
 * it, so a failure part-way leaves the rest kept, and connecting again replays them (the consumer
 * deduplicates on the provider's event id should a batch go out twice).
 */

export interface ReplayDependencies {
  readonly store: Pick<ConnectionsStore, 'unmatched' | 'forgetUnmatched'>;
  readonly catalogQueue: Pick<QueueSender, 'sendBatch'>;
}

/** SQS takes at most 10 messages per batch request. */
const REPLAY_BATCH_SIZE = 10;

/** Re-enqueues every kept event of the account; resolves to how many were replayed. */
export async function replayUnmatched(deps: ReplayDependencies, provider: Provider, account: string): Promise<number> {
  const kept = await deps.store.unmatched(provider, account);
  for (let start = 0; start < kept.length; start += REPLAY_BATCH_SIZE) {
    const batch = kept.slice(start, start + REPLAY_BATCH_SIZE);
    await deps.catalogQueue.sendBatch(batch.map((message) => JSON.stringify(message)));
    await Promise.all(batch.map((message) => deps.store.forgetUnmatched(provider, account, message)));
  }
  return kept.length;
}
