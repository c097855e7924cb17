import { randomUUID } from 'node:crypto';
import { isSourceId } from '../../shared/inbound/connections/connection-input';
import type { ConnectionsStore, InboundSource } from '../../shared/inbound/connections/connections-store';
import type { InboundSourceMessage } from '../../shared/inbound/connections/inbound-source-message';
import { header } from '../../shared/inbound/raw-body';
import { createReceiver, type ReceiverDependencies, type Verdict } from '../../shared/inbound/receiver';
import { createSourceKeyCache } from '../../shared/inbound/source-keys';
import { rejection } from '../../shared/inbound/verdicts';
import {
  BETTERDATA_SIGNATURE_HEADER,
  verifyBetterdataSignature,
} from '../../shared/platform/crypto/betterdata-signature';
import type { SecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { SignatureVerificationError } from '../../shared/platform/errors';
import { parseLosslessJson } from '../../shared/platform/json/lossless';
import { isRecord } from '../../shared/platform/json/shape';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/platform/topology';

/**
 * `POST /webhooks/sources/{sourceId}`: events from a tenant's own systems, signed with the source's
 * `whsec_` secret as `x-betterdata-signature: t=<unix>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>`. A
 * verified JSON event is queued on the `inboundSources` queue for other Better Data services (the
 * receiver shell), then recorded for the source's 30-day event listing. An unknown source is a 404
 * before any secret is touched; a known one with a bad signature is a 400.
 */

export interface SourcesWebhookDependencies extends ReceiverDependencies {
  readonly connections: Pick<ConnectionsStore, 'getSource' | 'recordSourceEvent'>;
  readonly cipher: SecretCipher;
  readonly sourceEventRetentionDays: number;
  /** Event ids for bodies without a string `id`; random UUIDs by default. */
  readonly newEventId?: () => string;
}

const METRIC = METRIC_NAMES.sourcesWebhook;
const MAX_EVENT_ID_LENGTH = 256;
/** Room left in an SQS message for the message attributes. */
const ATTRIBUTE_ALLOWANCE_BYTES = 1_024;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const UNAVAILABLE = {
  kind: 'unavailable',
  message: 'The signature could not be checked right now; retry later',
  log: 'Source or its secrets could not be read; answering 500 so the sender retries',
} as const;

function eventIdOf(body: unknown, newEventId: () => string): string {
  const id = isRecord(body) ? body.id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_EVENT_ID_LENGTH ? id : newEventId();
}

export function createSourcesWebhookHandler(deps: SourcesWebhookDependencies) {
  const { logger, metrics } = deps.observability;
  const newEventId = deps.newEventId ?? randomUUID;
  const keysOf = createSourceKeyCache(deps.cipher);

  async function verify(
    source: InboundSource,
    headers: Parameters<typeof header>[0],
    payload: Buffer,
    nowSeconds: number,
  ): Promise<Verdict | undefined> {
    const { keys, undecryptable } = await keysOf(source);
    try {
      verifyBetterdataSignature({
        header: header(headers, BETTERDATA_SIGNATURE_HEADER),
        body: payload,
        keys,
        nowSeconds,
      });
      return undefined;
    } catch (error) {
      if (!(error instanceof SignatureVerificationError)) throw error;
      // The secret that did not decrypt might have been the one that signs: not the sender's fault.
      if (error.reason === 'no_matching_signature' && undecryptable) return { ...UNAVAILABLE, cause: undecryptable };
      return rejection(400, error.reason, error.message);
    }
  }

  return createReceiver(
    {
      sender: 'the source',
      rejectedLog: 'Source webhook rejected',
      deliverable: 'source events',
      metricNames: METRIC,
      async decide({ event, payload, now, tag, count }): Promise<Verdict> {
        const sourceId = event.pathParameters?.sourceId ?? '';
        const notFound = () => (count(METRIC.unknownSource), rejection(404, 'source_not_found', 'No such source'));
        if (!isSourceId(sourceId)) return notFound();
        tag({ sourceId });
        let source: InboundSource | undefined;
        try {
          source = await deps.connections.getSource(sourceId);
        } catch (error) {
          return { ...UNAVAILABLE, cause: error };
        }
        if (!source) return notFound();
        const { orgId } = source;
        tag({ orgId });
        const refused = await verify(source, event.headers, payload, Math.floor(now.getTime() / 1000));
        if (refused) return refused;
        let text: string;
        let body: unknown;
        try {
          text = utf8.decode(payload);
          // Integers beyond 2^53 − 1 stay exact (as digit strings) in the queued `json`.
          body = parseLosslessJson(text);
        } catch {
          return rejection(400, 'invalid_json', 'The signed body is not valid UTF-8 JSON');
        }
        const eventId = eventIdOf(body, newEventId);
        tag({ eventId });
        const receivedAt = now.toISOString();
        const message: InboundSourceMessage = {
          sourceId,
          orgId,
          eventId,
          receivedAt,
          rawBodyBase64: payload.toString('base64'),
          json: body as InboundSourceMessage['json'],
        };
        const serialised = JSON.stringify(message);
        // Re-serialising can grow a body (`1e20` becomes 21 digits): refuse what SQS would refuse.
        if (Buffer.byteLength(serialised) > SQS_MAX_MESSAGE_BYTES - ATTRIBUTE_ALLOWANCE_BYTES)
          return rejection(413, 'payload_too_large', 'The event is too large to queue');
        const expiresAt = Math.floor(now.getTime() / 1000) + deps.sourceEventRetentionDays * 86_400;
        const record = async () => {
          try {
            await deps.connections.recordSourceEvent({ id: eventId, sourceId, receivedAt, body: text, expiresAt });
          } catch (error) {
            // The event is durably queued: a listing that misses it is logged and counted, not retried.
            metrics.addMetric(METRIC.recordFailed, 'Count', 1);
            logger.error('Source event queued but not recorded in its listing', { error });
          }
        };
        return { kind: 'queue', body: serialised, attributes: { sourceId, orgId }, afterQueued: record };
      },
    },
    deps,
  );
}
