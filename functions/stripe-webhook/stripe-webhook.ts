import {
  isHandledEventType,
  STRIPE_ENVELOPE_RULES,
  type StripeEventEnvelope,
} from '../../shared/billing/stripe-envelope';
import { header } from '../../shared/platform/http/raw-body';
import { buildQueuedWebhook } from '../../shared/inbound/queued-webhook';
import { createReceiver, type ReceiverDependencies, type Verdict } from '../../shared/inbound/receiver';
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from '../../shared/inbound/signatures/stripe';
import { parseSignedEnvelope, verifyWithRotation } from '../../shared/inbound/verdicts';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { SecretList } from '../../shared/platform/secrets';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/platform/topology';

/**
 * `POST /webhooks/stripe`: verify over the exact bytes, check the envelope, queue on the billing
 * queue, and only then answer 2xx (the receiver shell). Event types billing does not handle are
 * acknowledged without queuing.
 */

export interface StripeWebhookDependencies extends ReceiverDependencies {
  readonly secrets: SecretList;
}

export function createStripeWebhookHandler(deps: StripeWebhookDependencies) {
  return createReceiver(
    {
      sender: 'Stripe',
      rejectedLog: 'Stripe webhook rejected',
      deliverable: 'Stripe webhooks',
      metricNames: METRIC_NAMES.stripeWebhook,
      async decide({ event, payload, now, correlationId, tag }): Promise<Verdict> {
        const signature = header(event.headers, STRIPE_SIGNATURE_HEADER);
        const nowSeconds = Math.floor(now.getTime() / 1000);
        const refused = await verifyWithRotation(deps.secrets, (keys) =>
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
        return {
          kind: 'queue',
          body: buildQueuedWebhook(fields, payload, SQS_MAX_MESSAGE_BYTES),
          attributes: { source: 'stripe', eventType },
        };
      },
    },
    deps,
  );
}
