import { describe, expect, it } from 'vitest';
import {
  MAX_ENDPOINT_URL_LENGTH,
  redactEndpointUrl,
  validateEndpointUrl,
} from '../../../shared/outbound/transport/endpoint-url';
import { ipPolicyFrom } from '../../../shared/outbound/transport/ip-policy';

function problemsOf(input: string, options?: Parameters<typeof validateEndpointUrl>[1]): string[] {
  const result = validateEndpointUrl(input, options);
  if (result.ok) throw new Error(`expected ${input} to be refused, got ${result.url}`);
  return result.problems.map((problem) => `${problem.field}: ${problem.message}`);
}

describe('Module: endpoint-url', () => {
  describe('Function: validateEndpointUrl', () => {
    it('accepts an https URL and returns it normalised', () => {
      expect(validateEndpointUrl('  https://Hooks.Example.COM:8443/a b?x=1  ')).toEqual({
        ok: true,
        url: 'https://hooks.example.com:8443/a%20b?x=1',
      });
    });

    it('refuses http unless allowed', () => {
      expect(problemsOf('http://hooks.example.com/')).toEqual(['url: must use https']);
      expect(validateEndpointUrl('http://hooks.example.com/', { allowHttp: true })).toEqual({
        ok: true,
        url: 'http://hooks.example.com/',
      });
    });

    it.each(['ftp://hooks.example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://127.0.0.1:6379/_'])(
      'refuses the scheme of %s',
      (input) => {
        expect(problemsOf(input, { allowHttp: true })).toContain('url: must use https or http');
      },
    );

    it('refuses credentials in the URL', () => {
      expect(problemsOf('https://user:secret@hooks.example.com/')).toEqual([
        'url: must not contain a username or password; send credentials in a custom header instead',
      ]);
      expect(problemsOf('https://user@hooks.example.com/')).toHaveLength(1);
    });

    it('refuses a fragment, even an empty one', () => {
      expect(problemsOf('https://hooks.example.com/#x')).toEqual([
        'url: must not contain a fragment (#…): it is never sent to the server',
      ]);
      expect(problemsOf('https://hooks.example.com/#')).toHaveLength(1);
    });

    it('accepts exactly the maximum length and refuses one character more', () => {
      const base = 'https://hooks.example.com/';
      const exact = base + 'a'.repeat(MAX_ENDPOINT_URL_LENGTH - base.length);
      expect(validateEndpointUrl(exact)).toEqual({ ok: true, url: exact });
      expect(problemsOf(`${exact}a`)).toEqual(['url: must be at most 2048 characters']);
    });

    it('refuses a URL that normalisation makes too long', () => {
      const base = 'https://hooks.example.com/';
      expect(problemsOf(base + ' '.repeat(MAX_ENDPOINT_URL_LENGTH - base.length - 1) + 'x')).toEqual([
        'url: must be at most 2048 characters once normalised',
      ]);
    });

    it.each(['', '   ', 'hooks.example.com/path', '/relative', 'https://', 'https://exa mple.com/'])(
      'refuses "%s"',
      (input) => {
        expect(validateEndpointUrl(input).ok).toBe(false);
      },
    );

    it('reports every problem at once, under the caller-chosen field name', () => {
      expect(problemsOf('http://u:p@hooks.example.com/#f', { field: 'endpoint.url' })).toEqual([
        'endpoint.url: must use https',
        'endpoint.url: must not contain a username or password; send credentials in a custom header instead',
        'endpoint.url: must not contain a fragment (#…): it is never sent to the server',
      ]);
    });

    it.each([
      'https://2130706433/',
      'https://0x7f.0.0.1/',
      'https://0x7f.1/',
      'https://017700000001/',
      'https://0177.0.0.1/',
      'https://127.1/',
      'https://127.0.0.1./',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:7f00:1]/',
      'https://[::1]/',
      'https://localhost/',
      'https://api.localhost./',
    ])('recognises %s as loopback', (input) => {
      const [problem] = problemsOf(input);
      expect(problem).toMatch(
        /^url: must not point at a private or reserved address: .*(127\.0\.0\.0\/8|::1\/128) \(loopback\)/,
      );
    });

    it('normalises the alternative IPv4 spellings to dotted form (WHATWG URL does this)', () => {
      for (const input of ['http://2130706433/', 'http://0x7f.0.0.1/', 'http://017700000001/']) {
        expect(new URL(input).hostname).toBe('127.0.0.1');
      }
    });

    it.each([
      ['https://169.254.169.254/latest/meta-data', '169.254.0.0/16 (link-local (cloud metadata))'],
      ['https://[fd00:ec2::254]/latest/meta-data', 'fc00::/7'],
      ['https://[::ffff:a9fe:a9fe]/', 'maps to IPv4: 169.254.169.254'],
      ['https://10.0.0.1/', '10.0.0.0/8'],
      ['https://0.0.0.0/', '0.0.0.0/8'],
      ['https://[64:ff9b::7f00:1]/', 'NAT64'],
    ])('refuses the non-global address in %s', (input, reason) => {
      expect(problemsOf(input)[0]).toContain(reason);
    });

    it('accepts an allowlisted private address, with http where allowed', () => {
      const policy = ipPolicyFrom('127.0.0.0/8');
      expect(validateEndpointUrl('http://127.0.0.1:3000/hooks', { allowHttp: true, policy })).toEqual({
        ok: true,
        url: 'http://127.0.0.1:3000/hooks',
      });
      expect(validateEndpointUrl('http://localhost:3000/', { allowHttp: true, policy }).ok).toBe(true);
      expect(validateEndpointUrl('http://10.0.0.1/', { allowHttp: true, policy }).ok).toBe(false);
    });

    it('leaves host names to the connect-time check (a name can resolve anywhere later)', () => {
      expect(validateEndpointUrl('https://internal.corp.example/').ok).toBe(true);
    });

    it('accepts global IP literals', () => {
      expect(validateEndpointUrl('https://93.184.216.34/hook')).toEqual({
        ok: true,
        url: 'https://93.184.216.34/hook',
      });
      expect(validateEndpointUrl('https://[2606:4700:4700::1111]/').ok).toBe(true);
    });
  });
});

describe('Function: redactEndpointUrl', () => {
  it('keeps scheme, host, port and path', () => {
    expect(redactEndpointUrl('https://hooks.example.com:8443/in/orders')).toBe(
      'https://hooks.example.com:8443/in/orders',
    );
  });

  it('drops the query and userinfo, says so, and never shows the fragment', () => {
    expect(redactEndpointUrl('https://hooks.example.com/in?token=s3cret&x=1')).toBe(
      'https://hooks.example.com/in (query hidden)',
    );
    expect(redactEndpointUrl('https://user:p%40ss@hooks.example.com/in')).toBe(
      'https://hooks.example.com/in (userinfo hidden)',
    );
    expect(redactEndpointUrl('https://user@hooks.example.com/in?k=v#frag')).toBe(
      'https://hooks.example.com/in (userinfo and query hidden)',
    );
    expect(redactEndpointUrl('https://hooks.example.com/in#token=abc')).toBe('https://hooks.example.com/in');
  });

  it('does not echo a value that is not a URL', () => {
    expect(redactEndpointUrl('not a url ?token=s3cret')).toBe('[unparsable URL]');
  });
});
