import { ENDPOINT_SECRETS_KEY } from '../../platform/topology';

/**
 * The encryption context of a signed source's secret: `purpose` keeps the ciphertext from passing
 * as any other secret under the same key, and orgId/sourceId bind it to its source.
 */
export function sourceSecretContext(
  orgId: string,
  sourceId: string,
): { purpose: typeof ENDPOINT_SECRETS_KEY.purposes.source; orgId: string; sourceId: string } {
  return { purpose: ENDPOINT_SECRETS_KEY.purposes.source, orgId, sourceId };
}

/** A replaced secret that still verifies until `expiresAt`, like a rotated endpoint secret. */
export interface RetiredSourceSecret {
  readonly ciphertext: string;
  readonly expiresAt: string;
}

/** How long a replaced source secret keeps verifying unless the PUT says otherwise, at most, and how many may. */
export const DEFAULT_SOURCE_GRACE_SECONDS = 86_400;
export const MAX_SOURCE_GRACE_SECONDS = 7 * 86_400;
const MAX_RETIRED_SECRETS = 5;

/**
 * The retired secrets after the current ones are replaced at `now`: the replaced ones verify for
 * `graceSeconds` more, earlier retired ones keep their (never lengthened) expiry, expired ones drop out;
 * newest first, at most five. Grace 0 retires every old secret at once (the answer to a leak).
 */
export function retiredSourceSecrets(
  previous:
    { readonly secrets: readonly string[]; readonly retiredSecrets?: readonly RetiredSourceSecret[] } | undefined,
  now: Date,
  graceSeconds: number,
): RetiredSourceSecret[] {
  if (!previous) return [];
  const graceEnd = new Date(now.getTime() + graceSeconds * 1_000).toISOString();
  return [
    ...previous.secrets.map((ciphertext) => ({ ciphertext, expiresAt: graceEnd })),
    ...(previous.retiredSecrets ?? []).map((secret) => ({
      ...secret,
      expiresAt: secret.expiresAt < graceEnd ? secret.expiresAt : graceEnd,
    })),
  ]
    .filter((secret) => Date.parse(secret.expiresAt) > now.getTime())
    .slice(0, MAX_RETIRED_SECRETS);
}

/** The ciphertexts that verify a source's deliveries at `now`: its secrets, then retired ones still in grace. */
export function verifyingSourceSecrets(
  source: { readonly secrets: readonly string[]; readonly retiredSecrets?: readonly RetiredSourceSecret[] },
  now: Date,
): string[] {
  return [
    ...source.secrets,
    ...(source.retiredSecrets ?? [])
      .filter((secret) => Date.parse(secret.expiresAt) > now.getTime())
      .map((secret) => secret.ciphertext),
  ];
}
