import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { resolveDialTarget, type Resolver } from './dial-target';
import { cancellableResolver, DEFAULT_DNS_TIMEOUT_MS } from './cancellable-resolver';
import type { IpPolicy } from './ip-policy';

/**
 * The one outbound HTTP client. One call is one delivery attempt: resolve, check every address,
 * connect to the checked one, POST, read a bounded excerpt of the answer. Network outcomes come
 * back as values — a worker decides retries from them — and redirects are never followed (a 3xx is
 * just a response), so a tenant cannot bounce us to an address that was not checked.
 */

const DEFAULT_DELIVERY_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 8_192;

export const DELIVERY_ERRORS = [
  'timeout',
  'dns_failure',
  'ssrf_blocked',
  'connection_refused',
  'connection_reset',
  'tls_error',
  'invalid_url',
  'network_error',
] as const;

export type DeliveryError = (typeof DELIVERY_ERRORS)[number];

export type DeliveryResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly bodyExcerpt: string;
      /** We stopped reading: the body was longer than the cap, or the deadline or the connection ended it. */
      readonly bodyTruncated: boolean;
      readonly durationMs: number;
    }
  | { readonly kind: 'error'; readonly error: DeliveryError; readonly message: string; readonly durationMs: number };

export interface WebhookPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  readonly policy: IpPolicy;
  /** Covers resolution, connect, TLS, and the response; default 15 s. */
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  /** Resolves the host; by default DNS with its own cancellable budget (cancellable-resolver.ts). */
  readonly resolver?: Resolver;
  /** The default resolver's budget, inside `timeoutMs`; default 5 s. */
  readonly dnsTimeoutMs?: number;
}

/**
 * Keep-alive agents, one per protocol. Requests name the checked IP as `host`, so the agent's pool
 * key (host:port, plus servername for TLS) contains the IP: a pooled socket is only reused for the
 * very address this attempt checked, never for whatever the name resolved to earlier. No proxy is
 * involved — node:http on Node 20 ignores HTTP(S)_PROXY.
 */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
} as const;

/** Set from the request itself; a caller's value would be wrong or would smuggle a second framing. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

export async function postWebhook(post: WebhookPost): Promise<DeliveryResult> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const fail = (error: DeliveryError, message: string): DeliveryResult => ({
    kind: 'error',
    error,
    message,
    durationMs: elapsed(),
  });

  let url: URL;
  try {
    url = new URL(post.url);
  } catch {
    return fail('invalid_url', 'The endpoint URL does not parse');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return fail('invalid_url', `Unsupported scheme ${url.protocol}`);
  if (url.username !== '' || url.password !== '') return fail('invalid_url', 'The endpoint URL carries credentials');

  const timeoutMs = post.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    const resolver =
      post.resolver ??
      cancellableResolver({ timeoutMs: Math.min(post.dnsTimeoutMs ?? DEFAULT_DNS_TIMEOUT_MS, timeoutMs) });
    const target = await resolveDialTarget(url.hostname, post.policy, resolver, deadline.signal);
    if (!target.ok) return fail(target.error, target.message);

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(post.headers)) {
      if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    headers['host'] = url.host;
    headers['content-length'] = String(Buffer.byteLength(post.body));

    const isHttps = url.protocol === 'https:';
    const options: https.RequestOptions = {
      agent: AGENTS[url.protocol],
      host: target.address,
      port: url.port === '' ? (isHttps ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers,
      // TLS: SNI and certificate checks are against the name, though we dial the IP. Explicit so
      // NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch verification off. SNI carries neither an IP
      // nor the trailing dot of an absolute name (RFC 6066).
      ...(isHttps && {
        rejectUnauthorized: true,
        ...(!target.literal && { servername: url.hostname.replace(/\.$/, '') }),
      }),
    };
    return await exchange(
      isHttps ? https : http,
      options,
      post.body,
      post.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      {
        signal: deadline.signal,
        timeoutMs,
        elapsed,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

interface Attempt {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly elapsed: () => number;
}

/** Sends the request and reads at most `maxBytes` of the answer, settling exactly once. */
function exchange(
  transport: typeof http | typeof https,
  options: https.RequestOptions,
  body: string | Uint8Array,
  maxBytes: number,
  attempt: Attempt,
): Promise<DeliveryResult> {
  return new Promise((resolve) => {
    let request: http.ClientRequest;
    try {
      request = transport.request(options);
    } catch (error) {
      // A malformed header (a newline in a value, say) throws here; report it, don't crash the worker.
      resolve({
        kind: 'error',
        error: 'network_error',
        message: `Request not sent: ${messageOf(error)}`,
        durationMs: attempt.elapsed(),
      });
      return;
    }

    let settled = false;
    /** `reusable`: the exchange ended cleanly, so the socket may go back to the keep-alive pool. */
    const settle = (result: DeliveryResult, reusable = false) => {
      if (settled) return;
      settled = true;
      attempt.signal.removeEventListener('abort', onAbort);
      resolve(result);
      // Anything else — a deadline, a body cut at the cap — leaves the socket mid-message: drop it.
      if (!reusable || !request.writableFinished) request.destroy();
    };
    let onDeadline = () => {
      settle({
        kind: 'error',
        error: 'timeout',
        message: `No response within ${attempt.timeoutMs} ms`,
        durationMs: attempt.elapsed(),
      });
    };
    const onAbort = () => onDeadline();
    attempt.signal.addEventListener('abort', onAbort, { once: true });

    request.on('error', (error) => {
      settle({
        kind: 'error',
        error: classifyNetworkError(error),
        message: messageOf(error),
        durationMs: attempt.elapsed(),
      });
    });
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let received = 0;
      const finish = (truncated: boolean) => {
        const result: DeliveryResult = {
          kind: 'response',
          status: response.statusCode ?? 0,
          headers: flattenHeaders(response.headers),
          bodyExcerpt: decodeExcerpt(Buffer.concat(chunks), truncated),
          bodyTruncated: truncated,
          durationMs: attempt.elapsed(),
        };
        settle(result, !truncated);
      };
      // The status is in, and it is the receiver's answer: from here on the deadline only cuts the
      // body short (bodyTruncated), it does not turn the answer into a timeout.
      onDeadline = () => finish(true);
      response.on('data', (chunk: Buffer) => {
        const room = maxBytes - received;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          received = maxBytes;
          finish(true);
          return;
        }
        chunks.push(chunk);
        received += chunk.length;
      });
      response.on('end', () => finish(false));
      response.on('error', () => finish(true));
      response.on('close', () => finish(!response.complete));
    });
    if (attempt.signal.aborted) onDeadline();
    else request.end(body);
  });
}

/** Maps Node's error codes onto the few outcomes a retry policy and an attempt log care about. */
export function classifyNetworkError(error: unknown): DeliveryError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection_reset';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns_failure';
  if (
    code === 'EPROTO' ||
    /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|INVALID_CA)/.test(code)
  ) {
    return 'tls_error';
  }
  return 'network_error';
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** UTF-8; when cut short, an incomplete trailing character is dropped rather than shown as U+FFFD. */
function decodeExcerpt(bytes: Buffer, truncated: boolean): string {
  return new TextDecoder('utf-8').decode(bytes, { stream: truncated });
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
  return `${code}${error.message}`;
}
