import type Stripe from 'stripe';
import type { StripeSubscription } from './stripe-events';
import { subscriptionSchema } from './stripe-events';

/**
 * Reconciliation: when a Stripe API key is configured, the consumer does not trust the payload of a
 * subscription event but fetches the subscription's current state. The `stripe` package is loaded
 * only in this mode, keeping it out of the default cold start.
 */
export interface SubscriptionSource {
  /** The subscription as Stripe has it now, or undefined if Stripe no longer knows it. */
  retrieve(subscriptionId: string): Promise<StripeSubscription | undefined>;
}

export interface StripeSourceOptions {
  readonly apiKey: () => Promise<string>;
  /** Points the client at another Stripe API address (a fake Stripe on loopback in tests). */
  readonly baseUrl?: URL;
}

export function createStripeSubscriptionSource(options: StripeSourceOptions): SubscriptionSource {
  let client: Promise<Stripe> | undefined;

  async function stripeClient(): Promise<Stripe> {
    const { default: StripeClient } = await import('stripe');
    const { baseUrl } = options;
    return new StripeClient(await options.apiKey(), {
      maxNetworkRetries: 2,
      timeout: 10_000,
      telemetry: false,
      ...(baseUrl && {
        host: baseUrl.hostname,
        port: Number(baseUrl.port || (baseUrl.protocol === 'https:' ? 443 : 80)),
        protocol: baseUrl.protocol === 'https:' ? 'https' : 'http',
      }),
    });
  }

  return {
    async retrieve(subscriptionId) {
      client ??= stripeClient().catch((error: unknown) => {
        client = undefined;
        throw error;
      });
      try {
        const subscription = await (await client).subscriptions.retrieve(subscriptionId);
        return subscriptionSchema.parse(subscription);
      } catch (error) {
        if (isMissingResource(error)) return undefined;
        throw error;
      }
    },
  };
}

function isMissingResource(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: unknown }).statusCode === 404;
}
