import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';

/**
 * Who is calling. In AWS the HTTP API's JWT authorizer has already verified the token and passes its
 * claims (as strings) in `requestContext.authorizer.jwt.claims`; the local runtime does the same.
 * Handlers only read and check them: a caller sees its own organisation and nothing else.
 */
const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly orgId: string;
  readonly role: Role;
  readonly subject: string | undefined;
}

const claimsSchema = z.looseObject({
  org_id: z.string().min(1),
  role: z.enum(ROLES),
  sub: z.string().optional(),
});

type EventWithClaims = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

export function principalOf(event: APIGatewayProxyEventV2): Principal | undefined {
  const claims = (event as EventWithClaims).requestContext.authorizer?.jwt?.claims;
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) return undefined;
  return { orgId: parsed.data.org_id, role: parsed.data.role, subject: parsed.data.sub };
}

/** A Commerce Gateway merchant's caller: a token with `merchant_id` and `role` claims. */
export interface MerchantPrincipal {
  readonly merchantId: string;
  readonly role: Role;
  readonly subject: string | undefined;
}

const merchantClaimsSchema = z.looseObject({
  merchant_id: z.string().min(1),
  role: z.enum(ROLES),
  sub: z.string().optional(),
});

export function merchantPrincipalOf(event: APIGatewayProxyEventV2): MerchantPrincipal | undefined {
  const claims = (event as EventWithClaims).requestContext.authorizer?.jwt?.claims;
  const parsed = merchantClaimsSchema.safeParse(claims);
  if (!parsed.success) return undefined;
  return { merchantId: parsed.data.merchant_id, role: parsed.data.role, subject: parsed.data.sub };
}

export type Access = 'allowed' | 'unauthenticated' | 'not_found' | 'forbidden';

/**
 * Another organisation's resources answer as if they did not exist (404), so ids cannot be probed;
 * a member asking for an admin-only resource of its own organisation gets 403.
 */
export function checkOrgAccess(principal: Principal | undefined, orgId: string | undefined, required: Role): Access {
  if (!principal) return 'unauthenticated';
  if (!orgId || principal.orgId !== orgId) return 'not_found';
  if (required === 'admin' && principal.role !== 'admin') return 'forbidden';
  return 'allowed';
}

/** As checkOrgAccess, for `/v1/merchants/{merchantId}/…`: another merchant's resources are 404. */
export function checkMerchantAccess(
  principal: MerchantPrincipal | undefined,
  merchantId: string | undefined,
  required: Role,
): Access {
  if (!principal) return 'unauthenticated';
  if (!merchantId || principal.merchantId !== merchantId) return 'not_found';
  if (required === 'admin' && principal.role !== 'admin') return 'forbidden';
  return 'allowed';
}
