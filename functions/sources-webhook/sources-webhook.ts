import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { QueueSender } from '../../shared/platform/aws/queue';
import { isSourceId } from '../../shared/inbound/connections/connection-input';
import type { ConnectionsStore, InboundSource } from '../../shared/inbound/connections/connections-store';
import type { InboundSourceMessage } from '../../shared/inbound/connections/inbound-source-message';
import { sourceSecretContext } from '../../shared/inbound/connections/source-secret';
import type { SecretCipher } from '../../shared/platform/crypto/secret-cipher';
import { PayloadTooLargeError, SignatureVerificationError } from '../../shared/platform/errors';
import { header, rawBody } from '../../shared/inbound/raw-body';
import { errorResponse, json, type HttpResult } from '../../shared/platform/http/responses';
import { parseLosslessJson } from '../../shared/platform/json/lossless';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { flushingObservability, queueVerifiedWebhook } from '../../shared/inbound/receiver';
import {
  BETTERDATA_SIGNATURE_HEADER,
  verifyBetterdataSignature,
} from '../../shared/platform/crypto/betterdata-signature';
import { parseSigningSecret } from '../../shared/platform/crypto/standard-webhooks';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/platform/topology';
import { sourceEventIdOf } from '../../shared/inbound/log/inbound-event';
import type { InboundLogging, ReceivedEvent } from '../../shared/inbound/log/logged-processing';
import { logSourceReceipt, markSourceQueueFailed, sourceReceipt } from '../../shared/inbound/log/source-receipts';

/**
 * `POST /webhooks/sources/{sourceId}`: events from a tenant's own systems, signed with the source's
 * `whsec_` secret as `x-betterdata-signature: t=<unix>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>`
 * (the decoded secret bytes as key, 300 s tolerance). A verified JSON event is queued on the
 * `inboundSources` queue for other Better Data services, then recorded for the source's 30-day
 * event listing, and answered 200 `{received:true}`.
 *
 * An unknown source is a 404 before any secret is touched; a known one with a bad signature is a 400.
 * Nothing about the secrets is revealed by either answer.
 */

export interface SourcesWebhookDependencies {
  readonly connections: Pick<ConnectionsStore, 'getSource' | 'recordSourceEvent'>;
  readonly cipher: SecretCipher;
  readonly queue: QueueSender;
  readonly maxBodyBytes: number;
  readonly sourceEventRetentionDays: number;
  readonly now: () => Date;
  readonly observability: Observability;
  /** The inbound event log: a source event id received again is counted and not queued again. */
  readonly inboundLog: InboundLogging;
}

/** The verification could not be completed (a stored secret did not decrypt): the sender should retry. */
class SecretsUnavailableError extends Error {
  override readonly name = 'SecretsUnavailableError';
}

const RECEIVED = { received: true } as const;
const METRIC = METRIC_NAMES.sourcesWebhook;
/** Decrypted keys kept per warm function, by ciphertext (a rotated secret has a new ciphertext). */
const MAX_CACHED_KEYS = 1_000;
/** Room left in an SQS message for the message attributes. */
const ATTRIBUTE_ALLOWANCE_BYTES = 1_024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function createSourcesWebhookHandler(deps: SourcesWebhookDependencies) {
  const { logger, metrics } = deps.observability;
  const keyCache = new Map<string, Uint8Array>();

  function reject(
    statusCode: number,
    error: string,
    message: string,
    extraHeaders?: Record<string, string>,
  ): HttpResult {
    metrics.addMetric(METRIC.rejected, MetricUnit.Count, 1);
    logger.warn('Source webhook rejected', { statusCode, error, reason: message });
    return errorResponse(statusCode, error, message, extraHeaders);
  }

  async function keyOf(source: InboundSource, ciphertext: string): Promise<Uint8Array> {
    const cacheKey = `${source.orgId}\n${source.sourceId}\n${ciphertext}`;
    const cached = keyCache.get(cacheKey);
    if (cached) return cached;
    let key: Uint8Array;
    try {
      key = parseSigningSecret(
        await deps.cipher.decrypt(ciphertext, sourceSecretContext(source.orgId, source.sourceId)),
      );
    } catch (error) {
      throw new SecretsUnavailableError(`A secret of source ${source.sourceId} could not be decrypted`, {
        cause: error,
      });
    }
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(cacheKey, key);
    return key;
  }

  function unavailable(error: unknown): HttpResult {
    logger.error('Source or its secrets could not be read; answering 500 so the sender retries', { error });
    return errorResponse(500, 'verification_unavailable', 'The signature could not be checked right now; retry later');
  }

  /** Logs the receipt, then queues it unless the log already has its event id (then only counted, 200). */
  async function queueOnce(received: ReceivedEvent, orgId: string, serialised: string): Promise<'queued' | HttpResult> {
    let logged: Awaited<ReturnType<typeof logSourceReceipt>>;
    try {
      logged = await logSourceReceipt(deps.inboundLog, received, orgId);
    } catch (error) {
      return unavailable(error);
    }
    if (logged === 'duplicate') {
      metrics.addMetric(METRIC.duplicateReceipt, MetricUnit.Count, 1);
      logger.info('Source event received again: counted, not queued again');
      return json(200, RECEIVED);
    }
    const queued = await queueVerifiedWebhook({
      queue: deps.queue,
      body: serialised,
      attributes: { sourceId: received.account ?? '', orgId },
      sender: 'the source',
      metricNames: METRIC,
      observability: deps.observability,
    });
    if (queued !== 'queued')
      await markSourceQueueFailed(deps.inboundLog, logged).catch((error: unknown) =>
        logger.warn('Could not mark the event failed in the inbound log', { error }),
      );
    return queued;
  }

  async function handle(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const correlationId = event.requestContext.requestId;
    logger.appendKeys({ correlationId });
    if (event.requestContext.http.method !== 'POST') {
      return reject(405, 'method_not_allowed', 'Use POST to deliver source events', { allow: 'POST' });
    }
    metrics.addMetric(METRIC.received, MetricUnit.Count, 1);
    const sourceId = event.pathParameters?.sourceId ?? '';
    const notFound = () => {
      metrics.addMetric(METRIC.unknownSource, MetricUnit.Count, 1);
      return reject(404, 'source_not_found', 'No such source');
    };
    if (!isSourceId(sourceId)) return notFound();
    logger.appendKeys({ sourceId });
    const payload = rawBody(event);
    if (payload.length > deps.maxBodyBytes) {
      return reject(413, 'payload_too_large', new PayloadTooLargeError(payload.length, deps.maxBodyBytes).message);
    }
    const now = deps.now();

    let source: InboundSource | undefined;
    try {
      source = await deps.connections.getSource(sourceId);
    } catch (error) {
      return unavailable(error);
    }
    if (!source) return notFound();
    const known = source;
    const { orgId } = known;
    logger.appendKeys({ orgId });
    const decrypted = await Promise.allSettled(known.secrets.map((ciphertext) => keyOf(known, ciphertext)));
    const keys = decrypted.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const undecryptable = decrypted.find((outcome) => outcome.status === 'rejected');
    try {
      verifyBetterdataSignature({
        header: header(event.headers, BETTERDATA_SIGNATURE_HEADER),
        body: payload,
        keys,
        nowSeconds: Math.floor(now.getTime() / 1000),
      });
    } catch (error) {
      if (!(error instanceof SignatureVerificationError)) throw error;
      // The secret that did not decrypt might have been the one that signs: not the sender's fault.
      if (error.reason === 'no_matching_signature' && undecryptable) return unavailable(undecryptable.reason);
      return reject(400, error.reason, error.message);
    }

    let text: string;
    let body: unknown;
    try {
      text = utf8.decode(payload);
      // Integers beyond 2^53 − 1 stay exact (as digit strings) in the queued `json`.
      body = parseLosslessJson(text);
    } catch {
      return reject(400, 'invalid_json', 'The signed body is not valid UTF-8 JSON');
    }
    // The body's id, else the `webhook-id` header, else a hash of the body: a resend is recognised.
    const eventId = sourceEventIdOf(body, { 'webhook-id': header(event.headers, 'webhook-id') });
    logger.appendKeys({ eventId });
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
    if (Buffer.byteLength(serialised) > SQS_MAX_MESSAGE_BYTES - ATTRIBUTE_ALLOWANCE_BYTES) {
      return reject(413, 'payload_too_large', 'The event is too large to queue');
    }
    const received = sourceReceipt({
      eventId,
      body,
      receivedAt,
      correlationId,
      sourceId,
      headers: event.headers,
      payload,
    });
    const queued = await queueOnce(received, orgId, serialised);
    if (queued !== 'queued') return queued;

    // The event is durably queued: a listing that misses it is logged and counted, not retried.
    const expiresAt = Math.floor(now.getTime() / 1000) + deps.sourceEventRetentionDays * 86_400;
    try {
      await deps.connections.recordSourceEvent({ id: eventId, sourceId, receivedAt, body: text, expiresAt });
    } catch (error) {
      metrics.addMetric(METRIC.recordFailed, MetricUnit.Count, 1);
      logger.error('Source event queued but not recorded in its listing', { error });
    }
    return json(200, RECEIVED);
  }

  return flushingObservability(deps.observability, handle);
}
