import { parseArgs } from 'node:util';
import Stripe from 'stripe';
import { loadDotEnv } from './dotenv';
import { parsePort, readLocalSettings } from './settings';
import { STRIPE_EVENT_TYPES, buildStripeEvent, isStripeEventType, loadStripeFixture } from './stripe-events';

/**
 * `npm run send -- stripe <event-type> --org org_123 [--plan growth] [--customer cus_…]
 * [--subscription sub_…] [--status active] [--url http://127.0.0.1:3000]`: builds an event from the
 * fixtures, signs it exactly like Stripe (stripe-node's generateTestHeaderString with the first
 * STRIPE_WEBHOOK_SECRET, or the development default) and POSTs it to /webhooks/stripe.
 */

const USAGE = [
  'Usage: npm run send -- stripe <event-type> --org <org_id> [--plan <plan>] [--customer cus_…] [--subscription sub_…]',
  '                        [--status <status>] [--url http://127.0.0.1:3000]',
  `Event types: ${STRIPE_EVENT_TYPES.join(', ')}`,
].join('\n');

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      plan: { type: 'string' },
      customer: { type: 'string' },
      subscription: { type: 'string' },
      status: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [provider, type] = positionals;
  if (provider !== 'stripe') throw new Error(`Only "stripe" events can be sent for now.\n${USAGE}`);
  if (!isStripeEventType(type)) throw new Error(`Unknown or missing event type "${type ?? ''}".\n${USAGE}`);
  if (!values.org) throw new Error(`--org is required.\n${USAGE}`);

  loadDotEnv();
  const settings = readLocalSettings();
  const baseUrl = values.url ?? `http://127.0.0.1:${parsePort(process.env.PORT)}`;
  const event = buildStripeEvent(loadStripeFixture(type), type, {
    orgId: values.org,
    ...(values.plan ? { plan: values.plan } : {}),
    ...(values.customer ? { customerId: values.customer } : {}),
    ...(values.subscription ? { subscriptionId: values.subscription } : {}),
    ...(values.status ? { status: values.status } : {}),
  });
  const payload = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: settings.stripeWebhookSecrets[0] as string });
  const target = new URL('/webhooks/stripe', baseUrl);

  let response: Response;
  try {
    response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
      body: payload,
    });
  } catch (error) {
    throw new Error(`Could not reach ${target} (${(error as Error).cause ?? (error as Error).message}). Is \`npm start\` running?`);
  }
  const body = await response.text();
  console.log(`${type} ${event.id as string} → ${target}`);
  console.log(`${response.status} ${response.statusText}`);
  if (body) console.log(body);
  return response.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
