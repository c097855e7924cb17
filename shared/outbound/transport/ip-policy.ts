import {
  cidrContains,
  formatIp,
  formatIpv4,
  parseCidr,
  parseIp,
  type Cidr,
  type IpAddress,
} from '../../platform/net/ip-address';
import { STRICT_IP_POLICY, type IpPolicy } from '../../platform/net/ip-allowlist';

export { ipPolicyFrom, parseCidrList, STRICT_IP_POLICY, type IpPolicy } from '../../platform/net/ip-allowlist';

/**
 * Which addresses the sender may dial. A tenant controls the endpoint URL and therefore, through
 * DNS, the address we connect to; anything that is not globally routable (loopback — where the
 * Lambda runtime API listens —, private networks, cloud metadata at 169.254.169.254 and
 * fd00:ec2::254, …) is refused unless an operator allowlisted it. Ranges: REFERENCE.md §3.
 */

export type AddressVerdict =
  | { readonly allowed: true; /** Set when the address is non-global but allowlisted. */ readonly reason?: string }
  | { readonly allowed: false; readonly reason: string };

interface NamedRange {
  readonly cidr: Cidr;
  readonly label: string;
  /** Where the range carries an IPv4 address, the byte offset of it, so the reason can name it. */
  readonly embedsIpv4At?: number;
}

function range(text: string, label: string, embedsIpv4At?: number): NamedRange {
  const cidr = parseCidr(text);
  if (typeof cidr === 'string') throw new Error(`Built-in range ${cidr}`);
  return { cidr, label, ...(embedsIpv4At !== undefined && { embedsIpv4At }) };
}

/** Every non-global IPv4 range. 255.255.255.255 comes before 240/4 so its own name is reported. */
const BLOCKED_IPV4 = [
  range('0.0.0.0/8', '"this network"'),
  range('10.0.0.0/8', 'private network'),
  range('100.64.0.0/10', 'shared address space (carrier-grade NAT)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local (cloud metadata)'),
  range('172.16.0.0/12', 'private network'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation (TEST-NET-1)'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private network'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation (TEST-NET-2)'),
  range('203.0.113.0/24', 'documentation (TEST-NET-3)'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'limited broadcast'),
  range('240.0.0.0/4', 'reserved'),
] as const;

/**
 * Non-global IPv6 ranges. IPv4-mapped addresses (::ffff:0:0/96) never reach this table: they are
 * judged as the IPv4 address they map to, since that is what the kernel dials. Beyond the list in
 * REFERENCE.md: ::/96 (deprecated IPv4-compatible), Teredo and 3fff::/20 (documentation), and the
 * rule below that anything outside 2000::/3 — the only block IANA allocates for global unicast — is
 * not global either.
 */
const BLOCKED_IPV6 = [
  range('::/128', 'unspecified address'),
  range('::1/128', 'loopback'),
  range('::/96', 'IPv4-compatible (deprecated)', 12),
  range('64:ff9b::/96', 'NAT64', 12),
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('2001::/32', 'Teredo tunnelling'),
  range('2001:db8::/32', 'documentation'),
  range('2002::/16', '6to4', 2),
  range('3fff::/20', 'documentation'),
  range('fc00::/7', 'unique local (includes AWS metadata fd00:ec2::254)'),
  range('fe80::/10', 'link-local'),
  range('ff00::/8', 'multicast'),
] as const;

const GLOBAL_UNICAST_IPV6 = range('2000::/3', 'global unicast');
const IPV4_MAPPED = range('::ffff:0:0/96', 'IPv4-mapped');

/** Why an address is not global, or `undefined` when it is. */
function nonGlobalReason(address: IpAddress): string | undefined {
  const text = formatIp(address);
  if (cidrContains(IPV4_MAPPED.cidr, address)) {
    const ipv4: IpAddress = { version: 4, bytes: address.bytes.slice(12) };
    const inner = nonGlobalReason(ipv4);
    return inner && `${text} maps to IPv4: ${inner}`;
  }
  const table = address.version === 4 ? BLOCKED_IPV4 : BLOCKED_IPV6;
  const hit = table.find((candidate) => cidrContains(candidate.cidr, address));
  if (hit) {
    const embedded =
      hit.embedsIpv4At === undefined ? '' : `; embeds ${formatIpv4(address.bytes.subarray(hit.embedsIpv4At))}`;
    return `${text} is in ${hit.cidr.text} (${hit.label}${embedded})`;
  }
  if (address.version === 6 && !cidrContains(GLOBAL_UNICAST_IPV6.cidr, address)) {
    return `${text} is outside ${GLOBAL_UNICAST_IPV6.cidr.text} (not global unicast)`;
  }
  return undefined;
}

/** True only for a parseable address in no non-global range. Ignores any allowlist. */
export function isGlobalAddress(ip: string): boolean {
  const address = parseIp(ip);
  return address !== undefined && nonGlobalReason(address) === undefined;
}

/**
 * Decides whether `ip` may be dialled. A mapped address also matches an allowlist entry written
 * for the IPv4 address it maps to (`127.0.0.0/8` admits `::ffff:127.0.0.1`).
 */
export function classifyAddress(ip: string, policy: IpPolicy = STRICT_IP_POLICY): AddressVerdict {
  const address = parseIp(ip);
  if (!address) return { allowed: false, reason: `"${ip}" is not an IP address` };
  const reason = nonGlobalReason(address);
  if (reason === undefined) return { allowed: true };
  const forms = cidrContains(IPV4_MAPPED.cidr, address)
    ? [address, { version: 4, bytes: address.bytes.slice(12) } as const]
    : [address];
  const entry = policy.allowedPrivateCidrs.find((cidr) => forms.some((form) => cidrContains(cidr, form)));
  if (entry) return { allowed: true, reason: `${reason}, allowlisted by ${entry.text}` };
  return { allowed: false, reason };
}
