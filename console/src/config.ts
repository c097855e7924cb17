/** The deployment's settings, served beside the page as config.json (nothing secret in it). */

export interface ConsoleConfig {
  /** `dev`: the local runtime's DEV sign-in page; `oidc`: authorization code + PKCE against `oidc.issuer`. */
  readonly mode: 'dev' | 'oidc';
  /** The API's base URL, without a trailing slash. */
  readonly apiUrl: string;
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly audience: string };
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(new URL('config.json', document.baseURI).toString(), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const config = (await response.json()) as ConsoleConfig;
  return { ...config, apiUrl: config.apiUrl.replace(/\/+$/, '') };
}
