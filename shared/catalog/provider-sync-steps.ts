import type { ConnectionsStore } from '../inbound/connections/connections-store';
import type { ShopifyAdminClient } from '../inbound/connections/shopify-admin-client';
import type { Job, JsonValue, StepResult } from '../platform/jobs/job';
import type { JobStep } from '../platform/jobs/job-runner';
import { applyCatalogChanges, type CatalogDependencies } from './process-catalog-event';
import { shopifyProductChange } from './shopify-changes';
import type { SquareCatalogPages } from './square-catalog-client';
import { squareCatalogChanges, squareCountChanges } from './square-changes';
import { syncParamsOf, type SyncParams } from './provider-sync';

/**
 * One page of an initial sync per step. Shopify: products along GraphQL cursors. Square: catalog
 * objects (SearchCatalogObjects), then inventory counts (BatchRetrieveInventoryCounts), each along
 * its cursor. Every write goes through the catalog's own apply path with a version that is the same
 * on every run of a page (the object's own time, tie-broken by `sync`), so a page re-run after a crash
 * finds its writes already there and counts them as duplicates: every object lands exactly once.
 * Rate limits surface as thrown errors; the job runner retries the page with a growing delay.
 */

export interface ProviderSyncDependencies extends Pick<CatalogDependencies, 'store' | 'events' | 'now'> {
  readonly connections: Pick<ConnectionsStore, 'connectionOf' | 'recordSync'>;
  /** A valid access token of the account (refreshed when due). */
  readonly accessToken: (params: SyncParams) => Promise<string>;
  readonly shopify: Pick<ShopifyAdminClient, 'productsPage'> | undefined;
  readonly square: ((accessToken: string) => SquareCatalogPages) | undefined;
}

const SYNC_TIE_BREAK = 'sync';

interface Checkpoint {
  readonly phase: 'catalog' | 'inventory';
  readonly cursor: string | null;
}

function checkpointOf(job: Job): Checkpoint {
  const value = job.checkpoint as { phase?: unknown; cursor?: unknown } | null;
  if (value === null) return { phase: 'catalog', cursor: null };
  return {
    phase: value.phase === 'inventory' ? 'inventory' : 'catalog',
    cursor: typeof value.cursor === 'string' ? value.cursor : null,
  };
}

function progressAfter(job: Job, objects: number) {
  return { pages: (job.progress.pages ?? 0) + 1, objects: (job.progress.objects ?? 0) + objects };
}

function result(job: Job, objects: number, next: Checkpoint | null): StepResult {
  return {
    checkpoint: (next ?? checkpointOf(job)) as unknown as JsonValue,
    progress: progressAfter(job, objects),
    done: next === null,
  };
}

async function shopifyPage(job: Job, params: SyncParams, deps: ProviderSyncDependencies): Promise<StepResult> {
  if (!deps.shopify) throw new Error('No Shopify app is configured');
  const token = await deps.accessToken(params);
  const { cursor } = checkpointOf(job);
  const page = await deps.shopify.productsPage(params.account, token, cursor);
  const receivedAt = deps.now().toISOString();
  const changes = page.products.map((product) =>
    shopifyProductChange(product, { webhookId: SYNC_TIE_BREAK, triggeredAt: undefined, receivedAt }),
  );
  await applyCatalogChanges(
    { items: changes.map((change) => change.item), refs: changes.flatMap((change) => change.refs) },
    params.orgId,
    job.jobId,
    deps,
  );
  const next = page.hasNextPage && page.endCursor ? { phase: 'catalog' as const, cursor: page.endCursor } : null;
  return result(job, page.products.length, next);
}

async function squarePage(job: Job, params: SyncParams, deps: ProviderSyncDependencies): Promise<StepResult> {
  if (!deps.square) throw new Error('No Square application is configured');
  const pages = deps.square(await deps.accessToken(params));
  const at = checkpointOf(job);
  if (at.phase === 'catalog') {
    const page = await pages.catalogPage(at.cursor);
    const changes = squareCatalogChanges(page.objects, page.relatedObjects);
    await applyCatalogChanges({ items: changes.items, refs: changes.refs }, params.orgId, job.jobId, deps);
    return result(job, page.objects.length, { phase: page.cursor ? 'catalog' : 'inventory', cursor: page.cursor });
  }
  const page = await pages.inventoryPage(at.cursor);
  const levels = squareCountChanges(page.counts, { createdAt: deps.now().toISOString(), tieBreak: SYNC_TIE_BREAK });
  await applyCatalogChanges({ levels }, params.orgId, job.jobId, deps);
  return result(job, page.counts.length, page.cursor ? { phase: 'inventory', cursor: page.cursor } : null);
}

export function createProviderSyncStep(deps: ProviderSyncDependencies): JobStep {
  return async (job) => {
    const params = syncParamsOf(job);
    // Disconnected (or connected elsewhere) since the job started: stop without writing anything.
    const connection = await deps.connections.connectionOf(params.provider, params.account);
    if (!connection || connection.orgId !== params.orgId)
      return { checkpoint: job.checkpoint, progress: job.progress, done: true };
    const step = params.provider === 'shopify' ? shopifyPage : squarePage;
    const outcome = await step(job, params, deps);
    if (outcome.done)
      await deps.connections.recordSync(params.orgId, params.provider, { lastSyncAt: deps.now().toISOString() });
    return outcome;
  };
}
