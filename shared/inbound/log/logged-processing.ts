import { afterTry, inboundEventId, newEntry, type InboundProvider, type TryResult } from './inbound-event';
import type { InboundLogWriter } from './inbound-log-items';
import type { InboundLogStore } from './inbound-log-store';

/**
 * Runs one inbound event through its consumer with the log around it: the first receipt of a
 * provider event id is processed and recorded with its outcome; a later receipt of the same id
 * (another delivery, even with a different body) only counts; a redelivery of the same receipt by
 * SQS, or a replay, is tried again and its outcome replaces the last one. A failed try is recorded
 * as `failed` at once (with the reason) and rethrown, so SQS still retries it.
 */

/** `Store`: what the holder may do with the log; writing is all a receiver or consumer needs. */
export interface InboundLogging<Store extends InboundLogWriter = InboundLogStore> {
  readonly store: Store;
  readonly retentionDays: number;
  readonly now: () => Date;
}

export interface ReceivedEvent {
  readonly provider: InboundProvider;
  readonly providerEventId: string;
  readonly type: string;
  readonly receivedAt: string;
  /** The receipt's correlation id (API Gateway request id): the same across SQS redeliveries. */
  readonly receiptId: string;
  readonly account: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Put back on the queue from the log: tried again although the log already has it. */
  readonly replay: boolean;
}

export type Processed = Exclude<TryResult, { status: 'failed' }>;

/** What a consumer learns from a failure: its reason, and the organisation where it is known. */
export type FailureOf = (error: unknown) => { readonly reason: string; readonly orgId?: string | null };

export const failureReason: FailureOf = (error) => ({ reason: error instanceof Error ? error.message : String(error) });

export async function processLogged(
  logging: InboundLogging<InboundLogWriter>,
  event: ReceivedEvent,
  run: () => Promise<Processed>,
  failureOf: FailureOf = failureReason,
): Promise<'processed' | 'duplicate'> {
  const id = inboundEventId(event.provider, event.providerEventId);
  const existing = await logging.store.get(id);
  if (existing && !event.replay && existing.receiptId !== event.receiptId) {
    await logging.store.countReceipt(id);
    return 'duplicate';
  }
  let result: TryResult;
  let failure: unknown;
  try {
    result = await run();
  } catch (error) {
    failure = error;
    result = { status: 'failed', ...failureOf(error) };
  }
  const now = logging.now();
  if (existing) await logging.store.saveTry(afterTry(existing, result, now));
  else {
    const first = afterTry(newEntry({ ...event, orgId: null, retentionDays: logging.retentionDays, now }), result, now);
    // Another receipt of the same event was recorded while this one ran: this one counts as its duplicate.
    if ((await logging.store.create(first, event.body)) === 'exists') await logging.store.countReceipt(id);
  }
  if (failure !== undefined) throw failure;
  return 'processed';
}
