import type { ConsoleConfig } from './config';

/**
 * OIDC sign-in for AWS deployments: authorization code flow with PKCE (RFC 7636, S256) against the
 * issuer the API's JWT authorizer trusts. The verifier and state live in sessionStorage only between
 * the redirect and the return; the code is stripped from the address bar before anything renders.
 */

const PENDING_KEY = 'betterdata.console.oidc';

interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function randomToken(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`The identity provider's discovery document answered ${response.status}`);
  return (await response.json()) as Discovery;
}

const redirectUri = () => new URL('./', document.baseURI).toString();

export async function startOidcSignIn(config: ConsoleConfig): Promise<void> {
  if (!config.oidc) throw new Error('This deployment has no OIDC settings');
  const discovery = await discover(config.oidc.issuer);
  const verifier = randomToken();
  const state = randomToken();
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.oidc.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid profile email',
    audience: config.oidc.audience,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** On return from the issuer: exchanges the code for a token, or null when this is not a return. */
export async function completeOidcSignIn(config: ConsoleConfig): Promise<string | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code || !config.oidc) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', location.pathname + location.hash);
  if (!pending || pending.state !== params.get('state')) throw new Error('Sign-in state did not match; try again');
  const discovery = await discover(config.oidc.issuer);
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: config.oidc.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`The identity provider refused the sign-in (${response.status})`);
  const tokens = (await response.json()) as { access_token?: string };
  if (!tokens.access_token) throw new Error('The identity provider returned no access token');
  return tokens.access_token;
}
