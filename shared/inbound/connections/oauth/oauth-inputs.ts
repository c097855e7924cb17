import * as z from 'zod';

/** The request bodies of the OAuth routes, checked at the API boundary (and published in OpenAPI). */

export const shopifyAuthorizeSchema = z.strictObject({
  shop: z.string().max(512).describe('The shop domain, `<name>.myshopify.com`'),
});

export const squareAuthorizeSchema = z.strictObject({});

export const internalConnectionSchema = z.strictObject({
  orgId: z.string().min(1).max(128),
  provider: z.enum(['shopify', 'square']),
  accessToken: z.string().min(1).max(4_096),
  refreshToken: z.string().min(1).max(4_096).optional(),
  accessExpiresAt: z.iso.datetime().optional(),
  /** Shopify: which shop's API to ask (the token must answer for exactly this shop). */
  shop: z.string().max(512).optional(),
  scopes: z.array(z.string().max(128)).max(50).optional(),
});

export type InternalConnectionInput = z.infer<typeof internalConnectionSchema>;
