import { header } from '../../shared/platform/http/raw-body';
import { createReceiver, namedProvider, type ReceiverDependencies, type Verdict } from '../../shared/inbound/receiver';
import { SQUARE_SIGNATURE_HEADER } from '../../shared/inbound/signatures/square';
import {
  isSquareHandledEventType,
  SQUARE_ENVELOPE_RULES,
  squareVerdict,
  type SquareVerificationDependencies,
} from '../../shared/inbound/square-verification';
import { parseSignedEnvelope, queueVerdict } from '../../shared/inbound/verdicts';
import { METRIC_NAMES } from '../../shared/platform/metric-names';

/**
 * `POST /api/webhooks/square`: verify over the exact bytes (shared/inbound/square-verification.ts),
 * check the envelope, queue on the catalog queue, and only then answer 2xx (the receiver shell).
 * Square wants an answer within 10 s, so nothing else happens here: the catalog consumer applies the
 * event, and keeps events of merchants no organisation has connected yet.
 */

export type SquareWebhookDependencies = ReceiverDependencies & Omit<SquareVerificationDependencies, 'warn'>;

export function createSquareWebhookHandler(deps: SquareWebhookDependencies) {
  const { logger } = deps.observability;
  const verification = { ...deps, warn: (message: string) => logger.warn(message) };
  const METRIC = METRIC_NAMES.squareWebhook;

  return createReceiver(
    namedProvider('Square', METRIC, async ({ event, payload, now, correlationId, tag, count }): Promise<Verdict> => {
      const verified = await squareVerdict(verification, payload, header(event.headers, SQUARE_SIGNATURE_HEADER));
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
      return queueVerdict(fields, payload);
    }),
    deps,
  );
}
