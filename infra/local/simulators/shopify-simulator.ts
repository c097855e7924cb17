import { randomBytes, timingSafeEqual } from 'node:crypto';
import { shopifyCallbackHmac } from '../../../shared/inbound/connections/oauth/shopify-callback';
import { shopifySignatureHeader } from '../../../shared/inbound/signatures/shopify';
import {
  consentForm,
  formFields,
  jsonAnswer,
  parseJson,
  redirectTo,
  startSimServer,
  type SimRequest,
  type SimResponse,
} from './http-server';

/**
 * A small Shopify on loopback, following shopify.dev's documented shapes (REFERENCE §5), for
 * `npm start` without a Shopify app and for the integration tests: each shop lives under
 * `/shops/<shop>` (so SHOPIFY_SHOP_BASE_URL_TEMPLATE is `<url>/shops/{shop}`), with the consent page
 * (an "Approve" form), the token endpoint (expiring offline tokens: an hour, refresh token rotating on
 * every use), Admin GraphQL for what the platform asks (webhookSubscriptionCreate, products, shop)
 * with a query-cost bucket, and `emit` to send the shop's signed webhooks to its subscriptions.
 */

export interface ShopifySimulatorOptions {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly port?: number;
  readonly accessTokenTtlSeconds?: number;
  /** Where the app's compliance webhooks go (configured with the app in Shopify, not subscribed by API). */
  readonly complianceUrl?: string;
}

const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'];

interface Shop {
  products: Record<string, unknown>[];
  subscriptions: { topic: string; uri: string }[];
  /** Live access tokens and their expiry (epoch ms); refresh tokens, each usable once. */
  accessTokens: Map<string, number>;
  refreshTokens: Set<string>;
}

interface Pending {
  readonly shop: string;
  readonly scope: string;
}

const PRODUCTS_COST = 52;
const BUCKET = { max: 1_000, restoreRate: 50 };

/** The simulated Shopify's state: shops, pending authorization codes, call counters and injected throttling. */
interface ShopifyState {
  readonly options: ShopifySimulatorOptions;
  readonly shops: Map<string, Shop>;
  readonly codes: Map<string, Pending>;
  readonly counters: { tokenExchanges: number; refreshes: number; refreshConflicts: number; graphqlCalls: number };
  readonly ttlSeconds: number;
  throttleNext: number;
}

function shopOf(state: ShopifyState, domain: string): Shop {
  let shop = state.shops.get(domain);
  if (!shop) {
    shop = { products: [], subscriptions: [], accessTokens: new Map(), refreshTokens: new Set() };
    state.shops.set(domain, shop);
  }
  return shop;
}

const newToken = (prefix: string) => `${prefix}_${randomBytes(16).toString('hex')}`;

function issue(state: ShopifyState, domain: string, scope: string): SimResponse {
  const shop = shopOf(state, domain);
  const accessToken = newToken('shpat');
  const refreshToken = newToken('shprt');
  shop.accessTokens.set(accessToken, Date.now() + state.ttlSeconds * 1000);
  shop.refreshTokens.add(refreshToken);
  return jsonAnswer(200, {
    access_token: accessToken,
    scope,
    expires_in: state.ttlSeconds,
    refresh_token: refreshToken,
    refresh_token_expires_in: 90 * 86_400,
  });
}

function consentPage(state: ShopifyState, domain: string, url: URL): SimResponse {
  if (url.searchParams.get('client_id') !== state.options.apiKey)
    return jsonAnswer(400, { error: 'unknown client_id' });
  const hidden = ['client_id', 'scope', 'redirect_uri', 'state'].map((name) => ({
    name,
    value: url.searchParams.get(name) ?? '',
  }));
  return consentForm({
    title: `Install app — ${domain} (DEV simulator)`,
    heading: `Install the Better Data app on ${domain}?`,
    description: `DEV simulator of Shopify's consent page. Requested access: ${url.searchParams.get('scope') ?? ''}`,
    action: `/shops/${domain}/admin/oauth/approve`,
    hidden,
    buttons: [{ label: 'Approve' }],
  });
}

function approve(state: ShopifyState, domain: string, body: string): SimResponse {
  const form = formFields(body);
  const code = randomBytes(16).toString('hex');
  state.codes.set(code, { shop: domain, scope: form.scope ?? '' });
  const params: Record<string, string> = {
    code,
    host: Buffer.from(`${domain}/admin`).toString('base64url'),
    shop: domain,
    state: form.state ?? '',
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const target = new URL(form.redirect_uri ?? '');
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  target.searchParams.set('hmac', shopifyCallbackHmac(state.options.apiSecret, params));
  return redirectTo(target.toString());
}

function refreshGrant(state: ShopifyState, domain: string, refreshToken: string): SimResponse {
  state.counters.refreshes += 1;
  // Rotating: a refresh token works once; a second use is what parallel refreshes would do.
  if (!shopOf(state, domain).refreshTokens.delete(refreshToken)) {
    state.counters.refreshConflicts += 1;
    return jsonAnswer(400, { error: 'invalid_grant' });
  }
  return issue(state, domain, 'read_products,read_inventory');
}

function accessToken(state: ShopifyState, domain: string, request: SimRequest): SimResponse {
  const body = parseJson(request.body);
  const secret = Buffer.from(String(body.client_secret ?? ''));
  const expected = Buffer.from(state.options.apiSecret);
  if (
    body.client_id !== state.options.apiKey ||
    secret.length !== expected.length ||
    !timingSafeEqual(secret, expected)
  )
    return jsonAnswer(401, { error: 'invalid_client' });
  if (body.grant_type === 'refresh_token') return refreshGrant(state, domain, String(body.refresh_token));
  const pending = state.codes.get(String(body.code));
  state.codes.delete(String(body.code));
  if (!pending || pending.shop !== domain) return jsonAnswer(400, { error: 'invalid_request' });
  state.counters.tokenExchanges += 1;
  return issue(state, domain, pending.scope);
}

function productsPage(shop: Shop, variables: Record<string, unknown>) {
  const first = Math.min(Number(variables.first ?? 50), 250);
  const start = typeof variables.cursor === 'string' ? Number(variables.cursor) : 0;
  const nodes = shop.products.slice(start, start + first);
  const end = start + nodes.length;
  return {
    products: {
      nodes,
      pageInfo: { hasNextPage: end < shop.products.length, endCursor: nodes.length > 0 ? String(end) : null },
    },
  };
}

/** The `extensions.cost` Shopify reports with each GraphQL answer (leaky-bucket throttling). */
const queryCost = (available: number) => ({
  cost: {
    requestedQueryCost: PRODUCTS_COST,
    actualQueryCost: available >= PRODUCTS_COST ? PRODUCTS_COST : 0,
    throttleStatus: { maximumAvailable: BUCKET.max, currentlyAvailable: available, restoreRate: BUCKET.restoreRate },
  },
});

function webhookSubscriptionCreate(shop: Shop, variables: Record<string, unknown>): SimResponse {
  const topic = String(variables.topic);
  const uri = String(variables.uri);
  if (shop.subscriptions.some((s) => s.topic === topic && s.uri === uri)) {
    const taken = {
      field: ['webhookSubscription', 'callbackUrl'],
      message: 'Address for this topic has already been taken',
    };
    return jsonAnswer(200, { data: { webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [taken] } } });
  }
  shop.subscriptions.push({ topic, uri });
  const id = `gid://shopify/WebhookSubscription/${shop.subscriptions.length}`;
  return jsonAnswer(200, {
    data: { webhookSubscriptionCreate: { webhookSubscription: { id }, userErrors: [] } },
    extensions: queryCost(BUCKET.max),
  });
}

function graphql(state: ShopifyState, domain: string, request: SimRequest): SimResponse {
  state.counters.graphqlCalls += 1;
  const shop = shopOf(state, domain);
  const expiry = shop.accessTokens.get(String(request.headers['x-shopify-access-token'] ?? ''));
  if (expiry === undefined || expiry <= Date.now())
    return jsonAnswer(401, { errors: '[API] Invalid API key or access token' });
  const body = parseJson(request.body);
  const query = String(body.query ?? '');
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  if (state.throttleNext > 0) {
    state.throttleNext -= 1;
    const errors = [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }];
    return jsonAnswer(200, { errors, extensions: queryCost(10) });
  }
  if (query.includes('webhookSubscriptionCreate')) return webhookSubscriptionCreate(shop, variables);
  if (query.includes('products('))
    return jsonAnswer(200, { data: productsPage(shop, variables), extensions: queryCost(BUCKET.max - PRODUCTS_COST) });
  if (query.includes('shop')) return jsonAnswer(200, { data: { shop: { myshopifyDomain: domain } } });
  return jsonAnswer(200, { errors: [{ message: 'Unsupported by the simulator' }] });
}

/** Sends a signed webhook of `topic` (`products/update`, …) to every subscription of the shop. */
async function emit(
  state: ShopifyState,
  domain: string,
  topic: string,
  payload: unknown,
): Promise<{ uri: string; status: number }[]> {
  const graphqlTopic = topic.toUpperCase().replace('/', '_');
  const body = JSON.stringify(payload);
  const complianceUrl = state.options.complianceUrl;
  const targets = COMPLIANCE_TOPICS.includes(topic)
    ? complianceUrl
      ? [{ uri: complianceUrl }]
      : []
    : shopOf(state, domain).subscriptions.filter((s) => s.topic === graphqlTopic);
  const headers = {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': domain,
    'x-shopify-webhook-id': randomBytes(8).toString('hex'),
    'x-shopify-triggered-at': new Date().toISOString(),
    'x-shopify-api-version': '2026-10',
    'x-shopify-hmac-sha256': shopifySignatureHeader(state.options.apiSecret, body),
  };
  return Promise.all(
    targets.map(async ({ uri }) => {
      const response = await fetch(uri, { method: 'POST', headers, body });
      return { uri, status: response.status };
    }),
  );
}

async function handle(state: ShopifyState, request: SimRequest): Promise<SimResponse> {
  const match = /^\/shops\/([a-z0-9][a-z0-9-]*\.myshopify\.com)(\/.*)$/.exec(request.url.pathname);
  if (!match) return jsonAnswer(404, { errors: 'Not Found' });
  const [, domain, rest] = match as unknown as [string, string, string];
  if (request.method === 'GET' && rest === '/admin/oauth/authorize') return consentPage(state, domain, request.url);
  if (request.method === 'POST' && rest === '/admin/oauth/approve') return approve(state, domain, request.body);
  if (request.method === 'POST' && rest === '/admin/oauth/access_token') return accessToken(state, domain, request);
  if (request.method === 'POST' && /^\/admin\/api\/[^/]+\/graphql\.json$/.test(rest))
    return graphql(state, domain, request);
  if (request.method === 'POST' && rest === '/emit') {
    const body = parseJson(request.body);
    return jsonAnswer(200, { deliveries: await emit(state, domain, String(body.topic ?? ''), body.payload ?? {}) });
  }
  return jsonAnswer(404, { errors: 'Not Found' });
}

/** Adds `count` products (with one variant each) to the shop's catalog. */
function addProducts(shop: Shop, count: number): void {
  for (let i = 0; i < count; i++) {
    const n = shop.products.length + 1;
    const variant = {
      legacyResourceId: String(8_000_000_000_000 + n),
      title: 'Default',
      sku: `SKU-${n}`,
      price: '10.00',
      inventoryItem: { legacyResourceId: String(9_000_000_000_000 + n) },
    };
    shop.products.push({
      legacyResourceId: String(7_000_000_000_000 + n),
      title: `Product ${n}`,
      status: 'ACTIVE',
      vendor: 'Simulated',
      productType: 'Demo',
      updatedAt: '2026-01-01T00:00:00Z',
      variants: { nodes: [variant] },
    });
  }
}

export async function startShopifySimulator(options: ShopifySimulatorOptions) {
  const state: ShopifyState = {
    options,
    shops: new Map(),
    codes: new Map(),
    counters: { tokenExchanges: 0, refreshes: 0, refreshConflicts: 0, graphqlCalls: 0 },
    ttlSeconds: options.accessTokenTtlSeconds ?? 3_600,
    throttleNext: 0,
  };
  const server = await startSimServer((request) => handle(state, request), options.port ?? 0);
  return {
    url: server.url,
    shopBaseUrlTemplate: `${server.url}/shops/{shop}`,
    counters: state.counters,
    /** Adds `count` products (with one variant each) to the shop's catalog. */
    addProducts: (domain: string, count: number): void => addProducts(shopOf(state, domain), count),
    subscriptions: (domain: string) => [...shopOf(state, domain).subscriptions],
    /** Makes every live access token of the shop lapse now (as an hour passing would). */
    expireAccessTokens(domain: string): void {
      const shop = shopOf(state, domain);
      for (const key of shop.accessTokens.keys()) shop.accessTokens.set(key, Date.now() - 1);
    },
    throttle(calls: number): void {
      state.throttleNext = calls;
    },
    emit: (domain: string, topic: string, payload: unknown) => emit(state, domain, topic, payload),
    close: () => server.close(),
  };
}

export type ShopifySimulator = Awaited<ReturnType<typeof startShopifySimulator>>;
