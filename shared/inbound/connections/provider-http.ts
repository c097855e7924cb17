/**
 * The one way the OAuth code calls Shopify and Square: JSON over `fetch` with a timeout, no
 * redirects followed, and failures as ProviderApiError. Base URLs are configuration (the provider,
 * or a simulator on loopback), never tenant input: a shop domain only fills the configured template
 * after it matched `<name>.myshopify.com`.
 */

export class ProviderApiError extends Error {
  override readonly name = 'ProviderApiError';
  constructor(
    readonly provider: 'shopify' | 'square',
    /** HTTP status; 0 when the provider could not be reached. */
    readonly status: number,
    message: string,
    /** How long the provider asked us to wait (429, Shopify's Throttled), when it said. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ProviderCall {
  readonly provider: 'shopify' | 'square';
  readonly operation: string;
  readonly url: string | URL;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export type FetchLike = typeof fetch;

const TIMEOUT_MS = 10_000;

/** Resolves to the parsed JSON of a 2xx answer; throws ProviderApiError otherwise. */
export async function callProvider(call: ProviderCall, doFetch: FetchLike = fetch): Promise<unknown> {
  let response: Response;
  try {
    response = await doFetch(call.url, {
      method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
      headers: {
        accept: 'application/json',
        ...(call.body !== undefined && { 'content-type': 'application/json' }),
        ...call.headers,
      },
      ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new ProviderApiError(call.provider, 0, `${call.operation}: could not reach ${call.provider}`, undefined, {
      cause: error,
    });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('retry-after'));
    // The body may echo what was sent (a code, a token): only the status goes into the message.
    throw new ProviderApiError(
      call.provider,
      response.status,
      `${call.operation}: ${call.provider} answered ${response.status}`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  return json;
}
