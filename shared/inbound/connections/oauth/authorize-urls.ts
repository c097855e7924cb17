/** The consent pages the browser is sent to (Shopify: the shop's admin; Square: Square's OAuth host). */

/** `https://{shop}` (or a simulator's template) for one shop. */
export function shopBaseUrl(template: string, shop: string): string {
  return template.replace('{shop}', shop);
}

export function shopifyAuthorizeUrl(input: {
  shopBaseUrl: string;
  clientId: string;
  scopes: readonly string[];
  redirectUri: string;
  state: string;
}): string {
  const url = new URL(`${input.shopBaseUrl}/admin/oauth/authorize`);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('scope', input.scopes.join(','));
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', input.state);
  return url.toString();
}

/** What the platform reads at Square: the merchant's profile, its catalog and its stock. */
export const SQUARE_SCOPES = ['MERCHANT_PROFILE_READ', 'ITEMS_READ', 'INVENTORY_READ'] as const;

export function squareAuthorizeUrl(input: { baseUrl: URL; clientId: string; state: string }): string {
  const url = new URL('/oauth2/authorize', input.baseUrl);
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('scope', SQUARE_SCOPES.join(' '));
  // `session=false`: the seller signs in on Square's page even when a Square session is open.
  url.searchParams.set('session', 'false');
  url.searchParams.set('state', input.state);
  return url.toString();
}

/** Where a callback sends the browser: the console with the outcome. */
export function consoleRedirect(consoleUrl: string, outcome: { connected: string } | { error: string }): string {
  const url = new URL(consoleUrl);
  if ('connected' in outcome) url.searchParams.set('connected', outcome.connected);
  else url.searchParams.set('error', outcome.error);
  return url.toString();
}
