import { beforeEach, describe, expect, it } from 'vitest';
import { createConnectionsApiHandler } from '../../../functions/connections-api/connections-api';
import type {
  ConnectionsStore,
  InboundSource,
  ProviderConnection,
  SourceEvent,
} from '../../../shared/inbound/connections/connections-store';
import { sourceSecretContext } from '../../../shared/inbound/connections/source-secret';
import { createLocalCipher } from '../../../shared/platform/crypto/secret-cipher';
import type { QueuedWebhook } from '../../../shared/inbound/queued-webhook';
import { httpEvent } from '../../support/api-gateway';
import { recordingObservability } from '../../support/observability';

/**
 * The connections API's decisions over an in-memory store: ordering of connect and replay, what is
 * shown and what is not, and the responses for conflicts and invalid input. The DynamoDB store and
 * real HTTP are covered by test/integration/connections-api.test.ts.
 */

type Call = string;

function memoryStore(
  calls: Call[],
): ConnectionsStore & { sources: Map<string, InboundSource>; events: SourceEvent[]; kept: QueuedWebhook[] } {
  const accounts = new Map<string, ProviderConnection>();
  const orgConnections = new Map<string, ProviderConnection>();
  const sources = new Map<string, InboundSource>();
  const events: SourceEvent[] = [];
  const kept: QueuedWebhook[] = [];
  return {
    sources,
    events,
    kept,
    async connect(connection) {
      calls.push(`connect ${connection.provider} ${connection.account}`);
      const owner = accounts.get(`${connection.provider}#${connection.account}`);
      if (owner && owner.orgId !== connection.orgId) return 'conflict';
      accounts.set(`${connection.provider}#${connection.account}`, connection);
      orgConnections.set(`${connection.orgId}#${connection.provider}`, connection);
      return 'connected';
    },
    async disconnect(orgId, provider) {
      const connection = orgConnections.get(`${orgId}#${provider}`);
      if (!connection) return undefined;
      orgConnections.delete(`${orgId}#${provider}`);
      accounts.delete(`${provider}#${connection.account}`);
      return connection;
    },
    async revoke() {
      throw new Error('not used by the connections API');
    },
    async orgConnection(orgId, provider) {
      return orgConnections.get(`${orgId}#${provider}`);
    },
    async recordSync() {
      throw new Error('not used by the connections API');
    },
    async connectionsOf(orgId) {
      return [...orgConnections.values()].filter((connection) => connection.orgId === orgId);
    },
    async connectionOf(provider, account) {
      return accounts.get(`${provider}#${account}`);
    },
    async keepUnmatched(_provider, _account, message) {
      kept.push(message);
    },
    async unmatched(provider, account) {
      calls.push(`unmatched ${provider} ${account}`);
      return kept.filter((message) => message.account === account);
    },
    async forgetUnmatched(_provider, _account, message) {
      kept.splice(kept.indexOf(message), 1);
    },
    async putSource(source) {
      const existing = sources.get(source.sourceId);
      if (existing && existing.orgId !== source.orgId) return 'conflict';
      sources.set(source.sourceId, { ...source, createdAt: existing?.createdAt ?? source.createdAt });
      return existing ? 'updated' : 'created';
    },
    async getSource(sourceId) {
      return sources.get(sourceId);
    },
    async sourcesOf(orgId) {
      return [...sources.values()]
        .filter((source) => source.orgId === orgId)
        .map(({ sourceId, createdAt }) => ({ sourceId, createdAt }));
    },
    async recordSourceEvent(event) {
      events.push(event);
    },
    async sourceEvents(sourceId, { limit, since }) {
      calls.push(`sourceEvents ${sourceId} since ${since}`);
      const items = events
        .filter((event) => event.sourceId === sourceId && (since === undefined || event.receivedAt >= since))
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
        .slice(0, limit);
      return { items, nextCursor: null };
    },
  };
}

const NOW = new Date('2026-11-28T12:00:00.000Z');

describe('Function: createConnectionsApiHandler', () => {
  let calls: Call[];
  let store: ReturnType<typeof memoryStore>;
  const cipher = createLocalCipher('unit-test-key-material-connections');
  let handle: ReturnType<typeof createConnectionsApiHandler>;

  beforeEach(() => {
    calls = [];
    store = memoryStore(calls);
    handle = createConnectionsApiHandler({
      connections: store,
      cipher,
      settings: { sourceEventRetentionDays: 30 },
      now: () => NOW,
      observability: recordingObservability(),
    });
  });

  async function call(
    method: string,
    template: string,
    options: {
      orgId?: string;
      role?: 'admin' | 'member';
      params?: Record<string, string>;
      body?: unknown;
      query?: Record<string, string>;
    } = {},
  ) {
    const orgId = options.orgId ?? 'org_1';
    const pathParameters = { orgId: 'org_1', ...options.params };
    const path = template.replace(
      /\{(\w+)\}/g,
      (_, name: string) => pathParameters[name as keyof typeof pathParameters] ?? '',
    );
    const result = await handle(
      httpEvent({
        method,
        routeKey: `${method} ${template}`,
        path,
        pathParameters,
        claims: { org_id: orgId, role: options.role ?? 'admin' },
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        ...(options.query && { query: options.query }),
      }),
    );
    return {
      status: result.statusCode,
      headers: result.headers ?? {},
      body: (result.body ? JSON.parse(result.body) : undefined) as Record<string, unknown>,
    };
  }

  const squareBody = { merchantId: 'ML0G2FQ2RAXRV', notificationUrl: 'https://hooks.example.com/api/webhooks/square' };

  describe('Routes: PUT /connections/square and /connections/shopify (connecting by assertion, retired)', () => {
    it('answers 405 problem+json pointing at the OAuth authorize route, and connects nothing', async () => {
      for (const [provider, body] of [
        ['square', squareBody],
        ['shopify', { shopDomain: 'shop.myshopify.com' }],
      ] as const) {
        const response = await call('PUT', `/v1/orgs/{orgId}/connections/${provider}`, { body });
        expect(response.status).toBe(405);
        expect(response.headers['content-type']).toBe('application/problem+json');
        expect(response.headers.allow).toBe('DELETE');
        expect(response.body).toMatchObject({
          code: 'use_oauth',
          detail: expect.stringContaining(`POST /v1/orgs/org_1/connections/${provider}/authorize`),
        });
      }
      expect(calls).toEqual([]);
      expect(await store.connectionsOf('org_1')).toEqual([]);
    });

    it('answers 403 to a member', async () => {
      expect(
        (await call('PUT', '/v1/orgs/{orgId}/connections/square', { role: 'member', body: squareBody })).status,
      ).toBe(403);
    });
  });

  describe('Route: PUT /connections/sources/{sourceId}', () => {
    it('creates the source with 201 and a secret that is stored only encrypted, bound to org and source', async () => {
      const response = await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
        params: { sourceId: 'erp-1' },
      });
      expect(response.status).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        sourceId: 'erp-1',
        url: '/webhooks/sources/erp-1',
        secret: expect.stringMatching(/^whsec_/),
        createdAt: NOW.toISOString(),
      });
      const stored = store.sources.get('erp-1')!;
      expect(stored.secrets).toHaveLength(1);
      expect(stored.secrets[0]).not.toContain(response.body.secret);
      await expect(cipher.decrypt(stored.secrets[0]!, sourceSecretContext('org_1', 'erp-1'))).resolves.toBe(
        response.body.secret,
      );
      await expect(cipher.decrypt(stored.secrets[0]!, sourceSecretContext('org_2', 'erp-1'))).rejects.toThrow();
    });

    it('rotates with 200: a new secret replaces the old one, createdAt stays', async () => {
      const first = await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
        params: { sourceId: 'erp-1' },
      });
      const second = await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
        params: { sourceId: 'erp-1' },
      });
      expect(second.status).toBe(200);
      expect(second.body.secret).not.toBe(first.body.secret);
      expect(second.body.createdAt).toBe(first.body.createdAt);
      await expect(
        cipher.decrypt(store.sources.get('erp-1')!.secrets[0]!, sourceSecretContext('org_1', 'erp-1')),
      ).resolves.toBe(second.body.secret);
    });

    it("answers 409 for another organisation's source id, 422 for an invalid id", async () => {
      await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
        orgId: 'org_2',
        params: { orgId: 'org_2', sourceId: 'erp-1' },
      });
      const taken = await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
        params: { sourceId: 'erp-1' },
      });
      expect(taken).toMatchObject({ status: 409, body: { code: 'source_id_unavailable' } });
      expect(JSON.stringify(taken.body)).not.toContain('org_2');
      const invalid = await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
        params: { sourceId: 'ERP 1' },
      });
      expect(invalid).toMatchObject({ status: 422, body: { errors: [{ field: 'sourceId' }] } });
    });
  });

  describe('Route: GET /connections', () => {
    it(
      'shows both providers (provider, account, state, scopes, last sync) ' + 'and the sources, never a secret',
      async () => {
        const connectedAt = NOW.toISOString();
        await store.connect({
          provider: 'square',
          orgId: 'org_1',
          account: 'ML0G2FQ2RAXRV',
          notificationUrl: null,
          connectedAt,
        });
        await store.connect({
          provider: 'shopify',
          orgId: 'org_1',
          account: 'shop.myshopify.com',
          notificationUrl: null,
          connectedAt,
          state: 'revoked',
          scopes: ['read_products'],
          lastSyncAt: connectedAt,
        });
        await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', { params: { sourceId: 'erp-1' } });
        const response = await call('GET', '/v1/orgs/{orgId}/connections', { role: 'member' });
        expect(response.body).toEqual({
          square: {
            merchantId: 'ML0G2FQ2RAXRV',
            notificationUrl: null,
            provider: 'square',
            account: 'ML0G2FQ2RAXRV',
            state: 'active',
            connectedAt,
          },
          shopify: {
            shopDomain: 'shop.myshopify.com',
            provider: 'shopify',
            account: 'shop.myshopify.com',
            state: 'revoked',
            connectedAt,
            scopes: ['read_products'],
            lastSyncAt: connectedAt,
          },
          sources: [{ sourceId: 'erp-1', url: '/webhooks/sources/erp-1', createdAt: NOW.toISOString() }],
        });
      },
    );

    it('shows null for providers not connected', async () => {
      expect((await call('GET', '/v1/orgs/{orgId}/connections')).body).toEqual({
        square: null,
        shopify: null,
        sources: [],
      });
    });
  });

  describe('Route: GET /connections/sources/{sourceId}/events', () => {
    it('asks the store for the last 30 days only and parses the bodies', async () => {
      await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', { params: { sourceId: 'erp-1' } });
      store.events.push(
        { id: 'ev1', sourceId: 'erp-1', receivedAt: NOW.toISOString(), body: '{"a":1}', expiresAt: 0 },
        { id: 'ev2', sourceId: 'erp-1', receivedAt: NOW.toISOString(), body: 'not json', expiresAt: 0 },
      );
      const response = await call('GET', '/v1/orgs/{orgId}/connections/sources/{sourceId}/events', {
        role: 'member',
        params: { sourceId: 'erp-1' },
      });
      expect(calls).toContain('sourceEvents erp-1 since 2026-10-29T12:00:00.000Z');
      expect(response.body.items).toEqual([
        { id: 'ev1', receivedAt: NOW.toISOString(), body: { a: 1 } },
        { id: 'ev2', receivedAt: NOW.toISOString(), body: 'not json' },
      ]);
    });

    it("answers 404 for another organisation's source and for an id that cannot exist", async () => {
      await call('PUT', '/v1/orgs/{orgId}/connections/sources/{sourceId}', {
        orgId: 'org_2',
        params: { orgId: 'org_2', sourceId: 'erp-2' },
      });
      expect(
        (await call('GET', '/v1/orgs/{orgId}/connections/sources/{sourceId}/events', { params: { sourceId: 'erp-2' } }))
          .status,
      ).toBe(404);
      expect(
        (await call('GET', '/v1/orgs/{orgId}/connections/sources/{sourceId}/events', { params: { sourceId: 'NOPE' } }))
          .status,
      ).toBe(404);
    });
  });
});
