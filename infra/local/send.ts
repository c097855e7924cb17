import { parseArgs } from 'node:util';
import Stripe from 'stripe';
import { loadDotEnv } from './dotenv';
import { SHOPIFY_TOPICS, SQUARE_EVENT_TYPES } from '../../shared/catalog/catalog-message';
import {
  buildShopifyEvent,
  buildSquareEvent,
  isShopifyTopic,
  isSquareEventType,
  loadShopifyFixture,
  loadSquareFixture,
  signShopify,
  signSquare,
} from './provider-events';
import { localSquareNotificationUrl, parsePort, readLocalSettings } from './settings';
import { STRIPE_EVENT_TYPES, buildStripeEvent, isStripeEventType, loadStripeFixture } from './stripe-events';

/**
 * `npm run send -- <provider> <event-type> [options]`: builds an event from the fixtures, signs it
 * exactly like the provider, and POSTs it to the local runtime (or `--url`).
 * - stripe: stripe-node's generateTestHeaderString with the first STRIPE_WEBHOOK_SECRET → /webhooks/stripe
 * - square: base64 HMAC-SHA256(first SQUARE_SIGNATURE_KEY, notification URL + body), where the URL is
 *   SQUARE_NOTIFICATION_URL or `<url>/api/webhooks/square` — what the local function verifies against
 * - shopify: base64 HMAC-SHA256(first SHOPIFY_API_SECRET, body) with the X-Shopify-* headers → /api/webhooks/shopify
 * Secrets fall back to the local runtime's development values (infra/local/settings.ts).
 */

const USAGE = [
  'Usage: npm run send -- stripe <event-type> --org <org_id> [--plan <plan>] [--customer cus_…] [--subscription ' +
    'sub_…] [--status <status>]',
  '       npm run send -- square <event-type> --merchant <merchant_id> [--quantity 3] [--location <location_id>] ' +
    '[--object <catalog_object_id>]',
  '       npm run send -- shopify <topic> --shop <name>.myshopify.com [--title <title>] [--price 19.99] ' +
    '[--available 5]',
  '       every command: [--url http://127.0.0.1:3000]',
  `Stripe event types: ${STRIPE_EVENT_TYPES.join(', ')}`,
  `Square event types: ${SQUARE_EVENT_TYPES.join(', ')}`,
  `Shopify topics: ${SHOPIFY_TOPICS.join(', ')}`,
].join('\n');

interface Delivery {
  readonly label: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

type Values = Record<string, string | boolean | undefined>;

function option(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function required(values: Values, name: string): string {
  const value = option(values, name);
  if (!value) throw new Error(`--${name} is required.\n${USAGE}`);
  return value;
}

function stripeDelivery(type: string | undefined, values: Values): Delivery {
  if (!isStripeEventType(type)) throw new Error(`Unknown or missing Stripe event type "${type ?? ''}".\n${USAGE}`);
  const settings = readLocalSettings();
  const plan = option(values, 'plan');
  const customerId = option(values, 'customer');
  const subscriptionId = option(values, 'subscription');
  const status = option(values, 'status');
  const event = buildStripeEvent(loadStripeFixture(type), type, {
    orgId: required(values, 'org'),
    ...(plan ? { plan } : {}),
    ...(customerId ? { customerId } : {}),
    ...(subscriptionId ? { subscriptionId } : {}),
    ...(status ? { status } : {}),
  });
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: settings.stripeWebhookSecrets[0] as string,
  });
  return {
    label: `${type} ${event.id as string}`,
    path: '/webhooks/stripe',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': signature,
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
    body,
  };
}

function squareDelivery(type: string | undefined, values: Values, baseUrl: string): Delivery {
  if (!isSquareEventType(type)) throw new Error(`Unknown or missing Square event type "${type ?? ''}".\n${USAGE}`);
  const settings = readLocalSettings();
  const quantity = option(values, 'quantity');
  const locationId = option(values, 'location');
  const catalogObjectId = option(values, 'object');
  const event = buildSquareEvent(loadSquareFixture(type), type, {
    merchantId: required(values, 'merchant'),
    ...(quantity !== undefined ? { quantity } : {}),
    ...(locationId !== undefined ? { locationId } : {}),
    ...(catalogObjectId !== undefined ? { catalogObjectId } : {}),
  });
  const notificationUrl = localSquareNotificationUrl(baseUrl);
  return {
    label: `${type} ${event.eventId} (signed over ${notificationUrl})`,
    path: '/api/webhooks/square',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Square Connect v2',
      ...signSquare(event.body, { key: settings.squareSignatureKeys[0] as string, notificationUrl }),
    },
    body: event.body,
  };
}

function shopifyDelivery(topic: string | undefined, values: Values): Delivery {
  if (!isShopifyTopic(topic)) throw new Error(`Unknown or missing Shopify topic "${topic ?? ''}".\n${USAGE}`);
  const settings = readLocalSettings();
  const title = option(values, 'title');
  const price = option(values, 'price');
  const available = option(values, 'available');
  if (available !== undefined && !/^-?\d+$/.test(available))
    throw new Error(`--available must be an integer, got "${available}"`);
  const event = buildShopifyEvent(loadShopifyFixture(topic), topic, {
    shopDomain: required(values, 'shop'),
    ...(title !== undefined ? { title } : {}),
    ...(price !== undefined ? { price } : {}),
    ...(available !== undefined ? { available: Number(available) } : {}),
  });
  return {
    label: `${topic} ${event.webhookId}`,
    path: '/api/webhooks/shopify',
    headers: {
      ...event.headers,
      'user-agent': 'Shopify-Captain-Hook',
      ...signShopify(event.body, settings.shopifyApiSecrets[0] as string),
    },
    body: event.body,
  };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      plan: { type: 'string' },
      customer: { type: 'string' },
      subscription: { type: 'string' },
      status: { type: 'string' },
      merchant: { type: 'string' },
      quantity: { type: 'string' },
      location: { type: 'string' },
      object: { type: 'string' },
      shop: { type: 'string' },
      title: { type: 'string' },
      price: { type: 'string' },
      available: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  loadDotEnv();
  const [provider, type] = positionals;
  const baseUrl = values.url ?? `http://127.0.0.1:${parsePort(process.env.PORT)}`;
  let delivery: Delivery;
  if (provider === 'stripe') delivery = stripeDelivery(type, values);
  else if (provider === 'square') delivery = squareDelivery(type, values, baseUrl);
  else if (provider === 'shopify') delivery = shopifyDelivery(type, values);
  else throw new Error(`Unknown provider "${provider ?? ''}": use stripe, square or shopify.\n${USAGE}`);

  const target = new URL(delivery.path, baseUrl);
  let response: Response;
  try {
    response = await fetch(target, { method: 'POST', headers: delivery.headers, body: delivery.body });
  } catch (error) {
    throw new Error(
      `Could not reach ${target} (${(error as Error).cause ?? (error as Error).message}). Is \`npm start\` running?`,
    );
  }
  const body = await response.text();
  console.log(`${delivery.label} → ${target}`);
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
