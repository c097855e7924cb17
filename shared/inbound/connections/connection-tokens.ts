import { ENDPOINT_SECRETS_KEY } from '../../platform/topology';
import type { SecretCipher } from '../../platform/crypto/secret-cipher';
import type { Provider } from './connections-store';
import type { OAuthTokenStore, StoredToken } from './oauth-token-store';
import { REFRESH_LEASE_MS, refreshDue } from './oauth/token-lifecycle';
import type { TokenGrant } from './token-grant';

/**
 * An account's OAuth tokens as the rest of the platform uses them: stored encrypted, handed out in
 * plaintext only in memory, and refreshed before they lapse by exactly one caller at a time (a lease
 * on the token's version; the pair is saved with a version check), however many sync pages or
 * schedulers ask at once.
 */

export interface TokenRefresher {
  refresh(provider: Provider, account: string, refreshToken: string): Promise<TokenGrant>;
}

export interface ConnectionTokensDependencies {
  readonly store: OAuthTokenStore;
  readonly cipher: SecretCipher;
  readonly refresher: TokenRefresher;
  readonly now: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type RefreshOutcome =
  { readonly status: 'refreshed' | 'fresh' | 'busy' | 'gone' } | { readonly status: 'failed'; readonly error: unknown };

/** No usable token: the account was disconnected, revoked, or its refresh keeps failing past expiry. */
export class TokenUnavailableError extends Error {
  override readonly name = 'TokenUnavailableError';
}

const WAIT_FOR_OTHER_REFRESHER_MS = 250;
const MAX_WAITS = 40;

export function oauthTokenContext(provider: Provider, account: string, kind: 'access' | 'refresh') {
  return { purpose: ENDPOINT_SECRETS_KEY.purposes.oauthToken, provider, account, kind };
}

export interface ConnectionTokens {
  /** Stores a fresh consent's tokens, replacing any earlier pair of the account. */
  store(orgId: string, provider: Provider, account: string, grant: TokenGrant): Promise<void>;
  /** Refreshes the token if it is due and no other caller holds its lease. */
  refresh(token: StoredToken): Promise<RefreshOutcome>;
  /** A valid access token, refreshed first when it is about to lapse. */
  accessToken(provider: Provider, account: string): Promise<string>;
  /**
   * The stored access token without refreshing it (for readers that may only decrypt: the catalog
   * consumer's Square pull; the scheduled refresher keeps Square tokens fresh). Undefined when there
   * is none or it has lapsed.
   */
  currentAccessToken(provider: Provider, account: string): Promise<string | undefined>;
  delete(provider: Provider, account: string): Promise<void>;
}

export function createConnectionTokens(deps: ConnectionTokensDependencies): ConnectionTokens {
  return {
    store: (orgId, provider, account, grant) => storeGrant(deps, { orgId, provider, account }, grant),
    refresh: (token) => refresh(deps, token),
    accessToken: (provider, account) => accessToken(deps, provider, account),
    async currentAccessToken(provider, account) {
      const token = await deps.store.getToken(provider, account);
      if (!token || lapsed(token, deps.now())) return undefined;
      return deps.cipher.decrypt(token.accessToken, oauthTokenContext(provider, account, 'access'));
    },
    delete: (provider, account) => deps.store.deleteToken(provider, account),
  };
}

const lapsed = (token: StoredToken, now: Date) =>
  token.accessExpiresAt !== null && Date.parse(token.accessExpiresAt) <= now.getTime();

/** A grant's tokens encrypted, each under its own context. */
async function sealed(deps: ConnectionTokensDependencies, provider: Provider, account: string, grant: TokenGrant) {
  return {
    accessToken: await deps.cipher.encrypt(grant.accessToken, oauthTokenContext(provider, account, 'access')),
    refreshToken:
      grant.refreshToken === null
        ? null
        : await deps.cipher.encrypt(grant.refreshToken, oauthTokenContext(provider, account, 'refresh')),
    accessExpiresAt: grant.accessExpiresAt,
    refreshExpiresAt: grant.refreshExpiresAt,
  };
}

async function storeGrant(
  deps: ConnectionTokensDependencies,
  holder: { orgId: string; provider: Provider; account: string },
  grant: TokenGrant,
): Promise<void> {
  const { provider, account } = holder;
  const current = await deps.store.getToken(provider, account);
  await deps.store.replaceToken({
    ...holder,
    ...(await sealed(deps, provider, account, grant)),
    scopes: grant.scopes,
    version: (current?.version ?? 0) + 1,
    leaseUntil: 0,
    refreshFailures: 0,
    lastRefreshAttemptAt: null,
    lastRefreshError: null,
    lapseAlertedAt: null,
    updatedAt: deps.now().toISOString(),
  });
}

async function refresh(deps: ConnectionTokensDependencies, token: StoredToken): Promise<RefreshOutcome> {
  const now = deps.now();
  if (!refreshDue(token.provider, token, now)) return { status: 'fresh' };
  if (token.refreshToken === null) return { status: 'failed', error: new TokenUnavailableError('No refresh token') };
  if (!(await deps.store.takeLease(token, now.getTime() + REFRESH_LEASE_MS, now.getTime()))) return { status: 'busy' };
  const attemptAt = now.toISOString();
  try {
    const plain = await deps.cipher.decrypt(
      token.refreshToken,
      oauthTokenContext(token.provider, token.account, 'refresh'),
    );
    const grant = await deps.refresher.refresh(token.provider, token.account, plain);
    const next: StoredToken = {
      ...token,
      ...(await sealed(deps, token.provider, token.account, grant)),
      // Square keeps its refresh token; Shopify rotates it (the new one is in the grant).
      ...(grant.refreshToken === null && { refreshToken: token.refreshToken }),
      scopes: grant.scopes.length > 0 ? grant.scopes : token.scopes,
      version: token.version + 1,
      leaseUntil: 0,
      refreshFailures: 0,
      lastRefreshAttemptAt: attemptAt,
      lastRefreshError: null,
      lapseAlertedAt: null,
      updatedAt: deps.now().toISOString(),
    };
    return (await deps.store.saveToken(next, token.version)) ? { status: 'refreshed' } : { status: 'gone' };
  } catch (error) {
    const failed: StoredToken = {
      ...token,
      version: token.version + 1,
      leaseUntil: 0,
      refreshFailures: token.refreshFailures + 1,
      lastRefreshAttemptAt: attemptAt,
      lastRefreshError: (error instanceof Error ? error.message : String(error)).slice(0, 300),
      updatedAt: deps.now().toISOString(),
    };
    await deps.store.saveToken(failed, token.version);
    return { status: 'failed', error };
  }
}

async function accessToken(deps: ConnectionTokensDependencies, provider: Provider, account: string): Promise<string> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let wait = 0; wait <= MAX_WAITS; wait++) {
    const token = await deps.store.getToken(provider, account);
    if (!token) throw new TokenUnavailableError(`No token for ${provider} account ${account}`);
    const outcome = await refresh(deps, token);
    if (outcome.status === 'refreshed' || outcome.status === 'gone') continue;
    if (outcome.status === 'busy') {
      await sleep(WAIT_FOR_OTHER_REFRESHER_MS);
      continue;
    }
    if (outcome.status === 'failed' && lapsed(token, deps.now()))
      throw new TokenUnavailableError(`The ${provider} token lapsed and could not be refreshed`, {
        cause: outcome.error,
      });
    return deps.cipher.decrypt(token.accessToken, oauthTokenContext(provider, account, 'access'));
  }
  throw new TokenUnavailableError(`Another refresh of the ${provider} token did not finish in time`);
}
