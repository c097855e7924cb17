import { describe, expect, it } from 'vitest';
import { isAllowedHost, parseAllowedHosts } from '../../../infra/local/host-check';

describe('the local gateway Host check', () => {
  it('accepts the loopback names with its own port only', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'LOCALHOST:3000'])
      expect(isAllowedHost(host, 3000, []), host).toBe(true);
    for (const host of [
      undefined,
      '',
      '127.0.0.1',
      'localhost',
      '127.0.0.1:3001',
      'evil.example:3000',
      'localhost.evil.example:3000',
    ])
      expect(isAllowedHost(host, 3000, []), String(host)).toBe(false);
  });

  it('accepts the hosts the user named (a tunnel), with or without a port', () => {
    const extra = parseAllowedHosts(' abc.ngrok.app , ,Tunnel.Example.dev:8443');
    expect(extra).toEqual(['abc.ngrok.app', 'tunnel.example.dev:8443']);
    expect(isAllowedHost('abc.ngrok.app', 3000, extra)).toBe(true);
    expect(isAllowedHost('abc.ngrok.app:443', 3000, extra)).toBe(true);
    expect(isAllowedHost('tunnel.example.dev:8443', 3000, extra)).toBe(true);
    expect(isAllowedHost('tunnel.example.dev:9999', 3000, extra)).toBe(false);
    expect(isAllowedHost('xabc.ngrok.app', 3000, extra)).toBe(false);
  });
});
