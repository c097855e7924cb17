/**
 * The console's deployment settings shared by the CDK construct and the local runtime, so the two
 * serve the same security headers and accept the same origins: which browser origins may call the
 * API (the console's own plus PORTAL_ALLOWED_ORIGINS, where the portal is embedded), and the
 * Content-Security-Policy of the console's pages (no inline scripts, no framing, no third parties).
 */

/** Local environment variable and CDK context key listing the origins allowed to embed the portal. */
export const PORTAL_ALLOWED_ORIGINS_ENV = 'PORTAL_ALLOWED_ORIGINS';
export const PORTAL_ALLOWED_ORIGINS_CONTEXT = 'portalAllowedOrigins';

/** Headers the browser may send to the API cross-origin, and the methods the API uses. */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type'] as const;
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const CORS_EXPOSED_HEADERS = ['retry-after', 'location'] as const;
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * Origins from a comma-separated string or a list: each must be exactly `scheme://host[:port]`
 * (https, or http on loopback for development), since browsers compare the Origin header verbatim.
 */
export function parseAllowedOrigins(value: string | readonly string[] | undefined): string[] {
  const items = typeof value === 'string' ? value.split(',') : (value ?? []);
  const origins = items.map((item) => item.trim()).filter(Boolean);
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`${PORTAL_ALLOWED_ORIGINS_ENV}: "${origin}" is not an origin like https://admin.example.com`);
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.origin !== origin || (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))) {
      throw new Error(
        `${PORTAL_ALLOWED_ORIGINS_ENV}: "${origin}" must be scheme://host[:port] with no path, https (http only on loopback)`,
      );
    }
  }
  return [...new Set(origins)];
}

/** The console pages' CSP: scripts and styles only from the console itself; API calls to `connectSrc`. */
export function consoleContentSecurityPolicy(connectSrc: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Headers every console response carries (CloudFront adds them through a response headers policy). */
export function consoleSecurityHeaders(connectSrc: readonly string[]): Record<string, string> {
  return {
    'content-security-policy': consoleContentSecurityPolicy(connectSrc),
    'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** The CORS headers for a request from `origin`, or none when the origin is not allowed. */
export function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  if (!origin || !allowed.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', '),
    vary: 'origin',
  };
}

/** Headers answering a preflight (`OPTIONS` with Access-Control-Request-Method) from an allowed origin. */
export function preflightHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  const base = corsHeaders(origin, allowed);
  if (Object.keys(base).length === 0) return { vary: 'origin' };
  return {
    ...base,
    'access-control-allow-methods': CORS_ALLOWED_METHODS.join(', '),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
}
