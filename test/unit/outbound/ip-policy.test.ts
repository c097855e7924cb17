import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/platform/errors';
import {
  classifyAddress,
  ipPolicyFrom,
  isGlobalAddress,
  parseCidrList,
  STRICT_IP_POLICY,
} from '../../../shared/outbound/transport/ip-policy';

/** First and last address of every non-global range in REFERENCE.md §3, with the range expected in the reason. */
const BLOCKED_RANGES: readonly [first: string, last: string, range: string][] = [
  ['0.0.0.0', '0.255.255.255', '0.0.0.0/8'],
  ['10.0.0.0', '10.255.255.255', '10.0.0.0/8'],
  ['100.64.0.0', '100.127.255.255', '100.64.0.0/10'],
  ['127.0.0.0', '127.255.255.255', '127.0.0.0/8'],
  ['169.254.0.0', '169.254.255.255', '169.254.0.0/16'],
  ['172.16.0.0', '172.31.255.255', '172.16.0.0/12'],
  ['192.0.0.0', '192.0.0.255', '192.0.0.0/24'],
  ['192.0.2.0', '192.0.2.255', '192.0.2.0/24'],
  ['192.88.99.0', '192.88.99.255', '192.88.99.0/24'],
  ['192.168.0.0', '192.168.255.255', '192.168.0.0/16'],
  ['198.18.0.0', '198.19.255.255', '198.18.0.0/15'],
  ['198.51.100.0', '198.51.100.255', '198.51.100.0/24'],
  ['203.0.113.0', '203.0.113.255', '203.0.113.0/24'],
  ['224.0.0.0', '239.255.255.255', '224.0.0.0/4'],
  ['240.0.0.0', '255.255.255.254', '240.0.0.0/4'],
  ['255.255.255.255', '255.255.255.255', '255.255.255.255/32'],
  ['::', '::', '::/128'],
  ['::1', '::1', '::1/128'],
  ['64:ff9b::', '64:ff9b::ffff:ffff', '64:ff9b::/96'],
  ['100::', '100::ffff:ffff:ffff:ffff', '100::/64'],
  ['2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32'],
  ['2002::', '2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2002::/16'],
  ['fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fc00::/7'],
  ['fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe80::/10'],
  ['ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ff00::/8'],
];

/** Well-known dangerous targets and alternative spellings of them. */
const BLOCKED_SPECIALS: readonly [address: string, reasonFragment: string][] = [
  ['169.254.169.254', 'link-local (cloud metadata)'],
  ['fd00:ec2::254', 'fc00::/7'],
  ['[::1]', '::1/128'],
  ['::ffff:169.254.169.254', 'maps to IPv4: 169.254.169.254 is in 169.254.0.0/16'],
  ['::ffff:a9fe:a9fe', 'maps to IPv4: 169.254.169.254'],
  ['::ffff:127.0.0.1', 'maps to IPv4: 127.0.0.1 is in 127.0.0.0/8'],
  ['::ffff:7f00:1', 'maps to IPv4: 127.0.0.1'],
  ['::FFFF:7F00:1', 'maps to IPv4: 127.0.0.1'],
  ['0:0:0:0:0:ffff:0a00:0001', 'maps to IPv4: 10.0.0.1'],
  ['::ffff:0.0.0.0', 'maps to IPv4: 0.0.0.0'],
  ['64:ff9b::7f00:1', 'NAT64; embeds 127.0.0.1'],
  ['64:ff9b::169.254.169.254', 'embeds 169.254.169.254'],
  ['2002:7f00:1::', '6to4; embeds 127.0.0.1'],
  ['::7f00:1', 'IPv4-compatible (deprecated); embeds 127.0.0.1'],
  ['::127.0.0.1', 'embeds 127.0.0.1'],
  ['0:0:0:0:0:0:0:1', '::1/128'],
  ['fe80::1%eth0', 'fe80::/10'],
  ['fec0::1', 'not global unicast'],
  ['2001::1', 'Teredo'],
  ['3fff::1', 'documentation'],
  ['64:ff9b:1::1', 'local-use NAT64'],
];

const GLOBAL = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '::ffff:8.8.8.8',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '11.0.0.0',
  '9.255.255.255',
  '2003::1',
  '2001:db7:ffff::1',
  '2001:db9::1',
];

describe('Module: ip-policy', () => {
  describe('Function: classifyAddress', () => {
    it.each(BLOCKED_RANGES.flatMap(([first, last, range]) => [[first, range] as const, [last, range] as const]))(
      'blocks %s (in %s)',
      (address, range) => {
        const verdict = classifyAddress(address);
        expect(verdict).toEqual({ allowed: false, reason: expect.stringContaining(range) });
        expect(isGlobalAddress(address)).toBe(false);
      },
    );

    it.each(BLOCKED_SPECIALS)('blocks %s (%s)', (address, reasonFragment) => {
      const verdict = classifyAddress(address);
      expect(verdict.allowed).toBe(false);
      expect(verdict.reason).toContain(reasonFragment);
    });

    it.each(GLOBAL)('allows the global address %s', (address) => {
      expect(classifyAddress(address)).toEqual({ allowed: true });
      expect(isGlobalAddress(address)).toBe(true);
    });

    it.each([
      'localhost',
      'example.com',
      '2130706433',
      '0x7f.0.0.1',
      '017700000001',
      '127.1',
      '010.0.0.1',
      '',
      '1.2.3.4 ',
      '[1.2.3.4]',
    ])('refuses "%s", which is not a canonical IP address', (text) => {
      expect(classifyAddress(text)).toEqual({ allowed: false, reason: `"${text}" is not an IP address` });
      expect(isGlobalAddress(text)).toBe(false);
    });

    it('allows an allowlisted non-global address and says why', () => {
      const policy = ipPolicyFrom('127.0.0.0/8');
      expect(classifyAddress('127.0.0.1', policy)).toEqual({
        allowed: true,
        reason: expect.stringContaining('allowlisted by 127.0.0.0/8'),
      });
      expect(classifyAddress('127.255.0.9', policy).allowed).toBe(true);
    });

    it('keeps blocking what the allowlist does not cover', () => {
      const policy = ipPolicyFrom('127.0.0.0/8');
      expect(classifyAddress('10.0.0.1', policy).allowed).toBe(false);
      expect(classifyAddress('169.254.169.254', policy).allowed).toBe(false);
      expect(classifyAddress('::1', policy).allowed).toBe(false);
    });

    it('applies an IPv4 allowlist entry to the mapped IPv6 form of the same address', () => {
      const policy = ipPolicyFrom('127.0.0.0/8');
      expect(classifyAddress('::ffff:127.0.0.1', policy).allowed).toBe(true);
      expect(classifyAddress('::ffff:10.0.0.1', policy).allowed).toBe(false);
    });

    it('does not treat NAT64 or 6to4 forms as the embedded IPv4 address for the allowlist', () => {
      const policy = ipPolicyFrom('127.0.0.0/8');
      expect(classifyAddress('64:ff9b::7f00:1', policy).allowed).toBe(false);
      expect(classifyAddress('2002:7f00:1::', policy).allowed).toBe(false);
    });

    it('allows an allowlisted IPv6 range', () => {
      const policy = ipPolicyFrom('::1/128, fd00:1234::/32');
      expect(classifyAddress('::1', policy).allowed).toBe(true);
      expect(classifyAddress('fd00:1234:5::1', policy).allowed).toBe(true);
      expect(classifyAddress('fd00:ec2::254', policy).allowed).toBe(false);
    });

    it('is strict when given no policy', () => {
      expect(classifyAddress('127.0.0.1', STRICT_IP_POLICY)).toEqual(classifyAddress('127.0.0.1'));
    });
  });

  describe('Function: parseCidrList', () => {
    it('parses a comma-separated list, ignoring spaces and blank entries', () => {
      const list = parseCidrList(' 127.0.0.0/8, ::1/128,,10.1.2.3 ');
      expect(list.map((cidr) => cidr.text)).toEqual(['127.0.0.0/8', '::1/128', '10.1.2.3/32']);
    });

    it('returns an empty list for an empty setting', () => {
      expect(parseCidrList('')).toEqual([]);
      expect(ipPolicyFrom(undefined)).toEqual(STRICT_IP_POLICY);
    });

    it.each([
      ['not-an-ip/8', 'does not start with an IPv4 or IPv6 address'],
      ['10.0.0.0/33', 'invalid prefix length (expected 0–32)'],
      ['::/129', 'invalid prefix length (expected 0–128)'],
      ['10.0.0.0/', 'invalid prefix length'],
      ['10.0.0.0/-1', 'invalid prefix length'],
      ['10.0.0.0/8/8', 'invalid prefix length'],
      ['10.0.0.1/8', 'has host bits set; did you mean 10.0.0.0/8?'],
      ['fd00::1/8', 'did you mean fd00::/8?'],
      ['fe80::%eth0/10', 'must not carry a zone'],
      ['0x7f.0.0.1/8', 'does not start with an IPv4 or IPv6 address'],
    ])('throws a ConfigurationError naming the setting for "%s"', (entry, message) => {
      const run = () => parseCidrList(`127.0.0.0/8,${entry}`);
      expect(run).toThrow(ConfigurationError);
      expect(run).toThrow(`ALLOWED_PRIVATE_CIDRS: "${entry}"`);
      expect(run).toThrow(message);
    });
  });
});
