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
