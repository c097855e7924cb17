import { describe, expect, it, vi } from 'vitest';
import { resolveDialTarget, type ResolvedAddress, type Resolver } from '../../../shared/outbound/transport/dial-target';
import { classifyNetworkError } from '../../../shared/outbound/transport/http-delivery';
import { ipPolicyFrom, STRICT_IP_POLICY } from '../../../shared/outbound/transport/ip-policy';

const never = new AbortController().signal;

function resolverFor(answers: Record<string, readonly ResolvedAddress[]>) {
  return vi.fn<Resolver>(async (hostname) => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  });
}

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });

describe('Module: dial-target', () => {
  describe('Function: resolveDialTarget', () => {
    it('returns the first resolved address when every address is global', async () => {
      const resolver = resolverFor({
        'hooks.example.com': [v4('93.184.216.34'), { address: '2606:2800:220:1::1', family: 6 }],
      });
      expect(await resolveDialTarget('hooks.example.com', STRICT_IP_POLICY, resolver, never)).toEqual({
        ok: true,
        address: '93.184.216.34',
        literal: false,
      });
    });

    it('refuses the host if any resolved address is blocked, wherever it appears in the answer', async () => {
      const resolver = resolverFor({ 'mixed.example': [v4('8.8.8.8'), v4('10.0.0.1')] });
      expect(await resolveDialTarget('mixed.example', STRICT_IP_POLICY, resolver, never)).toEqual({
        ok: false,
        error: 'ssrf_blocked',
        message: 'Refused to connect to mixed.example: 10.0.0.1 is in 10.0.0.0/8 (private network)',
      });
    });

    it('refuses a resolver answer that is not an IP address rather than dialling a name', async () => {
      const resolver = resolverFor({ 'odd.example': [v4('localhost')] });
      expect(await resolveDialTarget('odd.example', STRICT_IP_POLICY, resolver, never)).toMatchObject({
        ok: false,
        error: 'ssrf_blocked',
      });
    });

    it('checks IP literals without resolving them, brackets removed for dialling', async () => {
      const resolver = resolverFor({});
      expect(await resolveDialTarget('[::ffff:7f00:1]', STRICT_IP_POLICY, resolver, never)).toMatchObject({
        ok: false,
        error: 'ssrf_blocked',
      });
      expect(await resolveDialTarget('[::1]', ipPolicyFrom('::1/128'), resolver, never)).toEqual({
        ok: true,
        address: '::1',
        literal: true,
      });
      expect(await resolveDialTarget('8.8.8.8', STRICT_IP_POLICY, resolver, never)).toEqual({
        ok: true,
        address: '8.8.8.8',
        literal: true,
      });
      expect(resolver).not.toHaveBeenCalled();
    });

    it('reports resolution failures and empty answers as dns_failure', async () => {
      const resolver = resolverFor({ 'empty.example': [] });
      expect(await resolveDialTarget('missing.example', STRICT_IP_POLICY, resolver, never)).toEqual({
        ok: false,
        error: 'dns_failure',
        message: 'Could not resolve missing.example: ENOTFOUND (getaddrinfo ENOTFOUND missing.example)',
      });
      expect(await resolveDialTarget('empty.example', STRICT_IP_POLICY, resolver, never)).toMatchObject({
        ok: false,
        error: 'dns_failure',
      });
    });

    it('gives up with timeout when the deadline passes during resolution', async () => {
      const deadline = new AbortController();
      const hanging: Resolver = () => new Promise(() => {});
      const pending = resolveDialTarget('slow.example', STRICT_IP_POLICY, hanging, deadline.signal);
      deadline.abort();
      expect(await pending).toMatchObject({ ok: false, error: 'timeout' });
    });
  });
});

describe('Module: http-delivery', () => {
  describe('Function: classifyNetworkError', () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });

    it.each([
      ['ECONNREFUSED', 'connection_refused'],
      ['ECONNRESET', 'connection_reset'],
      ['EPIPE', 'connection_reset'],
      ['ETIMEDOUT', 'timeout'],
      ['ENOTFOUND', 'dns_failure'],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls_error'],
      ['SELF_SIGNED_CERT_IN_CHAIN', 'tls_error'],
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls_error'],
      ['CERT_HAS_EXPIRED', 'tls_error'],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_error'],
      ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls_error'],
      ['EPROTO', 'tls_error'],
      ['EHOSTUNREACH', 'network_error'],
    ])('maps %s to %s', (code, kind) => {
      expect(classifyNetworkError(withCode(code))).toBe(kind);
    });

    it('maps an error without a code to network_error', () => {
      expect(classifyNetworkError(new Error('boom'))).toBe('network_error');
      expect(classifyNetworkError('boom')).toBe('network_error');
    });
  });
});
