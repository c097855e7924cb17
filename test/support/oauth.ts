import { signLocalToken } from '../../infra/local/jwt';
import type { LocalSystem } from '../../infra/local/system';

/**
 * Plays the browser through a provider simulator's consent page: read the page's form, submit it
 * (the "Approve" button), follow the provider's redirect to our callback, and return where the
 * callback sends the browser (the console URL with `?connected=` or `?error=`).
 */

export async function submitConsent(
  authorizeUrl: string,
  fields: Record<string, string> = {},
): Promise<{ callbackUrl: string; consoleUrl: URL }> {
  const callbackUrl = await approveConsent(authorizeUrl, fields);
  return { callbackUrl, consoleUrl: await followCallback(callbackUrl) };
}

/** Submits the consent form; resolves to the callback URL the provider sends the browser to (not followed). */
export async function approveConsent(authorizeUrl: string, fields: Record<string, string> = {}): Promise<string> {
  const page = await (await fetch(authorizeUrl)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`No consent form on ${authorizeUrl}`);
  const form = new URLSearchParams();
  for (const match of page.matchAll(/<input (?:type="hidden" )?name="([^"]+)" value="([^"]*)"/g))
    form.set(match[1] as string, (match[2] as string).replace(/&amp;/g, '&'));
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  const consent = await fetch(new URL(action, authorizeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const callbackUrl = consent.headers.get('location');
  if (consent.status !== 302 || !callbackUrl) throw new Error(`The consent page answered ${consent.status}`);
  return callbackUrl;
}

/** Opens a callback URL as the browser would; resolves to the console URL it redirects to. */
export async function followCallback(callbackUrl: string): Promise<URL> {
  const answer = await fetch(callbackUrl, { redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`The callback answered ${answer.status}`);
  return new URL(location);
}

export async function authorize(
  system: LocalSystem,
  bearer: string,
  orgId: string,
  provider: 'shopify' | 'square',
  body: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${system.url}/v1/orgs/${orgId}/connections/${provider}/authorize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Connects an account the way a tenant does: authorize, approve on the simulator, follow the callback. */
export async function connectByOAuth(
  system: LocalSystem,
  orgId: string,
  provider: 'shopify' | 'square',
  account: string,
): Promise<URL> {
  const bearer = await signLocalToken(system.jwtSecret, { orgId, role: 'admin' });
  const started = await authorize(system, bearer, orgId, provider, provider === 'shopify' ? { shop: account } : {});
  if (started.status !== 200) throw new Error(`authorize answered ${started.status}`);
  const fields: Record<string, string> = provider === 'square' ? { merchant_id: account } : {};
  return (await submitConsent(String(started.body.authorizeUrl), fields)).consoleUrl;
}
