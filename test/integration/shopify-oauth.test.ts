import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import type { ShopifySimulator } from '../../infra/local/simulators/shopify-simulator';
import { createCatalogStore, type CatalogStore } from '../../shared/catalog/catalog-store';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createConnectionsStore, type ConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createOAuthTokenStore, type OAuthTokenStore } from '../../shared/inbound/connections/oauth-token-store';
import { shopifyCallbackHmac } from '../../shared/inbound/connections/oauth/shopify-callback';
import { newOAuthState } from '../../shared/inbound/connections/oauth/oauth-state';
import { TABLES } from '../../shared/platform/topology';
import { eventually, getJson, token } from '../support/local-system';
import { authorize, followCallback, submitConsent } from '../support/oauth';

/**
 * The whole Shopify install on the local runtime against the Shopify simulator: authorize, the
 * consent page, the verified callback, encrypted tokens, webhook subscriptions to our receiver, the
 * initial sync over many pages as a durable job, one refresh at a time, and every way of connecting
 * without proof refused with nothing stored.
 */

const SHOP = 'demo-store.myshopify.com';
const PRODUCTS = 620;

describe('Integration: connecting a Shopify shop by OAuth', () => {
  let system: LocalSystem;
  let shopify: ShopifySimulator;
  let connections: ConnectionsStore;
  let oauth: OAuthTokenStore;
  let catalog: CatalogStore;
  const responses: string[] = [];

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, memory: true, quiet: true, scheduleTimers: false });
    shopify = system.simulators.shopify!;
    const documents = createDocumentClient({
      AWS_ENDPOINT_URL_DYNAMODB: system.dynamodbEndpoint,
      AWS_REGION: 'us-east-1',
    });
    connections = createConnectionsStore(documents, system.env[TABLES.connections.envVar]!);
    oauth = createOAuthTokenStore(documents, system.env[TABLES.connections.envVar]!);
    catalog = createCatalogStore(documents, system.env[TABLES.catalog.envVar]!);
    shopify.addProducts(SHOP, PRODUCTS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const admin = (orgId: string) => token(system, orgId, 'admin');

  async function allItems(orgId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.listItems(orgId, { source: 'shopify', limit: 100, ...(cursor && { cursor }) });
      ids.push(...page.items.map((item) => item.itemId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }

  it('refuses the old assertion route: PUT answers 405 pointing at …/authorize and stores nothing', async () => {
    const response = await fetch(`${system.url}/v1/orgs/org_a/connections/shopify`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await admin('org_a')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain: SHOP }),
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      code: 'use_oauth',
      detail: expect.stringContaining('POST /v1/orgs/org_a/connections/shopify/authorize'),
    });
    expect(response.headers.get('link')).toBe('</v1/orgs/org_a/connections/shopify/authorize>; rel="alternate"');
    expect(await connections.connectionOf('shopify', SHOP)).toBeUndefined();
  });

  it('refuses a shop that is not a myshopify.com domain', async () => {
    const answer = await authorize(system, await admin('org_a'), 'org_a', 'shopify', { shop: 'evil.example.com' });
    expect(answer.status).toBe(422);
    const member = await token(system, 'org_a', 'member');
    expect((await authorize(system, member, 'org_a', 'shopify', { shop: SHOP })).status).toBe(403);
  });

  it(
    'installs end to end: tokens encrypted, webhooks registered to our receiver, a many-page sync, first org ' +
      'keeps the shop',
    async () => {
      // Org B starts an install of the same shop first, but approves after org A has connected it.
      const rival = await authorize(system, await admin('org_b'), 'org_b', 'shopify', { shop: SHOP });
      expect(rival.status).toBe(200);

      const started = await authorize(system, await admin('org_a'), 'org_a', 'shopify', { shop: SHOP });
      expect(started.status).toBe(200);
      const authorizeUrl = new URL(String(started.body.authorizeUrl));
      expect(authorizeUrl.pathname).toBe(`/shops/${SHOP}/admin/oauth/authorize`);
      expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${system.url}/oauth/shopify/callback`);
      const { callbackUrl, consoleUrl } = await submitConsent(authorizeUrl.toString());
      expect(consoleUrl.toString()).toBe(`${system.url}/console/?connected=shopify`);

      // The same callback again: its state was single-use.
      expect((await followCallback(callbackUrl)).searchParams.get('error')).toBe('unknown_state');

      const stored = await oauth.getToken('shopify', SHOP);
      expect(stored?.orgId).toBe('org_a');
      expect(stored?.accessToken).toMatch(/^local:v1:/);
      expect(stored?.refreshToken).toMatch(/^local:v1:/);
      expect(JSON.stringify(stored)).not.toMatch(/shpat_|shprt_/);
      expect(Date.parse(stored!.accessExpiresAt!)).toBeGreaterThan(Date.now() + 50 * 60_000);

      expect(shopify.subscriptions(SHOP)).toEqual(
        ['PRODUCTS_CREATE', 'PRODUCTS_UPDATE', 'PRODUCTS_DELETE', 'INVENTORY_LEVELS_UPDATE', 'APP_UNINSTALLED'].map(
          (topic) => ({ topic, uri: `${system.url}/api/webhooks/shopify` }),
        ),
      );

      const sync = await eventually(
        async () => {
          const view = await getJson(system, '/v1/orgs/org_a/connections/shopify/sync', await admin('org_a'));
          responses.push(JSON.stringify(view.body));
          return view.body.status === 'completed' ? view.body : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(sync).toMatchObject({ kind: 'sync', status: 'completed', progress: { pages: 3, objects: PRODUCTS } });
      const items = await allItems('org_a');
      expect(items).toHaveLength(PRODUCTS);
      expect(new Set(items).size).toBe(PRODUCTS);

      const listed = await getJson(system, '/v1/orgs/org_a/connections', await admin('org_a'));
      responses.push(JSON.stringify(listed.body));
      expect(listed.body.shopify).toMatchObject({
        provider: 'shopify',
        account: SHOP,
        shopDomain: SHOP,
        state: 'active',
        scopes: ['read_inventory', 'read_products'],
      });
      expect((listed.body.shopify as Record<string, unknown>).lastSyncAt).toEqual(expect.any(String));

      // Org B's consent for the same shop comes back: the first organisation keeps it.
      const { consoleUrl: refused } = await submitConsent(String(rival.body.authorizeUrl));
      expect(refused.searchParams.get('error')).toBe('account_connected_elsewhere');
      expect((await authorize(system, await admin('org_b'), 'org_b', 'shopify', { shop: SHOP })).status).toBe(409);
      expect((await connections.connectionOf('shopify', SHOP))?.orgId).toBe('org_a');
      expect(responses.join('\n')).not.toMatch(/shpat_|shprt_|local:v1:/);
    },
  );

  it(
    'refuses callbacks without proof: bad HMAC, expired state, a ' + 'state minted for another shop; nothing is stored',
    async () => {
      const secret = system.shopifyApiSecrets[0]!;
      const callback = async (params: Record<string, string>, sign = true) => {
        const url = new URL(`${system.url}/oauth/shopify/callback`);
        for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
        url.searchParams.set('hmac', sign ? shopifyCallbackHmac(secret, params) : '0'.repeat(64));
        return (await followCallback(url.toString())).searchParams.get('error');
      };
      const base = { code: 'abc', host: 'aG9zdA', timestamp: String(Math.floor(Date.now() / 1000)) };
      const other = 'other-store.myshopify.com';
      const minted = async (shop: string, at = new Date()) => {
        const state = newOAuthState({ provider: 'shopify', orgId: 'org_c', subject: undefined, shop, now: at });
        await oauth.putState(state);
        return state.nonce;
      };
      expect(await callback({ ...base, shop: other, state: await minted(other) }, false)).toBe('invalid_signature');
      expect(
        await callback({ ...base, shop: other, state: await minted(other, new Date(Date.now() - 11 * 60_000)) }),
      ).toBe('expired_state');
      expect(await callback({ ...base, shop: other, state: await minted(SHOP) })).toBe('shop_mismatch');
      expect(
        await callback({
          ...base,
          timestamp: String(Math.floor(Date.now() / 1000) - 600),
          shop: other,
          state: await minted(other),
        }),
      ).toBe('stale_request');
      expect(await callback({ ...base, shop: 'evil.example.com', state: await minted(other) })).toBe('invalid_shop');
      expect(await connections.connectionOf('shopify', other)).toBeUndefined();
      expect(await oauth.getToken('shopify', other)).toBeUndefined();
      expect(await connections.orgConnection('org_c', 'shopify')).toBeUndefined();
    },
  );

  it('refreshes an expiring token before it lapses, once, however many refreshers run at once', async () => {
    const before = await oauth.getToken('shopify', SHOP);
    // Four minutes left: inside the five-minute margin.
    const soon = new Date(Date.now() + 4 * 60_000).toISOString();
    expect(
      await oauth.saveToken({ ...before!, accessExpiresAt: soon, version: before!.version + 1 }, before!.version),
    ).toBe(true);
    const refreshesBefore = shopify.counters.refreshes;
    await Promise.all([1, 2, 3, 4].map(() => system.runSchedule('oauthTokenRefresh')));
    expect(shopify.counters.refreshes - refreshesBefore).toBe(1);
    expect(shopify.counters.refreshConflicts).toBe(0);
    const after = await oauth.getToken('shopify', SHOP);
    expect(Date.parse(after!.accessExpiresAt!)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
  });

  it(
    'acts on app/uninstalled (revoked, token deleted, ops alert) and shop/redact (catalog erased); customer ' +
      'requests are recorded',
    async () => {
      const [uninstall] = await shopify.emit(SHOP, 'app/uninstalled', { id: 1, domain: SHOP });
      expect(uninstall?.status).toBe(200);
      await eventually(async () =>
        (await connections.orgConnection('org_a', 'shopify'))?.state === 'revoked' ? true : undefined,
      );
      expect(await oauth.getToken('shopify', SHOP)).toBeUndefined();
      const alerts = await getJson(system, '/v1/orgs/org_a/alerts', await admin('org_a'));
      expect(alerts.body.items).toEqual([expect.objectContaining({ kind: 'connection_revoked' })]);

      const [dataRequest] = await shopify.emit(SHOP, 'customers/data_request', {
        shop_domain: SHOP,
        customer: { id: 1 },
      });
      expect(dataRequest?.status).toBe(200);
      await eventually(async () => {
        const listed = await getJson(system, '/v1/orgs/org_a/alerts', await admin('org_a'));
        const items = listed.body.items as { kind: string }[];
        return items.some((alert) => alert.kind === 'shopify_compliance_request') ? true : undefined;
      });

      const [redact] = await shopify.emit(SHOP, 'shop/redact', { shop_id: 1, shop_domain: SHOP });
      expect(redact?.status).toBe(200);
      await eventually(async () => ((await connections.orgConnection('org_a', 'shopify')) ? undefined : true), {
        timeoutMs: 30_000,
      });
      expect(await allItems('org_a')).toEqual([]);
      expect(await connections.connectionOf('shopify', SHOP)).toBeUndefined();
    },
  );
});
