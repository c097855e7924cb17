import type { QueueSender } from '../../shared/platform/aws/queue';
import type { SyncParams } from '../../shared/catalog/provider-sync';
import type { ConnectionTokens } from '../../shared/inbound/connections/connection-tokens';
import type { ConnectionsStore, Provider } from '../../shared/inbound/connections/connections-store';
import { replayUnmatched } from '../../shared/inbound/connections/replay-unmatched';
import type { TokenGrant } from '../../shared/inbound/connections/token-grant';

/**
 * The end of every proven connection (an OAuth callback, or an operator attaching an account with
 * its token): the account becomes the organisation's unless another organisation holds it (the
 * first keeps it; nothing is stored), the token pair is stored encrypted, the initial sync starts,
 * and events kept while the account was unknown are replayed.
 */

export interface ConnectAccountDependencies {
  readonly connections: ConnectionsStore;
  readonly tokens: Pick<ConnectionTokens, 'store' | 'delete'>;
  readonly startSync: (params: SyncParams) => Promise<{ jobId: string; started: boolean }>;
  readonly catalogQueue: Pick<QueueSender, 'sendBatch'>;
  readonly now: () => Date;
}

export type ConnectOutcome =
  | { readonly status: 'connected'; readonly syncJobId: string; readonly replayedEvents: number }
  | { readonly status: 'conflict' };

/** Whether another organisation holds the account: checked before anything is asked of the provider. */
export async function heldElsewhere(
  connections: Pick<ConnectionsStore, 'connectionOf'>,
  provider: Provider,
  account: string,
  orgId: string,
): Promise<boolean> {
  const current = await connections.connectionOf(provider, account);
  return current !== undefined && current.orgId !== orgId && current.state !== 'revoked';
}

export async function connectAccount(
  deps: ConnectAccountDependencies,
  input: { orgId: string; provider: Provider; account: string; grant: TokenGrant },
): Promise<ConnectOutcome> {
  const { orgId, provider, account, grant } = input;
  if (await heldElsewhere(deps.connections, provider, account, orgId)) return { status: 'conflict' };
  const previous = await deps.connections.orgConnection(orgId, provider);
  const sameAccount = previous?.account === account && previous.state !== 'revoked';
  const outcome = await deps.connections.connect({
    provider,
    orgId,
    account,
    notificationUrl: null,
    connectedAt: sameAccount ? previous.connectedAt : deps.now().toISOString(),
    state: 'active',
    scopes: grant.scopes,
  });
  if (outcome === 'conflict') return { status: 'conflict' };
  await deps.tokens.store(orgId, provider, account, grant);
  // The org moved to another shop or merchant: the old account's token is of no more use here.
  if (previous && previous.account !== account) await deps.tokens.delete(provider, previous.account);
  const sync = await deps.startSync({ provider, account, orgId });
  await deps.connections.recordSync(orgId, provider, { syncJobId: sync.jobId });
  const replayedEvents = await replayUnmatched(
    { store: deps.connections, catalogQueue: deps.catalogQueue },
    provider,
    account,
  );
  return { status: 'connected', syncJobId: sync.jobId, replayedEvents };
}
