import { ConfigurationError } from '../errors';
import { parseCidr, type Cidr } from './ip-address';

/**
 * The operator's allowlist of private targets outbound calls may dial (`ALLOWED_PRIVATE_CIDRS`),
 * parsed at cold start with the rest of the config. What is refused without it, and why, is the SSRF
 * policy's business (shared/outbound/transport/ip-policy.ts).
 */

export interface IpPolicy {
  /** Trusted private targets (`ALLOWED_PRIVATE_CIDRS`), allowed even though they are not global. */
  readonly allowedPrivateCidrs: readonly Cidr[];
}

/** No allowlist: only global addresses. */
export const STRICT_IP_POLICY: IpPolicy = { allowedPrivateCidrs: [] };

/**
 * Parses a comma-separated CIDR list such as `ALLOWED_PRIVATE_CIDRS="127.0.0.0/8,::1/128"`.
 * Blank entries are ignored; a bare address means that one host. An invalid entry is a
 * configuration error, raised at cold start rather than silently dropped.
 */
export function parseCidrList(list: string, settingName = 'ALLOWED_PRIVATE_CIDRS'): Cidr[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const cidr = parseCidr(entry);
      if (typeof cidr === 'string') throw new ConfigurationError(`${settingName}: ${cidr}`);
      return cidr;
    });
}

/** Builds the policy from the allowlist setting (empty or absent: strict). */
export function ipPolicyFrom(allowedPrivateCidrs: string | undefined): IpPolicy {
  return { allowedPrivateCidrs: parseCidrList(allowedPrivateCidrs ?? '') };
}
