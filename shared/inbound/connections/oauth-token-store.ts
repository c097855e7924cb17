import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  deleteItem,
  deleteItemReturningOld,
  getItem,
  putItem,
  putItemIfVersion,
  queryAll,
  updateItem,
  withoutKeys,
  type TableContext,
} from '../../platform/aws/table';
import type { Provider } from './connections-store';
import type { OAuthState } from './oauth/oauth-state';
import type { TokenTimes } from './oauth/token-lifecycle';

/**
 * Pending OAuth consents and the tokens they produce, in the connections table.
 * - `OAUTH_STATE#<nonce>` / `STATE`: taken (deleted) exactly once; TTL removes unused ones.
 * - `OAUTH_TOKEN` / `<provider>#<account>`: the token pair, encrypted (purpose `oauth-token`), with a
 *   `version` every save checks, so two refreshers can never both store a pair (a parallel refresh
 *   of a rotating Shopify refresh token would orphan one). One partition: the scheduled refresher
 *   reads every token in one query; tokens are few (one per connected account).
 */

export interface StoredToken extends TokenTimes {
  readonly provider: Provider;
  readonly account: string;
  readonly orgId: string;
  /** Ciphertexts (SecretCipher), never plaintext. */
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly refreshExpiresAt: string | null;
  readonly scopes: readonly string[];
  readonly version: number;
  /** Epoch ms until which one refresher holds the token; 0 when nobody does. */
  readonly leaseUntil: number;
  readonly lastRefreshError: string | null;
  /** Set once an ops alert about this token lapsing was raised for the current failure streak. */
  readonly lapseAlertedAt: string | null;
  readonly updatedAt: string;
}

export interface OAuthTokenStore {
  putState(state: OAuthState): Promise<void>;
  /** Deletes and returns the state: a second take of the same nonce finds nothing. */
  takeState(nonce: string): Promise<OAuthState | undefined>;
  getToken(provider: Provider, account: string): Promise<StoredToken | undefined>;
  /** Stores a token if the stored one still has `expectedVersion` (undefined: none may be stored). */
  saveToken(token: StoredToken, expectedVersion: number | undefined): Promise<boolean>;
  /** Replaces whatever is stored (a new consent supersedes any token and lease). */
  replaceToken(token: StoredToken): Promise<void>;
  /** Takes the refresh lease if nobody holds it; false when another refresher does. */
  takeLease(token: StoredToken, until: number, now: number): Promise<boolean>;
  deleteToken(provider: Provider, account: string): Promise<void>;
  allTokens(): Promise<StoredToken[]>;
}

const TOKEN_PK = 'OAUTH_TOKEN';
const stateKey = (nonce: string) => ({ pk: `OAUTH_STATE#${nonce}`, sk: 'STATE' });
const tokenKey = (provider: Provider, account: string) => ({ pk: TOKEN_PK, sk: `${provider}#${account}` });

export function createOAuthTokenStore(documents: DynamoDBDocumentClient, tableName: string): OAuthTokenStore {
  const table: TableContext = { documents, tableName };
  const tokenItem = (token: StoredToken) => ({ ...tokenKey(token.provider, token.account), ...token });
  return {
    putState: async (state) => {
      await putItem(table, { ...stateKey(state.nonce), ...state });
    },
    takeState: (nonce) => deleteItemReturningOld<OAuthState>(table, stateKey(nonce)),
    getToken: (provider, account) => getItem<StoredToken>(table, tokenKey(provider, account)),
    saveToken: (token, expectedVersion) => putItemIfVersion(table, tokenItem(token), 'version', expectedVersion),
    replaceToken: async (token) => {
      await putItem(table, tokenItem(token));
    },
    takeLease: (token, until, now) =>
      updateItem(
        table,
        tokenKey(token.provider, token.account),
        { expression: 'SET leaseUntil = :until', values: { ':until': until } },
        { expression: 'version = :version AND leaseUntil < :now', values: { ':version': token.version, ':now': now } },
      ),
    deleteToken: async (provider, account) => {
      await deleteItem(table, tokenKey(provider, account));
    },
    allTokens: async () => {
      const items = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': TOKEN_PK },
        ConsistentRead: true,
      });
      return items.map((item) => withoutKeys<StoredToken>(item));
    },
  };
}
