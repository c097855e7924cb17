import type { QueueSender } from '../platform/aws/queue';
import type { ConnectionsStore } from '../inbound/connections/connections-store';
import { WriteConflictError } from '../platform/errors';
import { publishEvent } from '../events/publish';
import type { QueuedWebhook } from '../inbound/queued-webhook';
import { parseCatalogMessage, type CatalogChange } from './catalog-message';
import {
  decideItem,
  decideLevel,
  DEFAULT_STOCKOUT_THRESHOLD,
  stockoutEventFor,
  type CatalogItem,
  type Decision,
  type ItemChange,
  type LevelChange,
  type StockLevel,
  type VariantRef,
} from './catalog-record';
import type { CatalogStore } from './catalog-store';
import type { SquareCatalogSource } from './square-catalog-client';
import { squareCatalogChanges } from './square-changes';
import { parseInstant, type Instant } from './versions';
import { applyAccountLifecycle, type AccountLifecycleDependencies, type LifecycleOutcome } from './account-lifecycle';

/**
 * Applies one queued Square or Shopify webhook to the catalog: resolve the organisation that
 * connected the merchant or shop, decide (pure) against what is stored, write conditionally, then
 * publish a stockout signal where a level crossed its threshold. Every step is idempotent, so a
 * redelivery, or a retry after a crash at any point, converges on one effect.
 */

export interface CatalogDependencies {
  readonly store: CatalogStore;
  readonly connections: Pick<ConnectionsStore, 'connectionOf' | 'keepUnmatched' | 'forgetUnmatched'>;
  /** Present when a Square access token is configured; without it catalog pulls are skipped. */
  readonly squareCatalog: SquareCatalogSource | undefined;
  /** The merchant's own OAuth token's catalog, when it connected by OAuth (preferred over squareCatalog). */
  readonly squareCatalogOf?: (merchantId: string) => Promise<SquareCatalogSource | undefined>;
  /** Uninstalls, revocations and compliance requests (absent: such events are ignored). */
  readonly lifecycle?: Omit<AccountLifecycleDependencies, 'store'>;
  /** Where `demand_signal.stockout_risk` is published for tenants' webhooks. */
  readonly events: QueueSender;
  readonly now: () => Date;
}

/** Events from a merchant or shop no organisation has connected are kept this long for replay. */
const UNMATCHED_RETENTION_DAYS = 30;
const MAX_WRITE_ATTEMPTS = 5;

export type PullOutcome =
  | {
      readonly status: 'pulled';
      readonly pages: number;
      readonly objects: number;
      readonly invalid: number;
      readonly marker: string;
    }
  | { readonly status: 'up_to_date'; readonly marker: string }
  | { readonly status: 'skipped'; readonly reason: 'no_access_token' | 'token_of_another_merchant' };

export interface CatalogOutcome {
  readonly outcome: 'processed' | 'ignored' | 'unmatched';
  readonly provider: 'square' | 'shopify';
  readonly account: string;
  readonly orgId: string | null;
  readonly applied: number;
  readonly stale: number;
  readonly duplicate: number;
  /** Ids of the stockout events published (again, for a redelivery whose first publish may have been lost). */
  readonly published: readonly string[];
  /** `<source>#<itemId>` of the items and stock levels this event changed. */
  readonly written: readonly string[];
  readonly pull?: PullOutcome;
  readonly reason?: string;
  readonly lifecycle?: LifecycleOutcome;
}

interface Tally {
  applied: number;
  stale: number;
  duplicate: number;
  published: string[];
  written: string[];
}

export async function processCatalogMessage(
  message: QueuedWebhook,
  deps: CatalogDependencies,
): Promise<CatalogOutcome> {
  const { provider, account, change } = parseCatalogMessage(message);
  const base = { provider, account, applied: 0, stale: 0, duplicate: 0, published: [], written: [] };
  if (change.kind === 'ignored') return { ...base, outcome: 'ignored', orgId: null, reason: change.reason };
  if (change.kind === 'revoked' || change.kind === 'erase' || change.kind === 'customerDataRequest') {
    if (!deps.lifecycle)
      return { ...base, outcome: 'ignored', orgId: null, reason: `${change.kind} is not handled here` };
    const lifecycle = await applyAccountLifecycle(change, provider, account, message.eventId, {
      ...deps.lifecycle,
      store: deps.store,
    });
    return { ...base, outcome: 'processed', orgId: lifecycle.orgId, lifecycle };
  }
  let connection = await deps.connections.connectionOf(provider, account);
  // A revoked account is as unknown as one never connected: its events wait for whoever connects it.
  if (connection?.state === 'revoked') connection = undefined;
  if (!connection) {
    // Kept, not retried: connecting the account replays it.
    await deps.connections.keepUnmatched(provider, account, message, UNMATCHED_RETENTION_DAYS);
    // The account may have been connected (and its kept events replayed) between the lookup and
    // the keep; look again so this event is not left waiting for a connection that already exists.
    connection = await deps.connections.connectionOf(provider, account);
    if (!connection || connection.state === 'revoked')
      return {
        ...base,
        outcome: 'unmatched',
        orgId: null,
        reason: `no organisation has connected ${provider} account ${account}`,
      };
    await deps.connections.forgetUnmatched(provider, account, message);
  }
  const { orgId } = connection;
  const tally: Tally = { applied: 0, stale: 0, duplicate: 0, published: [], written: [] };
  const pull = await apply(change, orgId, message.correlationId, deps, tally);
  return { ...base, ...tally, outcome: 'processed', orgId, ...(pull && { pull }) };
}

async function apply(
  change: Exclude<CatalogChange, { kind: 'ignored' }>,
  orgId: string,
  correlationId: string,
  deps: CatalogDependencies,
  tally: Tally,
): Promise<PullOutcome | undefined> {
  switch (change.kind) {
    case 'items':
      await applyItems(change.items, change.refs, orgId, deps, tally);
      return undefined;
    case 'levels':
      await applyLevels(change.levels, orgId, correlationId, deps, tally);
      return undefined;
    case 'catalogVersion':
      return pullSquareCatalog(change.merchantId, change.updatedAt, orgId, deps, tally);
  }
}

type ApplyDependencies = Pick<CatalogDependencies, 'store' | 'events' | 'now'>;

/** Counts of what a batch of changes did to the catalog. */
export type ApplyTally = Tally;

export function emptyTally(): ApplyTally {
  return { applied: 0, stale: 0, duplicate: 0, published: [], written: [] };
}

/** The catalog apply path for changes read from a provider's API (an initial sync) rather than a webhook. */
export async function applyCatalogChanges(
  changes: { items?: readonly ItemChange[]; refs?: readonly VariantRef[]; levels?: readonly LevelChange[] },
  orgId: string,
  correlationId: string,
  deps: ApplyDependencies,
): Promise<ApplyTally> {
  const tally = emptyTally();
  if (changes.items) await applyItems(changes.items, changes.refs ?? [], orgId, deps, tally);
  if (changes.levels) await applyLevels(changes.levels, orgId, correlationId, deps, tally);
  return tally;
}

function count(tally: Tally, outcome: Decision<unknown>['outcome'], written: string): void {
  tally[outcome] += 1;
  if (outcome === 'applied' && !tally.written.includes(written)) tally.written.push(written);
}

/** Read, decide, write if unchanged since the read; decide again on a conflict. */
async function writeDecided<T extends { readonly version: string }>(
  key: string,
  read: () => Promise<T | undefined>,
  decide: (current: T | undefined) => Decision<T>,
  write: (record: T, expectedVersion: string | undefined) => Promise<'written' | 'conflict'>,
): Promise<{ decision: Decision<T>; current: T | undefined }> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await read();
    const decision = decide(current);
    if (decision.outcome !== 'applied') return { decision, current };
    if ((await write(decision.record, current?.version)) === 'written') return { decision, current };
  }
  throw new WriteConflictError(key, MAX_WRITE_ATTEMPTS);
}

async function applyItems(
  items: readonly ItemChange[],
  refs: readonly VariantRef[],
  orgId: string,
  deps: ApplyDependencies,
  tally: Tally,
): Promise<void> {
  const now = deps.now().toISOString();
  const staleItems = new Set<string>();
  for (const change of items) {
    const { decision } = await writeDecided<CatalogItem>(
      `ORG#${orgId}/ITEM#${change.source}#${change.itemId}`,
      () => deps.store.getItem(orgId, change.source, change.itemId),
      (stored) => decideItem(stored, change, orgId, now),
      (record, expected) => deps.store.putItem(record, expected),
    );
    count(tally, decision.outcome, `${change.source}#${change.itemId}`);
    if (decision.outcome === 'stale') staleItems.add(change.itemId);
  }
  // SKU references, except those of a stale item; each reference also only ever moves forward itself.
  for (const ref of refs) {
    if (!staleItems.has(ref.itemId)) await deps.store.putRefIfNewer(orgId, ref);
  }
}

async function applyLevels(
  levels: readonly LevelChange[],
  orgId: string,
  correlationId: string,
  deps: ApplyDependencies,
  tally: Tally,
): Promise<void> {
  const now = deps.now().toISOString();
  const threshold = (await deps.store.getInventorySettings(orgId))?.stockoutThreshold ?? DEFAULT_STOCKOUT_THRESHOLD;
  for (const change of levels) {
    const { decision, current } = await writeDecided<StockLevel>(
      `ORG#${orgId}/LEVEL#${change.itemId}#${change.locationId}#${change.source}#${change.state}`,
      () => deps.store.getLevel(orgId, change),
      (stored) => decideLevel(stored, change, orgId, threshold, now),
      (record, expected) => deps.store.putLevel(record, expected),
    );
    count(tally, decision.outcome, `${change.source}#${change.itemId}`);
    // A duplicate may be the retry of a run that wrote the level but crashed before publishing.
    const level =
      decision.outcome === 'applied' ? decision.record : decision.outcome === 'duplicate' ? current : undefined;
    if (level?.stockoutEventId) {
      const ref = await deps.store.getRef(orgId, level.source, level.itemId);
      const { event } = await publishEvent(stockoutEventFor(level, ref), deps.events, correlationId);
      tally.published.push(event.id);
    }
  }
}

/**
 * `catalog.version.updated`: record the version, then pull what changed since the last complete
 * pull. The marker advances only once every page has been applied, so a pull that fails half-way is
 * redone from the same point when SQS redelivers the message.
 */
async function pullSquareCatalog(
  merchantId: string,
  updatedAt: Instant,
  orgId: string,
  deps: CatalogDependencies,
  tally: Tally,
): Promise<PullOutcome> {
  await deps.store.recordCatalogVersion(orgId, merchantId, updatedAt);
  const source = (await deps.squareCatalogOf?.(merchantId)) ?? deps.squareCatalog;
  if (!source) return { status: 'skipped', reason: 'no_access_token' };
  // One configured token reads one merchant's catalog: never copy it into another merchant's org.
  if ((await source.tokenMerchantId()) !== merchantId)
    return { status: 'skipped', reason: 'token_of_another_merchant' };
  const state = await deps.store.getSquarePull(orgId, merchantId);
  const pulledUpTo = parseInstant(state?.lastPulledAt);
  if (pulledUpTo && pulledUpTo.key >= updatedAt.key) return { status: 'up_to_date', marker: pulledUpTo.iso };

  let pages = 0;
  let objects = 0;
  let invalid = 0;
  let latestTime: Instant | undefined;
  for await (const page of source.changedObjects({ ...(pulledUpTo && { beginTime: pulledUpTo.iso }) })) {
    if (pages === 0) latestTime = parseInstant(page.latestTime);
    pages += 1;
    objects += page.objects.length;
    const changes = squareCatalogChanges(page.objects, page.relatedObjects);
    invalid += changes.invalid;
    await applyItems(changes.items, changes.refs, orgId, deps, tally);
  }
  // Square's latest_time says how far this search saw; without it, the version that asked for the pull.
  const marker = latestTime ?? updatedAt;
  await deps.store.advancePullMarker(orgId, merchantId, marker, { at: deps.now().toISOString(), objects });
  return { status: 'pulled', pages, objects, invalid, marker: marker.iso };
}
