import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/platform/errors';
import { providerEndpoint } from '../../../shared/platform/provider-endpoints';

describe('Function: providerEndpoint', () => {
  it('leaves each client on its default (the public API) when nothing is set', () => {
    expect(providerEndpoint('stripe', {})).toBeUndefined();
    expect(providerEndpoint('square', { SQUARE_API_BASE_URL: '  ' })).toBeUndefined();
  });

  it('points a client at the address its variable names', () => {
    expect(providerEndpoint('stripe', { STRIPE_API_BASE_URL: 'http://127.0.0.1:4010' })?.href).toBe(
      'http://127.0.0.1:4010/',
    );
    expect(providerEndpoint('square', { SQUARE_API_BASE_URL: 'https://connect.squareupsandbox.com' })?.host).toBe(
      'connect.squareupsandbox.com',
    );
  });

  it('fails at cold start on anything but an http(s) URL', () => {
    expect(() => providerEndpoint('square', { SQUARE_API_BASE_URL: 'ftp://example.com' })).toThrow(ConfigurationError);
    expect(() => providerEndpoint('stripe', { STRIPE_API_BASE_URL: 'not a url' })).toThrow(/STRIPE_API_BASE_URL/);
  });
});
