import type { FieldError } from '../../platform/http/problem';
import { classifyAddress, STRICT_IP_POLICY, type IpPolicy } from './ip-policy';

/**
 * Save-time validation of a tenant's endpoint URL. It gives early, field-level feedback; it is not
 * the SSRF defence — a name can resolve anywhere later, so the address is checked again on every
 * attempt, at connect time (http-delivery.ts).
 */

export const MAX_ENDPOINT_URL_LENGTH = 2_048;

export interface EndpointUrlOptions {
  /** Accept `http:` as well as `https:` (local development, allowlisted private targets). */
  readonly allowHttp?: boolean;
  readonly policy?: IpPolicy;
  /** Field name used in problems; `url` unless the caller's payload names it differently. */
  readonly field?: string;
}

export type EndpointUrlResult =
  | { readonly ok: true; /** WHATWG-normalised: lower-case host, dotted IPv4, compact IPv6. */ readonly url: string }
  | { readonly ok: false; readonly problems: readonly FieldError[] };

/** RFC 6761: these names always mean loopback, so they are judged as 127.0.0.1 when saved. */
const LOOPBACK_NAME = /(^|\.)localhost\.?$/;

export function validateEndpointUrl(input: string, options: EndpointUrlOptions = {}): EndpointUrlResult {
  const field = options.field ?? 'url';
  const fail = (...messages: string[]): EndpointUrlResult => ({
    ok: false,
    problems: messages.map((message) => ({ field, message })),
  });

  if (input.trim() === '') return fail('is required');
  // Checked before parsing so an oversized value costs nothing, and again after normalisation,
  // which can lengthen it (percent-encoding).
  if (input.length > MAX_ENDPOINT_URL_LENGTH) return fail(`must be at most ${MAX_ENDPOINT_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return fail('is not a valid absolute URL');
  }

  const problems: string[] = [];
  const schemes = options.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) problems.push(options.allowHttp ? 'must use https or http' : 'must use https');
  if (url.username !== '' || url.password !== '') {
    problems.push('must not contain a username or password; send credentials in a custom header instead');
  }
  // Rejected rather than stripped: a fragment is never sent to the server, so a tenant who wrote one
  // expects something that would silently not happen.
  if (input.includes('#')) problems.push('must not contain a fragment (#…): it is never sent to the server');
  if (url.hostname === '') problems.push('must name a host');
  else {
    const blocked = blockedHostReason(url.hostname, options.policy ?? STRICT_IP_POLICY);
    if (blocked) problems.push(`must not point at a private or reserved address: ${blocked}`);
  }
  if (url.href.length > MAX_ENDPOINT_URL_LENGTH) {
    problems.push(`must be at most ${MAX_ENDPOINT_URL_LENGTH} characters once normalised`);
  }
  return problems.length > 0 ? fail(...problems) : { ok: true, url: url.href };
}

/** IP literals (already in canonical form, brackets included for IPv6) and loopback names. */
function blockedHostReason(hostname: string, policy: IpPolicy): string | undefined {
  const address = LOOPBACK_NAME.test(hostname) ? '127.0.0.1' : hostname;
  const isLiteral = address.startsWith('[') || /^[\d.]+$/.test(address);
  if (!isLiteral) return undefined;
  const verdict = classifyAddress(address, policy);
  return verdict.allowed ? undefined : verdict.reason;
}

/**
 * An endpoint URL as logs and ops alerts show it: scheme, host, port and path only. Tenants often
 * put credentials in the query (`?token=…`) or userinfo (`https://user:pass@…`), and a log line or an
 * alert e-mail must not become the place they leak from; the fragment is never sent anyway. A value
 * that does not parse is not echoed at all.
 */
export function redactEndpointUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return '[unparsable URL]';
  }
  const redacted = `${url.protocol}//${url.host}${url.pathname}`;
  const hidden = [url.username || url.password ? 'userinfo' : '', url.search ? 'query' : ''].filter(Boolean);
  return hidden.length > 0 ? `${redacted} (${hidden.join(' and ')} hidden)` : redacted;
}
