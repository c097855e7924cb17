import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';

/**
 * Who is calling. In AWS the HTTP API's JWT authorizer has already verified the token and passes its
 * claims (as strings) in `requestContext.authorizer.jwt.claims`; the local runtime does the same.
 * Handlers only read and check them: a caller sees its own organisation and nothing else.
 */
const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** The caller of one kind of owner: `key` holds the owner its token names (`orgId`, `merchantId`). */
export type OwnerPrincipal<Key extends string> = Readonly<Record<Key, string>> & {
  readonly role: Role;
  readonly subject: string | undefined;
};

/** An organisation's caller: a token with `org_id` and `role` claims. */
export type Principal = OwnerPrincipal<'orgId'>;
/** A Commerce Gateway merchant's caller: a token with `merchant_id` and `role` claims. */
export type MerchantPrincipal = OwnerPrincipal<'merchantId'>;

const callerClaimsSchema = z.looseObject({ role: z.enum(ROLES), sub: z.string().optional() });
const ownerClaimSchema = z.string().min(1);

type EventWithClaims = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

/** Reads one owner kind's caller from the token's claims; `claim` is the claim naming the owner. */
export function ownerPrincipalReader<Key extends string>(key: Key, claim: string) {
  return (event: APIGatewayProxyEventV2): OwnerPrincipal<Key> | undefined => {
    const claims = (event as EventWithClaims).requestContext.authorizer?.jwt?.claims;
    const caller = callerClaimsSchema.safeParse(claims);
    const ownerId = ownerClaimSchema.safeParse(claims?.[claim]);
    if (!caller.success || !ownerId.success) return undefined;
    return { [key]: ownerId.data, role: caller.data.role, subject: caller.data.sub } as OwnerPrincipal<Key>;
  };
}

export const principalOf = ownerPrincipalReader('orgId', 'org_id');
export const merchantPrincipalOf = ownerPrincipalReader('merchantId', 'merchant_id');

export type Access = 'allowed' | 'unauthenticated' | 'not_found' | 'forbidden';

/**
 * Another owner's resources answer as if they did not exist (404), so ids cannot be probed; a member
 * asking for an admin-only resource of its own organisation (or merchant) gets 403.
 */
export function ownerAccessCheck<Key extends string>(key: Key) {
  return (principal: OwnerPrincipal<Key> | undefined, ownerId: string | undefined, required: Role): Access => {
    if (!principal) return 'unauthenticated';
    if (!ownerId || principal[key] !== ownerId) return 'not_found';
    if (required === 'admin' && principal.role !== 'admin') return 'forbidden';
    return 'allowed';
  };
}

export const checkOrgAccess = ownerAccessCheck('orgId');
export const checkMerchantAccess = ownerAccessCheck('merchantId');
