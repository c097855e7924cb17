import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ConnectionTokens } from '../../shared/inbound/connections/connection-tokens';
import type { OAuthTokenStore, StoredToken } from '../../shared/inbound/connections/oauth-token-store';
import { lapseAlertDue, refreshAttemptDue } from '../../shared/inbound/connections/oauth/token-lifecycle';
import type { AlertSink } from '../../shared/platform/alerts';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';

/**
 * The scheduled token refresh (EventBridge hourly; a timer in the local runtime): every token whose
 * refresh is due, and whose last failure's backoff has passed, is refreshed (one refresher per token:
 * the lease in ConnectionTokens). A refresh that keeps failing raises one ops alert once the token is
 * within a week of lapsing, so someone acts before the merchant's data stops flowing.
 */

export interface TokenRefreshDependencies {
  readonly store: Pick<OAuthTokenStore, 'allTokens' | 'getToken' | 'saveToken'>;
  readonly tokens: Pick<ConnectionTokens, 'refresh'>;
  readonly alerts: AlertSink;
  readonly now: () => Date;
  readonly observability: Observability;
}

export interface RefreshRunSummary {
  readonly checked: number;
  readonly refreshed: number;
  readonly failed: number;
  readonly alerted: number;
}

const METRIC = METRIC_NAMES.oauthTokenRefresh;

export function createTokenRefreshHandler(deps: TokenRefreshDependencies) {
  const { logger, metrics } = deps.observability;

  async function alertIfLapsing(provider: StoredToken['provider'], account: string): Promise<boolean> {
    const token = await deps.store.getToken(provider, account);
    if (!token || token.lapseAlertedAt !== null || !lapseAlertDue(token, deps.now())) return false;
    const at = deps.now().toISOString();
    await deps.alerts.raise({
      id: `oauth_token_lapsing:${provider}:${account}:${token.accessExpiresAt ?? ''}`,
      orgId: token.orgId,
      kind: 'oauth_token_lapsing',
      severity: 'critical',
      message: `The ${provider} token of ${account} keeps failing to refresh and lapses at ${token.accessExpiresAt}`,
      at,
      source: 'oauth-token-refresh',
      details: { provider, account, failures: token.refreshFailures, lastError: token.lastRefreshError },
    });
    await deps.store.saveToken({ ...token, lapseAlertedAt: at, version: token.version + 1 }, token.version);
    return true;
  }

  return async (): Promise<RefreshRunSummary> => {
    const summary = { checked: 0, refreshed: 0, failed: 0, alerted: 0 };
    try {
      for (const token of await deps.store.allTokens()) {
        summary.checked += 1;
        if (!refreshAttemptDue(token.provider, token, deps.now())) continue;
        const outcome = await deps.tokens.refresh(token);
        if (outcome.status === 'refreshed') summary.refreshed += 1;
        if (outcome.status === 'failed') {
          summary.failed += 1;
          logger.warn('OAuth token refresh failed; retried with backoff', {
            provider: token.provider,
            account: token.account,
            failures: token.refreshFailures + 1,
            error: outcome.error,
          });
          if (await alertIfLapsing(token.provider, token.account)) summary.alerted += 1;
        }
      }
      metrics.addMetric(METRIC.refreshed, MetricUnit.Count, summary.refreshed);
      metrics.addMetric(METRIC.failed, MetricUnit.Count, summary.failed);
      logger.info('OAuth token refresh run', summary);
      return summary;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
