import type { QueueSender } from '../../platform/aws/queue';
import type { QueueName } from '../../platform/topology';
import { parseLosslessJson } from '../../platform/json/lossless';
import type { InboundSourceMessage } from '../connections/inbound-source-message';
import type { QueuedWebhook } from '../queued-webhook';
import type { InboundEntry } from './inbound-event';
import type { InboundLogStore } from './inbound-log-store';

/**
 * A replay puts a logged event back on the queue of the consumer that handles it, as the receiver
 * queued it (the stored raw body, headers and account), marked `replay` so the consumer tries it
 * again instead of counting it as a duplicate. Signed sources' events go back to the services that
 * consume the inbound-sources queue.
 */

export type ReplayQueue = Extract<QueueName, 'billing' | 'catalog' | 'inboundSources'>;
export type ReplayQueues = Readonly<Record<ReplayQueue, Pick<QueueSender, 'send'>>>;

export function replayMessageOf(
  entry: InboundEntry,
  body: Buffer,
  correlationId: string,
): { queue: ReplayQueue; message: string } {
  const rawBodyBase64 = body.toString('base64');
  if (entry.provider === 'sources') {
    const message: InboundSourceMessage = {
      sourceId: entry.account ?? '',
      orgId: entry.orgId ?? '',
      eventId: entry.providerEventId,
      receivedAt: entry.receivedAt,
      rawBodyBase64,
      json: parseLosslessJson(body.toString('utf8')) as InboundSourceMessage['json'],
    };
    return { queue: 'inboundSources', message: JSON.stringify(message) };
  }
  const message: QueuedWebhook = {
    source: entry.provider,
    eventId: entry.headers['x-shopify-webhook-id'] ?? entry.providerEventId,
    eventType: entry.type,
    receivedAt: entry.receivedAt,
    correlationId,
    rawBodyBase64,
    ...(entry.account !== null && entry.provider !== 'stripe' && { account: entry.account }),
    ...(Object.keys(entry.headers).length > 0 && { headers: { ...entry.headers } }),
    replay: true,
  };
  return { queue: entry.provider === 'stripe' ? 'billing' : 'catalog', message: JSON.stringify(message) };
}

/** Queues one logged event for replay; false when its body is gone (past retention). */
export async function replayEntry(
  deps: { readonly store: Pick<InboundLogStore, 'body'>; readonly queues: ReplayQueues },
  entry: InboundEntry,
  correlationId: string,
): Promise<boolean> {
  const body = await deps.store.body(entry.id);
  if (!body) return false;
  const { queue, message } = replayMessageOf(entry, body, correlationId);
  await deps.queues[queue].send(message);
  return true;
}
