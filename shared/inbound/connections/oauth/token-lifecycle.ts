import type { Provider } from '../connections-store';

/**
 * When a provider token is refreshed, retried and alerted on. Shopify's expiring offline tokens live
 * an hour and their refresh token rotates on every use; Square's live 30 days with a refresh token
 * that neither expires nor rotates. Pure decisions over the stored times.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS: Readonly<Record<Provider, number>> = {
  // A sync page or webhook registration must never run on a token about to lapse.
  shopify: 5 * MINUTE_MS,
  // Square: weekly, as Square recommends, so three weeks of failures still leave a valid token.
  square: 23 * DAY_MS,
};

/** A Square token this close to expiry with its refresh still failing raises an ops alert. */
export const LAPSE_ALERT_MS = 7 * DAY_MS;

/** How long one refresher holds a token before another may take over (a crashed refresher). */
export const REFRESH_LEASE_MS = 60_000;

export interface TokenTimes {
  /** ISO; null when the token does not expire (legacy non-expiring Shopify tokens). */
  readonly accessExpiresAt: string | null;
  readonly refreshFailures: number;
  readonly lastRefreshAttemptAt: string | null;
}

export function refreshDue(provider: Provider, token: TokenTimes, now: Date): boolean {
  if (token.accessExpiresAt === null) return false;
  return Date.parse(token.accessExpiresAt) - now.getTime() <= REFRESH_MARGIN_MS[provider];
}

/** After a failed refresh: 1, 2, 4 … minutes, capped at 6 hours (the schedule runs hourly anyway). */
export function refreshRetryDelayMs(failures: number): number {
  return Math.min(MINUTE_MS * 2 ** Math.max(failures - 1, 0), 6 * 60 * MINUTE_MS);
}

/** Whether a scheduled run should try now: due, and past the backoff of the last failure. */
export function refreshAttemptDue(provider: Provider, token: TokenTimes, now: Date): boolean {
  if (!refreshDue(provider, token, now)) return false;
  if (token.refreshFailures === 0 || token.lastRefreshAttemptAt === null) return true;
  return now.getTime() - Date.parse(token.lastRefreshAttemptAt) >= refreshRetryDelayMs(token.refreshFailures);
}

/** A failing refresh of a token that lapses within LAPSE_ALERT_MS (or already has): ops must act. */
export function lapseAlertDue(token: TokenTimes, now: Date): boolean {
  if (token.accessExpiresAt === null || token.refreshFailures === 0) return false;
  return Date.parse(token.accessExpiresAt) - now.getTime() <= LAPSE_ALERT_MS;
}

/** Granted scopes as a provider writes them (`read_products,read_inventory` or `A B C`), sorted. */
export function parseScopes(text: string | undefined | null): string[] {
  return [
    ...new Set(
      (text ?? '')
        .split(/[\s,]+/)
        .map((scope) => scope.trim())
        .filter(Boolean),
    ),
  ].sort();
}
