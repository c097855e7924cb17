import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { putWhen, queryAllItems } from '../../platform/aws/conditional-writes';
import { isConditionalCheckFailed } from '../../platform/aws/pagination';
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

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

export function createOAuthTokenStore(documents: DynamoDBDocumentClient, tableName: string): OAuthTokenStore {
  return {
    async putState(state) {
      await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(state.nonce), ...state } }));
    },

    async takeState(nonce) {
      const result = await documents.send(
        new DeleteCommand({ TableName: tableName, Key: stateKey(nonce), ReturnValues: 'ALL_OLD' }),
      );
      return result.Attributes ? strip<OAuthState>(result.Attributes) : undefined;
    },

    async getToken(provider, account) {
      const result = await documents.send(
        new GetCommand({ TableName: tableName, Key: tokenKey(provider, account), ConsistentRead: true }),
      );
      return result.Item ? strip<StoredToken>(result.Item) : undefined;
    },

    async saveToken(token, expectedVersion) {
      const item = { ...tokenKey(token.provider, token.account), ...token };
      return expectedVersion === undefined
        ? putWhen(documents, tableName, item, { expression: 'attribute_not_exists(pk)' })
        : putWhen(documents, tableName, item, {
            expression: 'version = :expected',
            values: { ':expected': expectedVersion },
          });
    },

    async replaceToken(token) {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { ...tokenKey(token.provider, token.account), ...token } }),
      );
    },

    async takeLease(token, until, now) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: tokenKey(token.provider, token.account),
            UpdateExpression: 'SET leaseUntil = :until',
            ConditionExpression: 'version = :version AND leaseUntil < :now',
            ExpressionAttributeValues: { ':until': until, ':version': token.version, ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async deleteToken(provider, account) {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: tokenKey(provider, account) }));
    },

    async allTokens() {
      const items = await queryAllItems(documents, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': TOKEN_PK },
        ConsistentRead: true,
      });
      return items.map((item) => strip<StoredToken>(item));
    },
  };
}
