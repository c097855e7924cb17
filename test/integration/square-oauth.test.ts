import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSystem, type LocalSystem } from '../../infra/local/system';
import type { SquareSimulator } from '../../infra/local/simulators/square-simulator';
import { createProviderClients } from '../../shared/catalog/provider-clients';
import { SYNC_JOB_KIND, syncJobScope } from '../../shared/catalog/provider-sync';
import { createProviderSyncStep } from '../../shared/catalog/provider-sync-steps';
import { createCatalogStore, type CatalogStore } from '../../shared/catalog/catalog-store';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { sdkSecretReader } from '../../shared/platform/aws/secrets-manager-client';
import { loadOauthAppsConfig } from '../../shared/platform/config';
import { createConnectionTokens } from '../../shared/inbound/connections/connection-tokens';
import { createConnectionsStore, type ConnectionsStore } from '../../shared/inbound/connections/connections-store';
import { createOAuthTokenStore, type OAuthTokenStore } from '../../shared/inbound/connections/oauth-token-store';
import { createLocalCipher } from '../../shared/platform/crypto/secret-cipher';
import { newJob } from '../../shared/platform/jobs/job';
import { runJobStep, type JobRunnerDependencies } from '../../shared/platform/jobs/job-runner';
import { createJobsStore } from '../../shared/platform/jobs/jobs-store';
import { ENDPOINT_SECRETS_KEY, TABLES } from '../../shared/platform/topology';
import { eventually, getJson, token } from '../support/local-system';
import { authorize, submitConsent } from '../support/oauth';

/**
 * Square by OAuth on the local runtime against the Square simulator: connect (the merchant named by
 * Square's token answer), the initial sync of catalog and stock, scheduled refreshes (before expiry;
 * failing, alerting, then succeeding), the catalog pull with the merchant's own token, Square's
 * revocation webhook, revoke on disconnect, no second organisation taking the merchant by any route,
 * and a sync whose worker dies between pages resuming with every object exactly once.
 */

const MERCHANT = 'MLMERCHANT1';
const ORG = 'org_sq';
const ITEMS = 250;
const DAY_MS = 86_400_000;

describe('Integration: connecting a Square merchant by OAuth', () => {
  let system: LocalSystem;
  let square: SquareSimulator;
  let connections: ConnectionsStore;
  let oauth: OAuthTokenStore;
  let catalog: CatalogStore;
  let documents: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, memory: true, quiet: true, scheduleTimers: false });
    square = system.simulators.square!;
    documents = createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: system.dynamodbEndpoint, AWS_REGION: 'us-east-1' });
    connections = createConnectionsStore(documents, system.env[TABLES.connections.envVar]!);
    oauth = createOAuthTokenStore(documents, system.env[TABLES.connections.envVar]!);
    catalog = createCatalogStore(documents, system.env[TABLES.catalog.envVar]!);
    square.addItems(MERCHANT, ITEMS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const admin = (orgId: string) => token(system, orgId, 'admin');

  async function connect(orgId: string, merchantId: string): Promise<URL> {
    const started = await authorize(system, await admin(orgId), orgId, 'square', {});
    expect(started.status).toBe(200);
    const url = new URL(String(started.body.authorizeUrl));
    expect(url.searchParams.get('scope')).toBe('MERCHANT_PROFILE_READ ITEMS_READ INVENTORY_READ');
    return (await submitConsent(url.toString(), { merchant_id: merchantId })).consoleUrl;
  }

  async function moveExpiry(expiresInMs: number, extra: Record<string, unknown> = {}) {
    const current = (await oauth.getToken('square', MERCHANT))!;
    const moved = {
      ...current,
      accessExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
      version: current.version + 1,
      ...extra,
    };
    expect(await oauth.saveToken(moved, current.version)).toBe(true);
  }

  it('connects, syncs catalog and stock over many pages, and lists the connection', async () => {
    expect((await connect(ORG, MERCHANT)).searchParams.get('connected')).toBe('square');
    const stored = await oauth.getToken('square', MERCHANT);
    expect(stored).toMatchObject({ orgId: ORG, refreshFailures: 0 });
    expect(stored?.accessToken).toMatch(/^local:v1:/);
    expect(JSON.stringify(stored)).not.toContain('EAAAsim');

    const sync = await eventually(
      async () => {
        const view = await getJson(system, `/v1/orgs/${ORG}/connections/square/sync`, await admin(ORG));
        return view.body.status === 'completed' ? view.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(sync).toMatchObject({ kind: 'sync', progress: { pages: 6, objects: 2 * ITEMS } });
    expect((await catalog.listItems(ORG, { source: 'square', limit: 100 })).items).toHaveLength(100);
    const levels = await catalog.listLevels(ORG, { itemId: 'VAR_250', limit: 10 });
    expect(levels.items).toEqual([expect.objectContaining({ quantity: '5', locationId: 'LOC_1' })]);

    const listed = await getJson(system, `/v1/orgs/${ORG}/connections`, await admin(ORG));
    expect(listed.body.square).toMatchObject({
      provider: 'square',
      account: MERCHANT,
      merchantId: MERCHANT,
      state: 'active',
    });
    expect(JSON.stringify(listed.body)).not.toContain('EAAAsim');
  });

  it('lets no second organisation take the merchant, by consent or by the operator route', async () => {
    expect((await connect('org_rival', MERCHANT)).searchParams.get('error')).toBe('account_connected_elsewhere');
    expect(await connections.orgConnection('org_rival', 'square')).toBeUndefined();
    const put = await fetch(`${system.url}/v1/orgs/org_rival/connections/square`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await admin('org_rival')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ merchantId: MERCHANT, notificationUrl: 'https://example.com/hook' }),
    });
    expect(put.status).toBe(405);
    expect((await connections.connectionOf('square', MERCHANT))?.orgId).toBe(ORG);
  });

  it('refreshes a token well before its 30-day expiry; a failed refresh alerts, backs off, then succeeds', async () => {
    await moveExpiry(20 * DAY_MS);
    const before = square.counters.refreshes;
    await system.runSchedule('oauthTokenRefresh');
    expect(square.counters.refreshes - before).toBe(1);
    expect(Date.parse((await oauth.getToken('square', MERCHANT))!.accessExpiresAt!)).toBeGreaterThan(
      Date.now() + 29 * DAY_MS,
    );

    await moveExpiry(5 * DAY_MS);
    square.failures.refreshes = 1;
    await system.runSchedule('oauthTokenRefresh');
    expect(await oauth.getToken('square', MERCHANT)).toMatchObject({
      refreshFailures: 1,
      lapseAlertedAt: expect.any(String),
    });
    const alerts = await getJson(system, `/v1/orgs/${ORG}/alerts`, await admin(ORG));
    expect(alerts.body.items).toEqual([expect.objectContaining({ kind: 'oauth_token_lapsing', severity: 'critical' })]);
    // Within the backoff: not tried again.
    const tried = square.counters.refreshes;
    await system.runSchedule('oauthTokenRefresh');
    expect(square.counters.refreshes).toBe(tried);
    await moveExpiry(5 * DAY_MS, { lastRefreshAttemptAt: new Date(Date.now() - 2 * 60_000).toISOString() });
    await system.runSchedule('oauthTokenRefresh');
    expect(await oauth.getToken('square', MERCHANT)).toMatchObject({ refreshFailures: 0, lapseAlertedAt: null });
  });

  it("pulls a changed catalog with the merchant's own token", async () => {
    expect(
      await square.emit(MERCHANT, 'catalog.version.updated', {
        object: { catalog_version: { updated_at: '2026-02-01T00:00:00Z' } },
      }),
    ).toBe(200);
    const pull = await eventually(async () => {
      const state = await catalog.getSquarePull(ORG, MERCHANT);
      return state?.lastPulledAt ? state : undefined;
    });
    expect(pull.lastPullObjects).toBe(ITEMS);
  });

  it(
    "marks the connection revoked on Square's oauth.authorization.revoked, " + 'and re-authorising restores it',
    async () => {
      const revocation = { object: { revocation: { revoked_at: new Date().toISOString(), revoker_type: 'MERCHANT' } } };
      expect(await square.emit(MERCHANT, 'oauth.authorization.revoked', revocation)).toBe(200);
      await eventually(async () =>
        (await connections.orgConnection(ORG, 'square'))?.state === 'revoked' ? true : undefined,
      );
      expect(await oauth.getToken('square', MERCHANT)).toBeUndefined();
      const alerts = await getJson(system, `/v1/orgs/${ORG}/alerts`, await admin(ORG));
      expect(alerts.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'connection_revoked' })]),
      );
      expect((await getJson(system, `/v1/orgs/${ORG}/connections`, await admin(ORG))).body.square).toMatchObject({
        state: 'revoked',
      });

      expect((await connect(ORG, MERCHANT)).searchParams.get('connected')).toBe('square');
      expect(await connections.orgConnection(ORG, 'square')).toMatchObject({ state: 'active' });
    },
  );

  it('revokes the token at Square on disconnect and removes the connection', async () => {
    expect(square.hasLiveToken(MERCHANT)).toBe(true);
    const response = await fetch(`${system.url}/v1/orgs/${ORG}/connections/square`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await admin(ORG)}` },
    });
    expect(response.status).toBe(204);
    expect(square.hasLiveToken(MERCHANT)).toBe(false);
    expect(await oauth.getToken('square', MERCHANT)).toBeUndefined();
    expect(await connections.connectionOf('square', MERCHANT)).toBeUndefined();
  });

  it('resumes a sync whose worker died between pages, with every object written exactly once', async () => {
    const merchant = 'MLCRASH1';
    const orgId = 'org_crash';
    square.addItems(merchant, 230);
    // Connected by OAuth; once the runtime's own sync is done its writes are erased, and a second sync
    // is driven here by hand so every write it makes is seen.
    expect((await connect(orgId, merchant)).searchParams.get('connected')).toBe('square');
    await eventually(async () => ((await connections.orgConnection(orgId, 'square'))?.lastSyncAt ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    await catalog.eraseSource(orgId, 'square');
    const env = { ...system.env };
    const clients = createProviderClients(loadOauthAppsConfig(env), sdkSecretReader(env), () => new Date());
    const tokens = createConnectionTokens({
      store: oauth,
      cipher: createLocalCipher(env[ENDPOINT_SECRETS_KEY.localKeyEnvVar]!),
      refresher: clients.refresher,
      now: () => new Date(),
    });
    const written: string[] = [];
    const recordingStore: CatalogStore = {
      ...catalog,
      putItem: async (item, expected) => {
        const outcome = await catalog.putItem(item, expected);
        if (outcome === 'written') written.push(item.itemId);
        return outcome;
      },
    };
    const step = createProviderSyncStep({
      store: recordingStore,
      events: { send: async () => 'unused', sendBatch: async () => [] } as never,
      connections,
      accessToken: (params) => tokens.accessToken(params.provider, params.account),
      shopify: undefined,
      square: clients.square!.catalog,
      now: () => new Date(),
    });
    const jobs = createJobsStore(documents, system.env[TABLES.jobs.envVar]!);
    const job = newJob({
      jobId: 'sync_crash',
      kind: SYNC_JOB_KIND,
      scope: syncJobScope(orgId),
      params: { provider: 'square', account: merchant, orgId },
      progress: { pages: 0, objects: 0 },
      now: new Date(),
      retentionDays: 1,
    });
    await jobs.create(job);
    // The worker dies after page 2's writes, before its checkpoint is stored.
    let steps = 0;
    const dying: JobRunnerDependencies['jobs'] = {
      ...jobs,
      save: async (next, expected) => {
        steps += 1;
        if (steps === 2) throw new Error('worker killed between pages');
        return jobs.save(next, expected);
      },
    };
    const runner = (store: JobRunnerDependencies['jobs']): JobRunnerDependencies => ({
      jobs: store,
      queue: { send: async () => 'queued', sendBatch: async () => [] } as never,
      steps: { [SYNC_JOB_KIND]: step },
      now: () => new Date(),
      events: { stepCompleted: () => {}, finished: () => {}, stepFailed: () => {} },
    });
    const ref = { scope: job.scope, jobId: job.jobId };
    expect(await runJobStep(ref, runner(dying))).toBe('advanced');
    await expect(runJobStep(ref, runner(dying))).rejects.toThrow('worker killed');
    let outcome;
    do outcome = await runJobStep(ref, runner(jobs));
    while (outcome === 'advanced');
    expect(outcome).toBe('completed');
    const done = await jobs.get(job.scope, job.jobId);
    expect(done).toMatchObject({ status: 'completed', progress: { pages: 6, objects: 460 } });
    // Page 2 ran twice (before and after the crash); its second run found its writes already there.
    expect(written).toHaveLength(230);
    expect(new Set(written).size).toBe(230);
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.listItems(orgId, { source: 'square', limit: 100, ...(cursor && { cursor }) });
      all.push(...page.items.map((item) => item.itemId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toHaveLength(230);
    expect(new Set(all).size).toBe(230);
  });
});
