import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { QueueSender } from '../../shared/platform/aws/queue';
import { isHandledEventType, stripeEventEnvelopeSchema } from '../../shared/billing/stripe-events';
import { PayloadTooLargeError, SignatureVerificationError } from '../../shared/platform/errors';
import { header, rawBody } from '../../shared/inbound/raw-body';
import { errorResponse, json, type HttpResult } from '../../shared/platform/http/responses';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { flushingObservability, parseSignedEnvelope, queueVerifiedWebhook } from '../../shared/inbound/receiver';
import type { QueuedWebhook } from '../../shared/inbound/queued-webhook';
import type { SecretList } from '../../shared/platform/secrets';
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from '../../shared/inbound/signatures/stripe';

/**
 * `POST /webhooks/stripe`: verify over the exact bytes, validate, queue, and only then answer 2xx.
 * Nothing unverified is queued; an event is acknowledged only once SQS holds it.
 */

export interface StripeWebhookDependencies {
  readonly secrets: SecretList;
  readonly queue: QueueSender;
  readonly maxBodyBytes: number;
  readonly now: () => Date;
  readonly observability: Observability;
}

const RECEIVED = { received: true } as const;
const METRIC = METRIC_NAMES.stripeWebhook;

export function createStripeWebhookHandler(deps: StripeWebhookDependencies) {
  const { logger, metrics } = deps.observability;

  function reject(
    statusCode: number,
    error: string,
    message: string,
    extraHeaders?: Record<string, string>,
  ): HttpResult {
    metrics.addMetric(METRIC.rejected, MetricUnit.Count, 1);
    logger.warn('Stripe webhook rejected', { statusCode, error, reason: message });
    return errorResponse(statusCode, error, message, extraHeaders);
  }

  async function verify(payload: Buffer, signature: string | undefined, nowSeconds: number): Promise<void> {
    try {
      verifyStripeSignature({ payload, header: signature, keys: await deps.secrets.current(), nowSeconds });
    } catch (error) {
      // A secret rotated in Secrets Manager since the cache was filled: re-read once and retry.
      if (!(error instanceof SignatureVerificationError) || error.reason !== 'no_matching_signature') throw error;
      const refreshed = await deps.secrets.refresh();
      if (!refreshed) throw error;
      verifyStripeSignature({ payload, header: signature, keys: refreshed, nowSeconds });
    }
  }

  async function handle(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const correlationId = event.requestContext.requestId;
    logger.appendKeys({ correlationId });
    if (event.requestContext.http.method !== 'POST') {
      return reject(405, 'method_not_allowed', 'Use POST to deliver Stripe webhooks', { allow: 'POST' });
    }
    metrics.addMetric(METRIC.received, MetricUnit.Count, 1);
    const payload = rawBody(event);
    if (payload.length > deps.maxBodyBytes) {
      const tooLarge = new PayloadTooLargeError(payload.length, deps.maxBodyBytes);
      return reject(413, 'payload_too_large', tooLarge.message);
    }
    const now = deps.now();
    try {
      await verify(payload, header(event.headers, STRIPE_SIGNATURE_HEADER), Math.floor(now.getTime() / 1000));
    } catch (error) {
      if (error instanceof SignatureVerificationError) return reject(400, error.reason, error.message);
      throw error;
    }

    const envelope = parseSignedEnvelope(payload, stripeEventEnvelopeSchema, 'not_a_stripe_event', 'Stripe');
    if (!envelope.ok) return reject(400, envelope.error, envelope.message);
    const { id: eventId, type: eventType } = envelope.envelope;
    logger.appendKeys({ eventId, eventType });
    if (!isHandledEventType(eventType)) {
      metrics.addMetric(METRIC.unhandledType, MetricUnit.Count, 1);
      logger.info('Stripe event type not handled; acknowledged without queuing');
      return json(200, RECEIVED);
    }

    const message: QueuedWebhook = {
      source: 'stripe',
      eventId,
      eventType,
      receivedAt: now.toISOString(),
      correlationId,
      rawBodyBase64: payload.toString('base64'),
    };
    const queued = await queueVerifiedWebhook({
      queue: deps.queue,
      body: JSON.stringify(message),
      attributes: { source: 'stripe', eventType },
      sender: 'Stripe',
      metricNames: METRIC,
      observability: deps.observability,
    });
    if (queued !== 'queued') return queued;
    return json(200, RECEIVED);
  }

  return flushingObservability(deps.observability, handle);
}
