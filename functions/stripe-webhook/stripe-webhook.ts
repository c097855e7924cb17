import {
  isHandledEventType,
  STRIPE_ENVELOPE_RULES,
  type StripeEventEnvelope,
} from '../../shared/billing/stripe-envelope';
import { header } from '../../shared/platform/http/raw-body';
import { secretReceiver, type SecretVerdict } from '../../shared/inbound/receiver';
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from '../../shared/inbound/signatures/stripe';
import { parseSignedEnvelope, queueVerdict, verifyWithRotation } from '../../shared/inbound/verdicts';
import { METRIC_NAMES } from '../../shared/platform/metric-names';

/**
 * `POST /webhooks/stripe`: verify over the exact bytes, check the envelope, queue on the billing
 * queue, and only then answer 2xx (the receiver shell). Event types billing does not handle are
 * acknowledged without queuing.
 */

const decideStripeWebhook: SecretVerdict = async (secrets, { event, payload, now, correlationId, tag }) => {
  const signature = header(event.headers, STRIPE_SIGNATURE_HEADER);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const refused = await verifyWithRotation(secrets, (keys) =>
    verifyStripeSignature({ payload, header: signature, keys, nowSeconds }),
  );
  if (refused) return refused;
  const parsed = parseSignedEnvelope<StripeEventEnvelope>(
    payload,
    STRIPE_ENVELOPE_RULES,
    'not_a_stripe_event',
    'Stripe',
  );
  if (!parsed.ok) return parsed.rejection;
  const { id: eventId, type: eventType } = parsed.envelope;
  tag({ eventId, eventType });
  if (!isHandledEventType(eventType))
    return { kind: 'ignore', reason: 'Stripe event type not handled; acknowledged without queuing' };
  const fields = { source: 'stripe', eventId, eventType, receivedAt: now.toISOString(), correlationId } as const;
  return queueVerdict(fields, payload);
};

export const createStripeWebhookHandler = secretReceiver('Stripe', METRIC_NAMES.stripeWebhook, decideStripeWebhook);
