import type { ConnectionsStore, Provider } from '../inbound/connections/connections-store';
import type { AlertSink } from '../platform/alerts';
import type { AccountLifecycleChange } from './catalog-message';
import type { CatalogStore } from './catalog-store';

/**
 * The provider speaking about the account rather than its catalog. Access revoked (Shopify
 * `app/uninstalled`, Square `oauth.authorization.revoked`): the connection is marked revoked, its
 * token deleted (it no longer works anyway) and ops alerted; the account's events are then kept as
 * unmatched, as for any unknown account. `shop/redact`: the shop's catalog and stock data are erased
 * and the connection removed. Customer requests: recorded for the operator (ops alert); the platform
 * stores no customer data, so there is nothing to return or erase. Each is idempotent.
 */

export interface AccountLifecycleDependencies {
  readonly connections: Pick<ConnectionsStore, 'connectionOf' | 'revoke' | 'disconnect'>;
  readonly store: Pick<CatalogStore, 'eraseSource'>;
  readonly deleteToken: (provider: Provider, account: string) => Promise<void>;
  readonly alerts: AlertSink | undefined;
}

export interface LifecycleOutcome {
  readonly orgId: string | null;
  readonly action: 'revoked' | 'erased' | 'recorded' | 'unknown_account';
  readonly erased?: number;
}

export async function applyAccountLifecycle(
  change: AccountLifecycleChange,
  provider: Provider,
  account: string,
  eventId: string,
  deps: AccountLifecycleDependencies,
): Promise<LifecycleOutcome> {
  const connection = await deps.connections.connectionOf(provider, account);
  const orgId = connection?.orgId ?? null;
  const alert = async (kind: 'connection_revoked' | 'shopify_compliance_request', message: string, at: string) =>
    deps.alerts?.raise({
      id: `${kind}:${provider}:${account}:${eventId}`,
      orgId,
      kind,
      severity: 'warning',
      message,
      at,
      source: 'catalog-consumer',
      details: { provider, account, eventId },
    });

  switch (change.kind) {
    case 'revoked': {
      await deps.deleteToken(provider, account);
      if (!connection) return { orgId, action: 'unknown_account' };
      await deps.connections.revoke(provider, account, change.at);
      await alert('connection_revoked', `${provider} revoked the platform's access to ${account}`, change.at);
      return { orgId, action: 'revoked' };
    }
    case 'erase': {
      await deps.deleteToken(provider, account);
      if (!connection) return { orgId, action: 'unknown_account' };
      const erased = await deps.store.eraseSource(connection.orgId, provider);
      if (connection.state === 'revoked') await deps.connections.disconnect(connection.orgId, provider);
      return { orgId, action: 'erased', erased };
    }
    case 'customerDataRequest': {
      const at = new Date().toISOString();
      await alert(
        'shopify_compliance_request',
        `Shopify ${change.topic} for ${account}: the platform stores no customer data; nothing to return or erase`,
        at,
      );
      return { orgId, action: 'recorded' };
    }
  }
}
