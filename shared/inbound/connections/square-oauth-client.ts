import * as z from 'zod';
import { parseScopes } from './oauth/token-lifecycle';
import { callProvider, ProviderApiError, type FetchLike } from './provider-http';
import type { TokenGrant } from './token-grant';

/**
 * Square's OAuth endpoints (REFERENCE §5): the code exchange, whose answer names the merchant (the
 * only place the merchant id is ever taken from), the refresh, and the revoke.
 */

export interface SquareGrant extends TokenGrant {
  readonly merchantId: string;
}

export interface SquareOAuthClient {
  exchangeCode(code: string): Promise<SquareGrant>;
  refresh(refreshToken: string): Promise<SquareGrant>;
  revoke(accessToken: string): Promise<void>;
}

export interface SquareOAuthClientOptions {
  readonly applicationId: string;
  readonly applicationSecret: () => Promise<string>;
  readonly baseUrl: URL;
  /** Sent as `Square-Version`. */
  readonly apiVersion: string;
  readonly fetch?: FetchLike;
}

const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_at: z.string().nullish(),
  merchant_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  refresh_token: z.string().min(1).nullish(),
  short_lived: z.boolean().nullish(),
});

export function createSquareOAuthClient(options: SquareOAuthClientOptions): SquareOAuthClient {
  const headers = { 'square-version': options.apiVersion };

  async function token(operation: string, body: Record<string, string>): Promise<SquareGrant> {
    const answer = tokenSchema.safeParse(
      await callProvider(
        {
          provider: 'square',
          operation,
          url: new URL('/oauth2/token', options.baseUrl),
          headers,
          body: { client_id: options.applicationId, client_secret: await options.applicationSecret(), ...body },
        },
        options.fetch,
      ),
    );
    if (!answer.success) throw new ProviderApiError('square', 200, `${operation}: unreadable token response`);
    const expiresAt = answer.data.expires_at ? new Date(answer.data.expires_at) : undefined;
    return {
      accessToken: answer.data.access_token,
      refreshToken: answer.data.refresh_token ?? null,
      accessExpiresAt: expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt.toISOString() : null,
      // Code-flow refresh tokens do not expire.
      refreshExpiresAt: null,
      scopes: parseScopes('MERCHANT_PROFILE_READ ITEMS_READ INVENTORY_READ'),
      merchantId: answer.data.merchant_id,
    };
  }

  return {
    exchangeCode: (code) => token('Square token exchange', { code, grant_type: 'authorization_code' }),
    refresh: (refreshToken) =>
      token('Square token refresh', { refresh_token: refreshToken, grant_type: 'refresh_token' }),
    async revoke(accessToken) {
      await callProvider(
        {
          provider: 'square',
          operation: 'Square revoke',
          url: new URL('/oauth2/revoke', options.baseUrl),
          headers: { ...headers, authorization: `Client ${await options.applicationSecret()}` },
          body: { client_id: options.applicationId, access_token: accessToken },
        },
        options.fetch,
      );
    },
  };
}
