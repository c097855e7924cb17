import { MAX_SOURCE_GRACE_SECONDS } from './source-secret';
import * as z from 'zod';

/**
 * What an admin may send to connect a Square merchant, a Shopify shop or a signed source, checked
 * before anything is stored. The account ids are the keys the ingest functions and the catalog
 * consumer look connections up by, so they are normalised here exactly as those see them.
 */

/** Square's ids are `[A-Z0-9]{1,32}` today; a little slack so a format change at Square does not lock tenants out. */
export const SQUARE_MERCHANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const SHOPIFY_SHOP_DOMAIN_PATTERN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_NOTIFICATION_URL_LENGTH = 2_048;
/** DNS caps a name at 253 characters. */
const MAX_SHOP_DOMAIN_LENGTH = 253;

export function isSourceId(value: string): boolean {
  return SOURCE_ID_PATTERN.test(value);
}

/** Where a source's events are posted, relative to the API's base URL. */
export function sourceWebhookPath(sourceId: string): string {
  return `/webhooks/sources/${sourceId}`;
}

/**
 * Problems with a Square notification URL, or none. The URL is kept byte for byte as given, because
 * Square signs over the exact string it was registered with: so nothing that `new URL` would quietly
 * rewrite away (surrounding spaces, control characters) is accepted either.
 */
export function notificationUrlProblems(input: string, options: { allowHttp: boolean }): string[] {
  if (input === '') return ['is required'];
  if (input.length > MAX_NOTIFICATION_URL_LENGTH) return [`must be at most ${MAX_NOTIFICATION_URL_LENGTH} characters`];
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f]/.test(input)) return ['must not contain spaces or control characters'];
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return ['is not a valid absolute URL'];
  }
  const problems: string[] = [];
  const schemes = options.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) problems.push(options.allowHttp ? 'must use https or http' : 'must use https');
  if (url.hostname === '') problems.push('must name a host');
  if (url.username !== '' || url.password !== '') problems.push('must not contain a username or password');
  if (input.includes('#')) problems.push('must not contain a fragment (#…): Square never sends it');
  return problems;
}

/** Lower-cases and checks a shop domain; undefined when it is not `<name>.myshopify.com`. */
export function normaliseShopDomain(input: string): string | undefined {
  const domain = input.trim().toLowerCase();
  return domain.length <= MAX_SHOP_DOMAIN_LENGTH && SHOPIFY_SHOP_DOMAIN_PATTERN.test(domain) ? domain : undefined;
}

export function squareConnectionSchema(options: { allowHttp: boolean }) {
  return z.strictObject({
    merchantId: z
      .string()
      .regex(SQUARE_MERCHANT_ID_PATTERN, 'must be a Square merchant id: 1–64 letters, digits, "_" or "-"'),
    notificationUrl: z.string().superRefine((value, context) => {
      for (const message of notificationUrlProblems(value, options)) context.addIssue({ code: 'custom', message });
    }),
  });
}

// A pure call, so the ingest functions, which need only the patterns above, bundle without zod.
export const shopifyConnectionSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    shopDomain: z
      .string()
      .max(512)
      .transform((value, context) => {
        const domain = normaliseShopDomain(value);
        if (domain === undefined) {
          context.addIssue({ code: 'custom', message: 'must be a shop domain like example.myshopify.com' });
          return z.NEVER;
        }
        return domain;
      }),
  }))();

export type SquareConnectionInput = z.infer<ReturnType<typeof squareConnectionSchema>>;
export type ShopifyConnectionInput = z.infer<typeof shopifyConnectionSchema>;

/** `PUT …/sources/{sourceId}`: an optional body; replacing a secret keeps the old one for the grace period. */
export const sourceSecretSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    gracePeriodSeconds: z.number().int().min(0).max(MAX_SOURCE_GRACE_SECONDS).optional(),
  }))();
