import type { SecretCipher } from '../platform/crypto/secret-cipher';
import { ENDPOINT_SECRETS_KEY } from '../platform/topology';
import { ownerFields, type Owner } from '../events/owner';
import type { EndpointFields, EndpointView } from './endpoint-view';

/**
 * A tenant's webhook endpoint and the pure rules around it: what the API shows, which secrets sign,
 * and when a failing endpoint is switched off. Persistence lives in endpoints-store.ts.
 */

export type { DisabledReason, EndpointView } from './endpoint-view';

export interface StoredSecret {
  /** Encrypted (`SecretCipher`); never leaves the service in clear except once, on creation. */
  readonly ciphertext: string;
  readonly createdAt: string;
  /** Set while a rotated-out secret keeps signing during its grace period. */
  readonly expiresAt: string | null;
}

export interface Endpoint extends EndpointFields {
  readonly endpointId: string;
  readonly orgId: string;
  /** Set on a merchant's federation webhook; see owner.ts. */
  readonly merchantId?: string;
  /** Newest first. */
  readonly secrets: readonly StoredSecret[];
  /** Requests per second the endpoint accepts at most (admission/); absent or null: no limit. */
  readonly rateLimitPerSecond?: number | null;
}

/**
 * The endpoint as fan-out lists it and the API reads it: the secrets live in an item of their own
 * (endpoints-store.ts), so every fan-out query reads a small item without any ciphertext.
 */
export type EndpointRecord = Omit<Endpoint, 'secrets'>;

/** An endpoint's secrets and the version every rotation bumps (the conditional write's check). */
export interface EndpointSecrets {
  readonly secrets: readonly StoredSecret[];
  readonly version: number;
}

/** What the API shows: everything but the secrets. */
export function endpointView(endpoint: EndpointRecord): EndpointView {
  return {
    id: endpoint.endpointId,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    disabledAt: endpoint.disabledAt,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
    failingSince: endpoint.failingSince,
    lastSuccessAt: endpoint.lastSuccessAt,
    lastFailureAt: endpoint.lastFailureAt,
    rateLimitPerSecond: endpoint.rateLimitPerSecond ?? null,
  };
}

export interface NewEndpointFields {
  readonly owner: Owner;
  readonly endpointId: string;
  readonly url: string;
  readonly description?: string;
  readonly eventTypes: readonly string[];
  /** Created switched off (`disabledReason: 'manual'`) when false. */
  readonly enabled?: boolean;
  /** Requests per second at most (admission/); absent: no limit. */
  readonly rateLimitPerSecond?: number | null;
  readonly at: string;
}

/**
 * A new endpoint with `secret` as its one signing secret, encrypted bound to the endpoint: the one
 * place an endpoint record is spelled out (the API, the merchant webhook, benchmarks and tests).
 */
export async function newEndpointRecord(
  fields: NewEndpointFields,
  secret: string,
  cipher: Pick<SecretCipher, 'encrypt'>,
): Promise<Endpoint> {
  const { owner, endpointId, at } = fields;
  const enabled = fields.enabled ?? true;
  const identity = { ...ownerFields(owner), endpointId };
  return {
    ...identity,
    url: fields.url,
    description: fields.description ?? '',
    eventTypes: fields.eventTypes,
    enabled,
    disabledReason: enabled ? null : 'manual',
    disabledAt: enabled ? null : at,
    secrets: [{ ciphertext: await cipher.encrypt(secret, secretContext(identity)), createdAt: at, expiresAt: null }],
    createdAt: at,
    updatedAt: at,
    failingSince: null,
    lastSuccessAt: null,
    lastFailureAt: null,
    rateLimitPerSecond: fields.rateLimitPerSecond ?? null,
  };
}

/** The secrets that sign a delivery at `now`: the current one plus any still in their grace period. */
export function signingSecrets(endpoint: Pick<Endpoint, 'secrets'>, now: Date): StoredSecret[] {
  return endpoint.secrets.filter((secret) => secret.expiresAt === null || Date.parse(secret.expiresAt) > now.getTime());
}

/** The context a secret's ciphertext is bound to, so it cannot be replayed onto another endpoint. */
export function secretContext(endpoint: Pick<Endpoint, 'orgId' | 'endpointId' | 'merchantId'>): Record<string, string> {
  return {
    purpose: ENDPOINT_SECRETS_KEY.purposes.endpoint,
    orgId: endpoint.orgId,
    ...(endpoint.merchantId !== undefined && { merchantId: endpoint.merchantId }),
    endpointId: endpoint.endpointId,
  };
}

/**
 * After a failed attempt: an endpoint whose every delivery has failed for `disableAfterMs` is
 * switched off, so a dead receiver stops costing retries and its owner is told.
 */
export function shouldAutoDisable(failingSince: string | null, now: Date, disableAfterMs: number): boolean {
  return failingSince !== null && now.getTime() - Date.parse(failingSince) >= disableAfterMs;
}

/** Rotation: how long a rotated-out secret keeps signing unless told otherwise, at most, and how many may. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;
export const MAX_OLD_SECRETS = 5;

/**
 * The secrets after a rotation at `now`: the new one first (no expiry), then the secret it replaces
 * with `graceSeconds` left to sign, then older secrets still in their grace period, newest first and
 * at most MAX_OLD_SECRETS of them. No expiry is lengthened, and none ends after the new grace period
 * (a rotation with grace 0 retires every old secret at once: the answer to a leaked secret).
 */
export function rotatedSecrets(
  current: readonly StoredSecret[],
  next: StoredSecret,
  now: Date,
  graceSeconds: number,
): StoredSecret[] {
  const graceEnd = new Date(now.getTime() + graceSeconds * 1_000).toISOString();
  const old = current
    .map((secret) =>
      secret.expiresAt === null || Date.parse(secret.expiresAt) > Date.parse(graceEnd)
        ? { ...secret, expiresAt: graceEnd }
        : secret,
    )
    .filter((secret) => secret.expiresAt !== null && Date.parse(secret.expiresAt) > now.getTime())
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, MAX_OLD_SECRETS);
  return [{ ...next, expiresAt: null }, ...old];
}
