import * as z from 'zod';
import { shopBaseUrl } from './oauth/authorize-urls';
import { parseScopes } from './oauth/token-lifecycle';
import { callProvider, ProviderApiError, type FetchLike } from './provider-http';
import { expiresAfter, type TokenGrant } from './token-grant';

/**
 * The Shopify calls the platform makes for a shop (REFERENCE §5): the token exchange asking for an
 * expiring offline token, its refresh (the refresh token rotates on every use), webhook subscriptions
 * through Admin GraphQL, and products page by page. Query cost is respected: a Throttled answer
 * becomes a ProviderApiError with the wait Shopify's bucket needs, and a page that leaves the bucket
 * short waits for it to refill before the next call.
 */

export const SHOPIFY_ADMIN_API_VERSION = '2026-10';
export const SHOPIFY_WEBHOOK_TOPICS = [
  'PRODUCTS_CREATE',
  'PRODUCTS_UPDATE',
  'PRODUCTS_DELETE',
  'INVENTORY_LEVELS_UPDATE',
  'APP_UNINSTALLED',
] as const;
const PRODUCTS_PAGE_SIZE = 250;
const MAX_REFILL_WAIT_MS = 10_000;

export interface ShopifyAdminClient {
  exchangeCode(shop: string, code: string): Promise<TokenGrant>;
  refresh(shop: string, refreshToken: string): Promise<TokenGrant>;
  /** Subscribes every topic the platform handles to `uri`; resolves to the subscription ids. */
  registerWebhooks(shop: string, accessToken: string, uri: string): Promise<string[]>;
  /** The shop's `myshopify.com` domain as the token sees it. */
  shopDomain(shop: string, accessToken: string): Promise<string>;
  productsPage(shop: string, accessToken: string, cursor: string | null): Promise<ProductsPage>;
}

export interface ProductsPage {
  /** Products in the REST webhook shape (`id`, `title`, `variants[].inventory_item_id`, …). */
  readonly products: readonly Record<string, unknown>[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export interface ShopifyAdminClientOptions {
  readonly apiKey: string;
  /** The app's current client secret. */
  readonly apiSecret: () => Promise<string>;
  readonly shopBaseUrlTemplate: string;
  readonly now: () => Date;
  readonly fetch?: FetchLike;
  readonly sleep?: (ms: number) => Promise<void>;
}

const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  scope: z.string().nullish(),
  expires_in: z.number().nullish(),
  refresh_token: z.string().min(1).nullish(),
  refresh_token_expires_in: z.number().nullish(),
});

const costSchema = z
  .looseObject({
    requestedQueryCost: z.number().nullish(),
    actualQueryCost: z.number().nullish(),
    throttleStatus: z.looseObject({ currentlyAvailable: z.number(), restoreRate: z.number().positive() }).nullish(),
  })
  .nullish();

const graphqlSchema = z.looseObject({
  data: z.unknown().nullish(),
  errors: z.array(z.looseObject({ message: z.string() })).nullish(),
  extensions: z.looseObject({ cost: costSchema }).nullish(),
});

const variantNode = z.looseObject({
  legacyResourceId: z.string(),
  title: z.string().nullish(),
  sku: z.string().nullish(),
  price: z.string().nullish(),
  inventoryItem: z.looseObject({ legacyResourceId: z.string() }).nullish(),
});
const productNode = z.looseObject({
  legacyResourceId: z.string(),
  title: z.string().nullish(),
  status: z.string().nullish(),
  vendor: z.string().nullish(),
  productType: z.string().nullish(),
  updatedAt: z.string().nullish(),
  variants: z.looseObject({ nodes: z.array(variantNode) }).nullish(),
});
const productsSchema = z.looseObject({
  products: z.looseObject({
    nodes: z.array(productNode),
    pageInfo: z.looseObject({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
  }),
});
const subscriptionSchema = z.looseObject({
  webhookSubscriptionCreate: z.looseObject({
    webhookSubscription: z.looseObject({ id: z.string() }).nullish(),
    userErrors: z.array(z.looseObject({ message: z.string() })),
  }),
});
const shopSchema = z.looseObject({ shop: z.looseObject({ myshopifyDomain: z.string() }) });

const PRODUCTS_QUERY = `query Products($first: Int!, $cursor: String) {
  products(first: $first, after: $cursor) {
    nodes { legacyResourceId title status vendor productType updatedAt
      variants(first: 100) { nodes { legacyResourceId title sku price inventoryItem { legacyResourceId } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SUBSCRIBE_MUTATION = `mutation Subscribe($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id } userErrors { field message }
  }
}`;

/** A GraphQL product node in the REST webhook shape, so one parser (shopify-changes.ts) reads both. */
function restProduct(node: z.infer<typeof productNode>): Record<string, unknown> {
  return {
    id: node.legacyResourceId,
    title: node.title ?? null,
    status: node.status?.toLowerCase() ?? null,
    vendor: node.vendor ?? null,
    product_type: node.productType ?? null,
    updated_at: node.updatedAt ?? null,
    variants: (node.variants?.nodes ?? []).map((variant) => ({
      id: variant.legacyResourceId,
      title: variant.title ?? null,
      sku: variant.sku ?? null,
      price: variant.price ?? null,
      inventory_item_id: variant.inventoryItem?.legacyResourceId ?? null,
    })),
  };
}

export function createShopifyAdminClient(options: ShopifyAdminClientOptions): ShopifyAdminClient {
  return {
    exchangeCode: (shop, code) => requestToken(options, shop, 'Shopify token exchange', { code, expiring: '1' }),
    refresh: (shop, refreshToken) =>
      requestToken(options, shop, 'Shopify token refresh', {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }),
    registerWebhooks: (shop, accessToken, uri) => registerWebhooks(options, { shop, accessToken }, uri),
    async shopDomain(shop, accessToken) {
      const answer = await graphql(
        options,
        { shop, accessToken },
        {
          operation: 'shop',
          schema: shopSchema,
          query: '{ shop { myshopifyDomain } }',
          variables: {},
        },
      );
      return answer.shop.myshopifyDomain.toLowerCase();
    },
    async productsPage(shop, accessToken, cursor) {
      const { products } = await graphql(
        options,
        { shop, accessToken },
        {
          operation: 'products',
          schema: productsSchema,
          query: PRODUCTS_QUERY,
          variables: { first: PRODUCTS_PAGE_SIZE, cursor },
        },
      );
      return {
        products: products.nodes.map(restProduct),
        endCursor: products.pageInfo.endCursor ?? null,
        hasNextPage: products.pageInfo.hasNextPage,
      };
    },
  };
}

const adminBaseUrl = (options: ShopifyAdminClientOptions, shop: string) =>
  shopBaseUrl(options.shopBaseUrlTemplate, shop);

/** The OAuth token endpoint: a code exchanged, or a refresh token spent, for a token grant. */
async function requestToken(
  options: ShopifyAdminClientOptions,
  shop: string,
  operation: string,
  body: Record<string, string>,
): Promise<TokenGrant> {
  const answer = tokenSchema.safeParse(
    await callProvider(
      {
        provider: 'shopify',
        operation,
        url: `${adminBaseUrl(options, shop)}/admin/oauth/access_token`,
        body: { client_id: options.apiKey, client_secret: await options.apiSecret(), ...body },
      },
      options.fetch,
    ),
  );
  if (!answer.success) throw new ProviderApiError('shopify', 200, `${operation}: unreadable token response`);
  const now = options.now();
  return {
    accessToken: answer.data.access_token,
    refreshToken: answer.data.refresh_token ?? null,
    accessExpiresAt: expiresAfter(now, answer.data.expires_in),
    refreshExpiresAt: expiresAfter(now, answer.data.refresh_token_expires_in),
    scopes: parseScopes(answer.data.scope),
  };
}

interface ShopAccess {
  readonly shop: string;
  readonly accessToken: string;
}

interface GraphqlRequest<T> {
  readonly operation: string;
  readonly schema: z.ZodType<T>;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

/**
 * One Admin GraphQL call. Throttled answers become a 429 with the wait Shopify's cost bucket implies;
 * after a call that left the bucket short of another like it, waits for the refill (bounded).
 */
async function graphql<T>(
  options: ShopifyAdminClientOptions,
  access: ShopAccess,
  request: GraphqlRequest<T>,
): Promise<T> {
  const { operation } = request;
  const answer = graphqlSchema.parse(
    await callProvider(
      {
        provider: 'shopify',
        operation,
        url: `${adminBaseUrl(options, access.shop)}/admin/api/${SHOPIFY_ADMIN_API_VERSION}/graphql.json`,
        headers: { 'x-shopify-access-token': access.accessToken },
        body: { query: request.query, variables: request.variables },
      },
      options.fetch,
    ),
  );
  const cost = answer.extensions?.cost;
  const bucket = cost?.throttleStatus;
  const wanted = cost?.requestedQueryCost ?? 0;
  if (answer.errors?.some((error) => error.message === 'Throttled')) {
    const waitSeconds = bucket ? Math.ceil(Math.max(wanted - bucket.currentlyAvailable, 1) / bucket.restoreRate) : 1;
    throw new ProviderApiError('shopify', 429, `${operation}: Throttled by Shopify's query cost limit`, waitSeconds);
  }
  if (answer.errors?.length) throw new ProviderApiError('shopify', 200, `${operation}: GraphQL errors`);
  const data = request.schema.safeParse(answer.data);
  if (!data.success) throw new ProviderApiError('shopify', 200, `${operation}: unexpected GraphQL response`);
  // Leave the bucket enough for the next call of the same cost, rather than be throttled by it.
  if (bucket && bucket.currentlyAvailable < wanted) {
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    await sleep(Math.min(((wanted - bucket.currentlyAvailable) / bucket.restoreRate) * 1000, MAX_REFILL_WAIT_MS));
  }
  return data.data;
}

/** Subscribes the shop to every topic we consume; answers the ids of the subscriptions created. */
async function registerWebhooks(
  options: ShopifyAdminClientOptions,
  access: ShopAccess,
  uri: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (const topic of SHOPIFY_WEBHOOK_TOPICS) {
    const operation = `webhookSubscriptionCreate ${topic}`;
    const { webhookSubscriptionCreate: created } = await graphql(options, access, {
      operation,
      schema: subscriptionSchema,
      query: SUBSCRIBE_MUTATION,
      variables: { topic, uri },
    });
    // "Address for this topic has already been taken": re-authorising keeps the subscription it had.
    const taken = created.userErrors.every((error) => /already been taken/i.test(error.message));
    if (!created.webhookSubscription && !taken) throw new ProviderApiError('shopify', 200, `${operation}: refused`);
    if (created.webhookSubscription) ids.push(created.webhookSubscription.id);
  }
  return ids;
}
