import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import { REPO_ROOT } from './paths';

/**
 * Local stand-in for the HTTP API's JWT authorizer. In AWS the authorizer checks an identity
 * provider's RS256 tokens; locally tokens are HS256, signed with LOCAL_JWT_SECRET. Issuer and audience
 * are read from cdk.json's context (`jwtIssuer`, `jwtAudience`) — the values the CDK app gives the
 * real authorizer — so the two cannot drift.
 */

function readCdkContext(): { issuer: string; audience: string } {
  const cdk = JSON.parse(readFileSync(resolve(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const issuer = cdk.context?.jwtIssuer;
  const audience = cdk.context?.jwtAudience;
  if (typeof issuer !== 'string' || typeof audience !== 'string') {
    throw new Error('cdk.json context must define string values jwtIssuer and jwtAudience');
  }
  return { issuer, audience };
}

const CDK_CONTEXT = readCdkContext();
export const JWT_ISSUER = CDK_CONTEXT.issuer;
export const JWT_AUDIENCE = CDK_CONTEXT.audience;
export const JWT_ALGORITHM = 'HS256';

export const LOCAL_ROLES = ['admin', 'member'] as const;
export type LocalRole = (typeof LOCAL_ROLES)[number];

export function isLocalRole(value: unknown): value is LocalRole {
  return typeof value === 'string' && (LOCAL_ROLES as readonly string[]).includes(value);
}

/** An organisation's token (`org_id`) or a Commerce Gateway merchant's (`merchant_id`): exactly one. */
export type LocalTokenInput = (
  | { readonly orgId: string; readonly merchantId?: undefined }
  | { readonly merchantId: string; readonly orgId?: undefined }
) & {
  readonly role: LocalRole;
  /** Defaults to `user_local_<role>`. */
  readonly sub?: string;
  readonly ttlSeconds?: number;
  /** Unix seconds; defaults to now. */
  readonly issuedAt?: number;
};

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

function secretKey(secret: string): Uint8Array {
  if (secret.length === 0) throw new Error('The JWT secret must not be empty');
  return new TextEncoder().encode(secret);
}

export async function signLocalToken(secret: string, input: LocalTokenInput): Promise<string> {
  const issuedAt = input.issuedAt ?? Math.floor(Date.now() / 1000);
  const ttl = input.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0)
    throw new Error(`Token lifetime must be a positive number of seconds, got ${ttl}`);
  const tenant = input.merchantId !== undefined ? { merchant_id: input.merchantId } : { org_id: input.orgId };
  if (input.merchantId !== undefined ? !input.merchantId.trim() : !input.orgId.trim())
    throw new Error(`${input.merchantId !== undefined ? 'merchantId' : 'orgId'} must not be empty`);
  return new SignJWT({ ...tenant, role: input.role })
    .setProtectedHeader({ alg: JWT_ALGORITHM, typ: 'JWT' })
    .setSubject(input.sub ?? `user_local_${input.role}`)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttl)
    .sign(secretKey(secret));
}

/** Verifies signature, algorithm, issuer, audience and `exp` (which must be present). Throws when any fails. */
export async function verifyLocalToken(secret: string, token: string, now?: Date): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, secretKey(secret), {
    algorithms: [JWT_ALGORITHM],
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    requiredClaims: ['exp'],
    ...(now ? { currentDate: now } : {}),
  });
  return payload;
}

/** The token in an `Authorization` header; like API Gateway, the `Bearer ` prefix is optional. */
export function tokenFromAuthorizationHeader(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  const token = trimmed.replace(/^bearer(?:\s+|$)/i, '').trim();
  return token || undefined;
}

/**
 * Claims as API Gateway hands them to the function in `requestContext.authorizer.jwt.claims`: every
 * value a string (numbers too, e.g. `"exp": "1700000000"`); arrays in the authorizer's `[a b]` form.
 */
export function claimsAsDelivered(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) claims[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}
