import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses as bytes, and CIDR blocks over them. Hand-written over `node:net`'s validators
 * rather than `net.BlockList` because the SSRF policy needs what BlockList does not give: the bytes
 * of an IPv4 address embedded in an IPv6 one (mapped, NAT64, 6to4), and which range matched, for
 * the reason it reports.
 */

export type IpVersion = 4 | 6;

export interface IpAddress {
  readonly version: IpVersion;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export interface Cidr {
  readonly version: IpVersion;
  readonly bytes: Uint8Array;
  readonly prefixLength: number;
  /** Canonical text, e.g. `127.0.0.0/8`, used in reasons and errors. */
  readonly text: string;
}

/**
 * Parses an address as a resolver or a URL host gives it: dotted-quad IPv4 or any IPv6 form,
 * the latter optionally in brackets or with a zone (`fe80::1%eth0`; the zone does not change the range).
 * Returns `undefined` for anything else — including the decimal/octal/hex IPv4 spellings, which
 * WHATWG URL has already rewritten to dotted form by the time a host reaches us.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { version: 4, bytes: Uint8Array.from(text.split('.'), Number) };
  const candidate = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!isIPv6(candidate)) return undefined;
  const zone = candidate.indexOf('%');
  return { version: 6, bytes: ipv6Bytes(zone === -1 ? candidate : candidate.slice(0, zone)) };
}

/** Expands validated IPv6 text (one `::` at most, optional dotted IPv4 tail) to 16 bytes. */
function ipv6Bytes(text: string): Uint8Array {
  let hex = text;
  const lastColon = hex.lastIndexOf(':');
  const tail = hex.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    hex = `${hex.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = hex.split('::');
  const head = left === '' ? [] : left.split(':');
  const rest = right === undefined || right === '' ? [] : right.split(':');
  const groups =
    right === undefined ? head : [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

export function formatIpv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join('.');
}

/** Compact IPv6 text, as WHATWG URL would print it (`::ffff:7f00:1`). */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) return formatIpv4(address.bytes);
  return new URL(`http://[${groupsOf(address.bytes).join(':')}]/`).hostname.slice(1, -1);
}

function groupsOf(bytes: Uint8Array): string[] {
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2)
    groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
  return groups;
}

/**
 * Parses `a.b.c.d/n` or `x::y/n`; a bare address is a single host (/32 or /128). Host bits must be
 * zero, so a typo like `10.0.0.1/8` is reported instead of silently widened. Returns a message
 * describing the problem instead of throwing, so callers can name the setting it came from.
 */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  if (addressText.includes('%')) return `"${text}" must not carry a zone (%…)`;
  const address = parseIp(addressText);
  if (!address) return `"${text}" does not start with an IPv4 or IPv6 address`;
  const maxPrefix = address.version === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(maxPrefix) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
    return `"${text}" has an invalid prefix length (expected 0–${maxPrefix})`;
  }
  const prefixLength = Number(prefixText);
  const network = maskTo(address.bytes, prefixLength);
  const canonical = `${formatIp({ version: address.version, bytes: network })}/${prefixLength}`;
  if (!network.every((byte, index) => byte === address.bytes[index])) {
    return `"${text}" has host bits set; did you mean ${canonical}?`;
  }
  return { version: address.version, bytes: network, prefixLength, text: canonical };
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.version !== address.version) return false;
  const masked = maskTo(address.bytes, cidr.prefixLength);
  return masked.every((byte, index) => byte === cidr.bytes[index]);
}

function maskTo(bytes: Uint8Array, prefixLength: number): Uint8Array {
  return bytes.map((byte, index) => {
    const bits = Math.min(8, Math.max(0, prefixLength - index * 8));
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
}
