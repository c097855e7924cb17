import { describe, expect, it } from 'vitest';
import { cidrContains, formatIp, parseCidr, parseIp, type Cidr } from '../../../shared/platform/net/ip-address';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

function ip(text: string) {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`not an IP: ${text}`);
  return parsed;
}

describe('Module: ip-address', () => {
  describe('Function: parseIp', () => {
    it('parses dotted-quad IPv4 to 4 bytes', () => {
      expect(parseIp('192.0.2.255')).toEqual({ version: 4, bytes: Uint8Array.of(192, 0, 2, 255) });
    });

    it.each([
      ['::', '00000000000000000000000000000000'],
      ['::1', '00000000000000000000000000000001'],
      ['1::', '00010000000000000000000000000000'],
      ['2001:db8::8a2e:370:7334', '20010db80000000000008a2e03707334'],
      ['::ffff:127.0.0.1', '00000000000000000000ffff7f000001'],
      ['64:ff9b::169.254.169.254', '0064ff9b0000000000000000a9fea9fe'],
      ['[fd00:ec2::254]', 'fd000ec2000000000000000000000254'],
      ['fe80::1%eth0', 'fe800000000000000000000000000001'],
      ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ])('expands %s to 16 bytes', (text, hex) => {
      expect(Buffer.from(ip(text).bytes).toString('hex')).toBe(hex);
    });

    it.each(['2130706433', '0x7f.0.0.1', '127.1', '1.2.3.4.5', '::1::', 'example.com', '[127.0.0.1]', ''])(
      'rejects %s',
      (text) => {
        expect(parseIp(text)).toBeUndefined();
      },
    );
  });

  describe('Function: formatIp', () => {
    it('prints IPv6 in the compact form WHATWG URL uses', () => {
      expect(formatIp(ip('::ffff:127.0.0.1'))).toBe('::ffff:7f00:1');
      expect(formatIp(ip('2001:0db8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
      expect(formatIp(ip('10.0.0.1'))).toBe('10.0.0.1');
    });
  });

  describe('Function: cidrContains', () => {
    it('matches on the prefix bits only, including prefixes that split a byte', () => {
      expect(cidrContains(cidr('100.64.0.0/10'), ip('100.127.255.255'))).toBe(true);
      expect(cidrContains(cidr('100.64.0.0/10'), ip('100.128.0.0'))).toBe(false);
      expect(cidrContains(cidr('fe80::/10'), ip('febf::1'))).toBe(true);
      expect(cidrContains(cidr('fe80::/10'), ip('fec0::1'))).toBe(false);
    });

    it('treats /0 as everything of its own version and nothing of the other', () => {
      expect(cidrContains(cidr('0.0.0.0/0'), ip('8.8.8.8'))).toBe(true);
      expect(cidrContains(cidr('0.0.0.0/0'), ip('::1'))).toBe(false);
      expect(cidrContains(cidr('::/0'), ip('2606:4700::1'))).toBe(true);
    });
  });

  describe('Function: parseCidr', () => {
    it('reads a bare address as a single host', () => {
      expect(cidr('10.1.2.3').text).toBe('10.1.2.3/32');
      expect(cidr('::1').text).toBe('::1/128');
    });
  });
});
