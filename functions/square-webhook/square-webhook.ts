import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import type { QueueSender } from '../../shared/platform/aws/queue';
import { SQUARE_MERCHANT_ID_PATTERN } from '../../shared/inbound/connections/connection-input';
import type { ConnectionsStore, ProviderConnection } from '../../shared/inbound/connections/connections-store';
import { PayloadTooLargeError, SignatureVerificationError } from '../../shared/platform/errors';
import { header, rawBody } from '../../shared/inbound/raw-body';
import { errorResponse, json, type HttpResult } from '../../shared/platform/http/responses';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { flushingObservability, parseSignedEnvelope, queueVerifiedWebhook } from '../../shared/inbound/receiver';
import type { QueuedWebhook } from '../../shared/inbound/queued-webhook';
import type { SecretList } from '../../shared/platform/secrets';
import { SQUARE_SIGNATURE_HEADER, verifySquareSignature } from '../../shared/inbound/signatures/square';

/**
 * `POST /api/webhooks/square`: verify over the exact bytes, validate the envelope, queue on the
 * catalog queue, and only then answer 2xx. Square wants an answer within 10 s, so nothing else
 * happens here: the catalog consumer applies the event, and keeps events of merchants no organisation
 * has connected yet.
 *
 * Square signs `notificationUrl + body`. The URL tried first is the configured one
 * (SQUARE_NOTIFICATION_URL); when it does not match, the connection of the body's `merchant_id` (read
 * from the still unverified body only to choose the URL) may name the URL that merchant registered.
 * Then, as for Stripe, the key is re-read once in case it was rotated.
 */

export const SQUARE_HANDLED_EVENT_TYPES = [
  'inventory.count.updated',
  'catalog.version.updated',
  // Issue 10: the seller revoked the application's access.
  'oauth.authorization.revoked',
] as const;
export type SquareHandledEventType = (typeof SQUARE_HANDLED_EVENT_TYPES)[number];

export function isSquareHandledEventType(type: string): type is SquareHandledEventType {
  return (SQUARE_HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

/** What the ingest needs of Square's envelope (`merchant_id`, `type`, `event_id`, `created_at`, `data`). */
export const squareEventEnvelopeSchema = z.looseObject({
  merchant_id: z.string().regex(SQUARE_MERCHANT_ID_PATTERN),
  type: z.string().min(1).max(256),
  event_id: z.string().min(1).max(256),
});

export interface SquareWebhookDependencies {
  /** Signature keys of the Square webhook subscription (several while one is being rotated). */
  readonly keys: SecretList;
  /** The notification URL registered with Square, byte for byte; undefined if none is configured. */
  readonly notificationUrl: string | undefined;
  readonly connections: Pick<ConnectionsStore, 'connectionOf'>;
  readonly queue: QueueSender;
  readonly maxBodyBytes: number;
  readonly now: () => Date;
  readonly observability: Observability;
}

interface Verified {
  /** Whether the merchant's connection was read (it is only when the configured URL did not match). */
  readonly lookedUp: boolean;
  readonly connection: ProviderConnection | undefined;
}

/** The verification could not be completed (the connections table did not answer): Square should retry. */
class VerificationUnavailableError extends Error {
  override readonly name = 'VerificationUnavailableError';
}

const RECEIVED = { received: true } as const;
const METRIC = METRIC_NAMES.squareWebhook;

/** The unverified body's `merchant_id`, used only to choose which notification URL to verify against. */
function peekMerchantId(payload: Buffer): string | undefined {
  try {
    const body: unknown = JSON.parse(payload.toString('utf8'));
    const merchantId =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).merchant_id : undefined;
    return typeof merchantId === 'string' && SQUARE_MERCHANT_ID_PATTERN.test(merchantId) ? merchantId : undefined;
  } catch {
    return undefined;
  }
}

export function createSquareWebhookHandler(deps: SquareWebhookDependencies) {
  const { logger, metrics } = deps.observability;

  function reject(
    statusCode: number,
    error: string,
    message: string,
    extraHeaders?: Record<string, string>,
  ): HttpResult {
    metrics.addMetric(METRIC.rejected, MetricUnit.Count, 1);
    logger.warn('Square webhook rejected', { statusCode, error, reason: message });
    return errorResponse(statusCode, error, message, extraHeaders);
  }

  /** True when the header matches one key for one URL; false on a mismatch; throws when the header is missing or malformed. */
  function matches(
    payload: Buffer,
    signature: string | undefined,
    keys: readonly string[],
    notificationUrls: readonly string[],
  ): boolean {
    try {
      verifySquareSignature({ payload, header: signature, keys, notificationUrls });
      return true;
    } catch (error) {
      if (error instanceof SignatureVerificationError && error.reason === 'no_matching_signature') return false;
      throw error;
    }
  }

  async function verify(payload: Buffer, signature: string | undefined): Promise<Verified> {
    const urls: string[] = deps.notificationUrl === undefined ? [] : [deps.notificationUrl];
    let keys = await deps.keys.current();
    // Throws for a missing or malformed header before any lookup.
    if (matches(payload, signature, keys, urls)) return { lookedUp: false, connection: undefined };

    // Not the configured URL: the URL this merchant registered, if its connection names one.
    const merchantId = peekMerchantId(payload);
    let connection: ProviderConnection | undefined;
    if (merchantId !== undefined) {
      try {
        connection = await deps.connections.connectionOf('square', merchantId);
      } catch (error) {
        throw new VerificationUnavailableError('Could not read the merchant connection', { cause: error });
      }
      const own = connection?.notificationUrl;
      if (own && !urls.includes(own)) {
        urls.push(own);
        if (matches(payload, signature, keys, [own])) return { lookedUp: true, connection };
      }
    }

    // A key rotated in Secrets Manager since the cache was filled: re-read once and retry.
    const refreshed = await deps.keys.refresh();
    if (refreshed) {
      keys = refreshed;
      if (matches(payload, signature, keys, urls)) return { lookedUp: merchantId !== undefined, connection };
    }
    if (urls.length === 0)
      logger.warn(
        'No notification URL to verify against: SQUARE_NOTIFICATION_URL is unset and the merchant has no connection URL',
      );
    throw new SignatureVerificationError(
      'no_matching_signature',
      'No signature matches the payload for any configured key and notification URL',
    );
  }

  async function handle(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const correlationId = event.requestContext.requestId;
    logger.appendKeys({ correlationId });
    if (event.requestContext.http.method !== 'POST') {
      return reject(405, 'method_not_allowed', 'Use POST to deliver Square webhooks', { allow: 'POST' });
    }
    metrics.addMetric(METRIC.received, MetricUnit.Count, 1);
    const payload = rawBody(event);
    if (payload.length > deps.maxBodyBytes) {
      return reject(413, 'payload_too_large', new PayloadTooLargeError(payload.length, deps.maxBodyBytes).message);
    }
    const now = deps.now();

    let verified: Verified;
    try {
      verified = await verify(payload, header(event.headers, SQUARE_SIGNATURE_HEADER));
    } catch (error) {
      if (error instanceof SignatureVerificationError) return reject(400, error.reason, error.message);
      if (error instanceof VerificationUnavailableError) {
        logger.error('Square signature could not be checked; answering 500 so Square retries', { error });
        return errorResponse(
          500,
          'verification_unavailable',
          'The signature could not be checked right now; Square will retry',
        );
      }
      throw error;
    }

    const envelope = parseSignedEnvelope(payload, squareEventEnvelopeSchema, 'not_a_square_event', 'Square');
    if (!envelope.ok) return reject(400, envelope.error, envelope.message);
    const { event_id: eventId, type: eventType, merchant_id: merchantId } = envelope.envelope;
    logger.appendKeys({ eventId, eventType, merchantId });
    if (!isSquareHandledEventType(eventType)) {
      metrics.addMetric(METRIC.unhandledType, MetricUnit.Count, 1);
      logger.info('Square event type not handled; acknowledged without queuing');
      return json(200, RECEIVED);
    }
    // Known only when the lookup happened; the consumer keeps such events until the merchant is connected.
    if (verified.lookedUp && verified.connection === undefined) {
      metrics.addMetric(METRIC.unmatched, MetricUnit.Count, 1);
      logger.info('Square event from a merchant no organisation has connected; queued to be kept');
    }

    const message: QueuedWebhook = {
      source: 'square',
      eventId,
      eventType,
      receivedAt: now.toISOString(),
      correlationId,
      rawBodyBase64: payload.toString('base64'),
      account: merchantId,
    };
    const queued = await queueVerifiedWebhook({
      queue: deps.queue,
      body: JSON.stringify(message),
      attributes: { source: 'square', eventType },
      sender: 'Square',
      metricNames: METRIC,
      observability: deps.observability,
    });
    if (queued !== 'queued') return queued;
    return json(200, RECEIVED);
  }

  return flushingObservability(deps.observability, handle);
}
