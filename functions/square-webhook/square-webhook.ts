import { SQUARE_MERCHANT_ID_PATTERN } from '../../shared/inbound/connections/connection-input';
import { header } from '../../shared/inbound/raw-body';
import { buildQueuedWebhook } from '../../shared/inbound/queued-webhook';
import { createReceiver, type ReceiverDependencies, type Verdict } from '../../shared/inbound/receiver';
import { SQUARE_SIGNATURE_HEADER } from '../../shared/inbound/signatures/square';
import {
  VerificationUnavailableError,
  verifySquareWebhook,
  type SquareVerificationDependencies,
  type SquareVerified,
} from '../../shared/inbound/square-verification';
import { parseSignedEnvelope, rejection } from '../../shared/inbound/verdicts';
import { SignatureVerificationError } from '../../shared/platform/errors';
import { boundedString, matching, type ShapeRules } from '../../shared/platform/json/shape';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/platform/topology';

/**
 * `POST /api/webhooks/square`: verify over the exact bytes (shared/inbound/square-verification.ts),
 * check the envelope, queue on the catalog queue, and only then answer 2xx (the receiver shell).
 * Square wants an answer within 10 s, so nothing else happens here: the catalog consumer applies the
 * event, and keeps events of merchants no organisation has connected yet.
 */

export const SQUARE_HANDLED_EVENT_TYPES = ['inventory.count.updated', 'catalog.version.updated'] as const;
export type SquareHandledEventType = (typeof SQUARE_HANDLED_EVENT_TYPES)[number];

export function isSquareHandledEventType(type: string): type is SquareHandledEventType {
  return (SQUARE_HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

/** What the ingest needs of Square's envelope (`merchant_id`, `type`, `event_id`; `created_at` and `data` pass through). */
interface SquareEnvelope {
  readonly merchant_id: string;
  readonly type: string;
  readonly event_id: string;
}
const SQUARE_ENVELOPE_RULES: ShapeRules<SquareEnvelope> = {
  merchant_id: matching(SQUARE_MERCHANT_ID_PATTERN),
  type: boundedString(1, 256),
  event_id: boundedString(1, 256),
};

export type SquareWebhookDependencies = ReceiverDependencies & Omit<SquareVerificationDependencies, 'warn'>;

export function createSquareWebhookHandler(deps: SquareWebhookDependencies) {
  const { logger } = deps.observability;
  const verification = { ...deps, warn: (message: string) => logger.warn(message) };
  const METRIC = METRIC_NAMES.squareWebhook;

  async function verify(payload: Buffer, signature: string | undefined): Promise<SquareVerified | Verdict> {
    try {
      return await verifySquareWebhook(verification, payload, signature);
    } catch (error) {
      if (error instanceof SignatureVerificationError) return rejection(400, error.reason, error.message);
      if (!(error instanceof VerificationUnavailableError)) throw error;
      return {
        kind: 'unavailable',
        message: 'The signature could not be checked right now; Square will retry',
        log: 'Square signature could not be checked; answering 500 so Square retries',
        cause: error,
      };
    }
  }

  return createReceiver(
    {
      sender: 'Square',
      rejectedLog: 'Square webhook rejected',
      deliverable: 'Square webhooks',
      metricNames: METRIC,
      async decide({ event, payload, now, correlationId, tag, count }): Promise<Verdict> {
        const verified = await verify(payload, header(event.headers, SQUARE_SIGNATURE_HEADER));
        if ('kind' in verified) return verified;
        const parsed = parseSignedEnvelope(payload, SQUARE_ENVELOPE_RULES, 'not_a_square_event', 'Square');
        if (!parsed.ok) return parsed.rejection;
        const { event_id: eventId, type: eventType, merchant_id: merchantId } = parsed.envelope;
        tag({ eventId, eventType, merchantId });
        if (!isSquareHandledEventType(eventType))
          return { kind: 'ignore', reason: 'Square event type not handled; acknowledged without queuing' };
        // Known only when the lookup happened; the consumer keeps such events until the merchant is connected.
        if (verified.lookedUp && verified.connection === undefined) {
          count(METRIC.unmatched);
          logger.info('Square event from a merchant no organisation has connected; queued to be kept');
        }
        const fields = {
          source: 'square',
          eventId,
          eventType,
          receivedAt: now.toISOString(),
          correlationId,
          account: merchantId,
        } as const;
        return {
          kind: 'queue',
          body: buildQueuedWebhook(fields, payload, SQS_MAX_MESSAGE_BYTES),
          attributes: { source: 'square', eventType },
        };
      },
    },
    deps,
  );
}
