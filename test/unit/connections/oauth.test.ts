import { describe, expect, it } from 'vitest';
import {
  consoleRedirect,
  shopifyAuthorizeUrl,
  squareAuthorizeUrl,
} from '../../../shared/inbound/connections/oauth/authorize-urls';
import { isStateNonce, newOAuthState, stateProblem } from '../../../shared/inbound/connections/oauth/oauth-state';
import {
  shopifyCallbackHmac,
  shopifyCallbackMessage,
  shopifyCallbackProblem,
} from '../../../shared/inbound/connections/oauth/shopify-callback';
import {
  lapseAlertDue,
  parseScopes,
  refreshAttemptDue,
  refreshDue,
  refreshRetryDelayMs,
} from '../../../shared/inbound/connections/oauth/token-lifecycle';

/** The pure OAuth rules: Shopify's callback HMAC, the state nonce, token lifecycle decisions, consent URLs. */

const NOW = new Date('2026-12-06T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

describe('Shopify OAuth callback HMAC', () => {
  // Shopify's documented known answer (REFERENCE §5, shopify-app-js tests).
  const vector = { code: '0907a61c0c8d55e99db179b68161bc00', shop: 'some-shop.myshopify.com', timestamp: '1337178173' };
  const expected = '4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20';

  it('matches the known-answer vector, with hmac and signature left out of the message and keys sorted', () => {
    expect(
      shopifyCallbackMessage({ timestamp: vector.timestamp, hmac: 'x', shop: vector.shop, code: vector.code }),
    ).toBe('code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&timestamp=1337178173');
    expect(shopifyCallbackHmac('hush', { ...vector, signature: 'legacy' })).toBe(expected);
  });

  it(
    'accepts a fresh, signed query under any current secret; refuses a wrong HMAC, a missing one and a stale ' +
      'timestamp',
    () => {
      const at = new Date(Number(vector.timestamp) * 1000 + 30_000);
      expect(shopifyCallbackProblem({ ...vector, hmac: expected }, ['old', 'hush'], at)).toBeUndefined();
      expect(shopifyCallbackProblem({ ...vector, hmac: expected.toUpperCase() }, ['hush'], at)).toBeUndefined();
      expect(shopifyCallbackProblem({ ...vector, hmac: expected }, ['other'], at)).toBe('bad_hmac');
      expect(shopifyCallbackProblem({ ...vector, host: 'added', hmac: expected }, ['hush'], at)).toBe('bad_hmac');
      expect(shopifyCallbackProblem(vector, ['hush'], at)).toBe('missing_hmac');
      expect(shopifyCallbackProblem({ ...vector, hmac: 'zz' }, ['hush'], at)).toBe('missing_hmac');
      const late = new Date(Number(vector.timestamp) * 1000 + 91_000);
      expect(shopifyCallbackProblem({ ...vector, hmac: expected }, ['hush'], late)).toBe('stale_timestamp');
      const early = new Date(Number(vector.timestamp) * 1000 - 60_000);
      expect(shopifyCallbackProblem({ ...vector, hmac: expected }, ['hush'], early)).toBe('stale_timestamp');
    },
  );
});

describe('OAuth state', () => {
  const state = newOAuthState({
    provider: 'shopify',
    orgId: 'org_1',
    subject: 'user_1',
    shop: 'a.myshopify.com',
    now: NOW,
  });

  it('is a URL-safe 256-bit nonce bound to org, user and shop, valid ten minutes', () => {
    expect(isStateNonce(state.nonce)).toBe(true);
    expect(isStateNonce('short')).toBe(false);
    expect(isStateNonce(`${state.nonce.slice(1)}=`)).toBe(false);
    expect(state).toMatchObject({ orgId: 'org_1', subject: 'user_1', shop: 'a.myshopify.com' });
    expect(state.expiresAt).toBe(NOW.getTime() / 1000 + 600);
    expect(newOAuthState({ provider: 'square', orgId: 'o', subject: undefined, now: NOW }).nonce).not.toBe(state.nonce);
  });

  it('completes only the callback it was minted for, before it expires', () => {
    expect(stateProblem(state, { provider: 'shopify', shop: 'a.myshopify.com' }, NOW)).toBeUndefined();
    expect(stateProblem(undefined, { provider: 'shopify' }, NOW)).toBe('unknown_state');
    expect(
      stateProblem(state, { provider: 'shopify', shop: 'a.myshopify.com' }, new Date(NOW.getTime() + 10 * MINUTE)),
    ).toBe('expired_state');
    expect(stateProblem(state, { provider: 'square' }, NOW)).toBe('wrong_provider');
    expect(stateProblem(state, { provider: 'shopify', shop: 'b.myshopify.com' }, NOW)).toBe('shop_mismatch');
  });
});

describe('Token lifecycle', () => {
  const token = (expiresInMs: number | null, failures = 0, lastAttemptAgoMs: number | null = null) => ({
    accessExpiresAt: expiresInMs === null ? null : new Date(NOW.getTime() + expiresInMs).toISOString(),
    refreshFailures: failures,
    lastRefreshAttemptAt: lastAttemptAgoMs === null ? null : new Date(NOW.getTime() - lastAttemptAgoMs).toISOString(),
  });

  it("refreshes Shopify's hourly token in its last five minutes and Square's 30-day token weekly", () => {
    expect(refreshDue('shopify', token(6 * MINUTE), NOW)).toBe(false);
    expect(refreshDue('shopify', token(5 * MINUTE), NOW)).toBe(true);
    expect(refreshDue('square', token(24 * DAY), NOW)).toBe(false);
    expect(refreshDue('square', token(23 * DAY), NOW)).toBe(true);
    expect(refreshDue('shopify', token(null), NOW)).toBe(false);
  });

  it(
    'backs off after failures (1, 2, 4 … minutes, at most 6 hours) and alerts only when a failing token nears ' +
      'lapse',
    () => {
      expect([1, 2, 3, 20].map(refreshRetryDelayMs)).toEqual([MINUTE, 2 * MINUTE, 4 * MINUTE, 360 * MINUTE]);
      expect(refreshAttemptDue('square', token(5 * DAY, 2, MINUTE), NOW)).toBe(false);
      expect(refreshAttemptDue('square', token(5 * DAY, 2, 2 * MINUTE), NOW)).toBe(true);
      expect(lapseAlertDue(token(5 * DAY, 1), NOW)).toBe(true);
      expect(lapseAlertDue(token(8 * DAY, 1), NOW)).toBe(false);
      expect(lapseAlertDue(token(5 * DAY, 0), NOW)).toBe(false);
    },
  );

  it('reads granted scopes whichever way the provider writes them', () => {
    expect(parseScopes('read_products,read_inventory')).toEqual(['read_inventory', 'read_products']);
    expect(parseScopes('ITEMS_READ  MERCHANT_PROFILE_READ ITEMS_READ')).toEqual([
      'ITEMS_READ',
      'MERCHANT_PROFILE_READ',
    ]);
    expect(parseScopes(undefined)).toEqual([]);
  });
});

describe('Consent and console URLs', () => {
  it("builds Shopify's and Square's authorize URLs and the console redirect", () => {
    const shopify = new URL(
      shopifyAuthorizeUrl({
        shopBaseUrl: 'https://a.myshopify.com',
        clientId: 'key',
        scopes: ['read_products', 'read_inventory'],
        redirectUri: 'https://api.example.com/oauth/shopify/callback',
        state: 'nonce',
      }),
    );
    expect(shopify.origin + shopify.pathname).toBe('https://a.myshopify.com/admin/oauth/authorize');
    expect(Object.fromEntries(shopify.searchParams)).toEqual({
      client_id: 'key',
      scope: 'read_products,read_inventory',
      redirect_uri: 'https://api.example.com/oauth/shopify/callback',
      state: 'nonce',
    });
    const square = new URL(
      squareAuthorizeUrl({ baseUrl: new URL('https://connect.squareup.com'), clientId: 'sq0idp', state: 's' }),
    );
    expect(square.pathname).toBe('/oauth2/authorize');
    expect(square.searchParams.get('scope')).toBe('MERCHANT_PROFILE_READ ITEMS_READ INVENTORY_READ');
    expect(square.searchParams.get('session')).toBe('false');
    expect(consoleRedirect('https://console.example.com/app/?tab=1', { connected: 'square' })).toBe(
      'https://console.example.com/app/?tab=1&connected=square',
    );
    expect(consoleRedirect('https://console.example.com/', { error: 'bad_hmac' })).toBe(
      'https://console.example.com/?error=bad_hmac',
    );
  });
});
