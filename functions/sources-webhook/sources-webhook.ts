import { isSourceId } from '../../shared/inbound/connections/connection-input';
import type { ConnectionsStore, InboundSource } from '../../shared/inbound/connections/connections-store';
import { buildInboundSourceMessage } from '../../shared/inbound/connections/inbound-source-message';
import { header } from '../../shared/platform/http/raw-body';
import { createReceiver, type ReceiverDependencies, type Verdict } from '../../shared/inbound/receiver';
import { createSourceVerifier } from '../../shared/inbound/source-keys';
import { rejection } from '../../shared/inbound/verdicts';
import type { SecretCipher, SecretDecipher } from '../../shared/platform/crypto/secret-cipher';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/platform/topology';
import { sourceEventIdOf } from '../../shared/inbound/log/inbound-event';
import type { InboundEntry } from '../../shared/inbound/log/inbound-event';
import type { InboundLogWriter } from '../../shared/inbound/log/inbound-log-items';
import type { InboundLogging, ReceivedEvent } from '../../shared/inbound/log/logged-processing';
import { logSourceReceipt, markSourceQueueFailed, sourceReceipt } from '../../shared/inbound/log/source-receipts';

/**
 * `POST /webhooks/sources/{sourceId}`: events from a tenant's own systems, signed with the source's
 * `whsec_` secret (`x-betterdata-signature`). A verified JSON event is queued on the `inboundSources`
 * queue for other Better Data services (the receiver shell), then recorded for the source's 30-day
 * event listing. An unknown source is a 404 before any secret is touched; a bad signature a 400.
 * Each event is logged in the inbound event log before it is queued: an event id received again is
 * counted there and answered 200 without queueing it twice.
 */

export interface SourcesWebhookDependencies extends ReceiverDependencies {
  readonly connections: Pick<ConnectionsStore, 'getSource' | 'recordSourceEvent'>;
  /** Only `decrypt` is used: the function itself passes the decrypting half over the lean KMS client. */
  readonly cipher: SecretCipher | SecretDecipher;
  readonly sourceEventRetentionDays: number;
  /** The inbound event log: a source event id received again is counted and not queued again. */
  readonly inboundLog: InboundLogging<InboundLogWriter>;
}

const METRIC = METRIC_NAMES.sourcesWebhook;

export function createSourcesWebhookHandler(deps: SourcesWebhookDependencies) {
  const { logger, metrics } = deps.observability;
  const verify = createSourceVerifier(deps.cipher);

  /** Logs the receipt before queueing: its entry, or the verdict for a duplicate or a log that did not answer. */
  async function logReceipt(
    received: ReceivedEvent,
    orgId: string,
    count: (metric: string) => void,
  ): Promise<{ entry: InboundEntry } | { verdict: Verdict }> {
    try {
      const logged = await logSourceReceipt(deps.inboundLog, received, orgId);
      if (logged !== 'duplicate') return { entry: logged };
    } catch (error) {
      return { verdict: verify.unavailable(error) };
    }
    count(METRIC.duplicateReceipt);
    return { verdict: { kind: 'ignore', reason: 'Source event received again: counted, not queued again' } };
  }

  return createReceiver(
    {
      sender: 'the source',
      rejectedLog: 'Source webhook rejected',
      deliverable: 'source events',
      metricNames: METRIC,
      async decide({ event, payload, now, correlationId, tag, count }): Promise<Verdict> {
        const sourceId = event.pathParameters?.sourceId ?? '';
        const notFound = () => (count(METRIC.unknownSource), rejection(404, 'source_not_found', 'No such source'));
        if (!isSourceId(sourceId)) return notFound();
        tag({ sourceId });
        let source: InboundSource | undefined;
        try {
          source = await deps.connections.getSource(sourceId);
        } catch (error) {
          return verify.unavailable(error);
        }
        if (!source) return notFound();
        const { orgId } = source;
        tag({ orgId });
        const nowSeconds = Math.floor(now.getTime() / 1000);
        const refused = await verify(source, header(event.headers, verify.header), payload, nowSeconds);
        if (refused) return refused;
        const receivedAt = now.toISOString();
        // Without a string body `id`: the `webhook-id` header, else a hash of the body, so a resend is recognised.
        const webhookId = { 'webhook-id': header(event.headers, 'webhook-id') };
        const built = buildInboundSourceMessage({ sourceId, orgId, receivedAt }, payload, {
          newEventId: (body) => sourceEventIdOf(body, webhookId),
          maxMessageBytes: SQS_MAX_MESSAGE_BYTES,
        });
        if (!built.ok && built.problem === 'invalid_json')
          return rejection(400, 'invalid_json', 'The signed body is not valid UTF-8 JSON');
        if (!built.ok) return rejection(413, 'payload_too_large', 'The event is too large to queue');
        const { eventId, text } = built;
        tag({ eventId });
        const received = sourceReceipt({
          ...built,
          receivedAt,
          correlationId,
          sourceId,
          headers: event.headers,
          payload,
        });
        const logged = await logReceipt(received, orgId, count);
        if ('verdict' in logged) return logged.verdict;
        const expiresAt = nowSeconds + deps.sourceEventRetentionDays * 86_400;
        const record = async () => {
          try {
            await deps.connections.recordSourceEvent({ id: eventId, sourceId, receivedAt, body: text, expiresAt });
          } catch (error) {
            // The event is durably queued: a listing that misses it is logged and counted, not retried.
            metrics.addMetric(METRIC.recordFailed, 'Count', 1);
            logger.error('Source event queued but not recorded in its listing', { error });
          }
        };
        const markFailed = () =>
          markSourceQueueFailed(deps.inboundLog, logged.entry).catch((error: unknown) =>
            logger.warn('Could not mark the event failed in the inbound log', { error }),
          );
        return {
          kind: 'queue',
          body: built.serialised,
          attributes: { sourceId, orgId },
          afterQueued: record,
          afterQueueFailed: markFailed,
        };
      },
    },
    deps,
  );
}
