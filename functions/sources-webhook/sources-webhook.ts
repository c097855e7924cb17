import { isSourceId } from '../../shared/inbound/connections/connection-input';
import type { ConnectionsStore, InboundSource } from '../../shared/inbound/connections/connections-store';
import {
  buildInboundSourceMessage,
  type BuiltSourceMessage,
} from '../../shared/inbound/connections/inbound-source-message';
import { header } from '../../shared/platform/http/raw-body';
import {
  createReceiver,
  type ReceivedWebhook,
  type ReceiverDependencies,
  type Verdict,
} from '../../shared/inbound/receiver';
import { createSourceVerifier } from '../../shared/inbound/source-keys';
import { rejection } from '../../shared/inbound/verdicts';
import type { SecretCipher, SecretDecipher } from '../../shared/platform/crypto/secret-cipher';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/platform/topology';
import { sourceEventIdOf } from '../../shared/inbound/log/inbound-event';
import type { InboundEntry } from '../../shared/inbound/log/inbound-event';
import type { InboundLogWriter } from '../../shared/inbound/log/inbound-log-items';
import type { InboundLogging } from '../../shared/inbound/log/logged-processing';
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

type QueuedSourceMessage = Extract<BuiltSourceMessage, { ok: true }>;

type SourceVerifier = ReturnType<typeof createSourceVerifier>;

/** What the steps of one request share. */
interface RequestContext {
  readonly deps: SourcesWebhookDependencies;
  readonly verify: SourceVerifier;
  readonly received: ReceivedWebhook;
}

/** The path's source, or the verdict: 404 for an unknown one (before any secret is touched), 500 if unreadable. */
async function sourceOf({ deps, verify, received }: RequestContext): Promise<InboundSource | Verdict> {
  const sourceId = received.event.pathParameters?.sourceId ?? '';
  const notFound = () => (received.count(METRIC.unknownSource), rejection(404, 'source_not_found', 'No such source'));
  if (!isSourceId(sourceId)) return notFound();
  received.tag({ sourceId });
  let source: InboundSource | undefined;
  try {
    source = await deps.connections.getSource(sourceId);
  } catch (error) {
    return verify.unavailable(error);
  }
  if (!source) return notFound();
  received.tag({ orgId: source.orgId });
  return source;
}

/** The queue message of a verified body, or the 400/413 when there is none. */
function messageOf({ received }: RequestContext, source: InboundSource): QueuedSourceMessage | Verdict {
  const { sourceId, orgId } = source;
  // Without a string body `id`: the `webhook-id` header, else a hash of the body, so a resend is recognised.
  const webhookId = { 'webhook-id': header(received.event.headers, 'webhook-id') };
  const built = buildInboundSourceMessage(
    { sourceId, orgId, receivedAt: received.now.toISOString() },
    received.payload,
    {
      newEventId: (body) => sourceEventIdOf(body, webhookId),
      maxMessageBytes: SQS_MAX_MESSAGE_BYTES,
    },
  );
  if (!built.ok && built.problem === 'invalid_json')
    return rejection(400, 'invalid_json', 'The signed body is not valid UTF-8 JSON');
  if (!built.ok) return rejection(413, 'payload_too_large', 'The event is too large to queue');
  received.tag({ eventId: built.eventId });
  return built;
}

/** Logs the receipt before queueing: its entry, or the verdict for a duplicate or a log that did not answer. */
async function logReceipt(
  { deps, verify, received }: RequestContext,
  source: InboundSource,
  built: QueuedSourceMessage,
): Promise<{ entry: InboundEntry } | { verdict: Verdict }> {
  const receipt = sourceReceipt({
    ...built,
    receivedAt: received.now.toISOString(),
    correlationId: received.correlationId,
    sourceId: source.sourceId,
    headers: received.event.headers,
    payload: received.payload,
  });
  try {
    const logged = await logSourceReceipt(deps.inboundLog, receipt, source.orgId);
    if (logged !== 'duplicate') return { entry: logged };
  } catch (error) {
    return { verdict: verify.unavailable(error) };
  }
  received.count(METRIC.duplicateReceipt);
  return { verdict: { kind: 'ignore', reason: 'Source event received again: counted, not queued again' } };
}

/** Queue it; then record it in the source's listing, or mark its log entry failed if the queue refused it. */
function queueVerdict(
  { deps, received }: RequestContext,
  source: InboundSource,
  built: QueuedSourceMessage,
  entry: InboundEntry,
): Verdict {
  const { logger, metrics } = deps.observability;
  const { sourceId, orgId } = source;
  const receivedAt = received.now.toISOString();
  const expiresAt = Math.floor(received.now.getTime() / 1000) + deps.sourceEventRetentionDays * 86_400;
  const record = async () => {
    try {
      await deps.connections.recordSourceEvent({
        id: built.eventId,
        sourceId,
        receivedAt,
        body: built.text,
        expiresAt,
      });
    } catch (error) {
      // The event is durably queued: a listing that misses it is logged and counted, not retried.
      metrics.addMetric(METRIC.recordFailed, 'Count', 1);
      logger.error('Source event queued but not recorded in its listing', { error });
    }
  };
  const markFailed = () =>
    markSourceQueueFailed(deps.inboundLog, entry).catch((error: unknown) =>
      logger.warn('Could not mark the event failed in the inbound log', { error }),
    );
  return {
    kind: 'queue',
    body: built.serialised,
    attributes: { sourceId, orgId },
    afterQueued: record,
    afterQueueFailed: markFailed,
  };
}

export function createSourcesWebhookHandler(deps: SourcesWebhookDependencies) {
  const verify = createSourceVerifier(deps.cipher);
  return createReceiver(
    {
      sender: 'the source',
      rejectedLog: 'Source webhook rejected',
      deliverable: 'source events',
      metricNames: METRIC,
      async decide(received): Promise<Verdict> {
        const context = { deps, verify, received };
        const source = await sourceOf(context);
        if ('kind' in source) return source;
        const nowSeconds = Math.floor(received.now.getTime() / 1000);
        const signature = header(received.event.headers, verify.header);
        const refused = await verify(source, signature, received.payload, nowSeconds);
        if (refused) return refused;
        const built = messageOf(context, source);
        if ('kind' in built) return built;
        const logged = await logReceipt(context, source, built);
        if ('verdict' in logged) return logged.verdict;
        return queueVerdict(context, source, built, logged.entry);
      },
    },
    deps,
  );
}
