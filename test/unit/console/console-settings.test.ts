import { describe, expect, it } from 'vitest';
import {
  consoleContentSecurityPolicy,
  corsHeaders,
  parseAllowedOrigins,
  preflightHeaders,
} from '../../../infra/console-settings';

describe('parseAllowedOrigins', () => {
  it('accepts https origins and http on loopback, from a comma list or an array, without duplicates', () => {
    expect(parseAllowedOrigins(' https://a.example , http://127.0.0.1:8080,https://a.example')).toEqual([
      'https://a.example',
      'http://127.0.0.1:8080',
    ]);
    expect(parseAllowedOrigins(['http://localhost:3001'])).toEqual(['http://localhost:3001']);
    expect(parseAllowedOrigins(undefined)).toEqual([]);
  });

  it('refuses anything a browser would never send as an Origin, or plain http off loopback', () => {
    expect(() => parseAllowedOrigins('https://a.example/')).toThrow(/no path/);
    expect(() => parseAllowedOrigins('https://a.example/app')).toThrow(/no path/);
    expect(() => parseAllowedOrigins('http://a.example')).toThrow(/https/);
    expect(() => parseAllowedOrigins('*')).toThrow(/not an origin/);
  });
});

describe('CORS headers', () => {
  it('echo an allowed origin only', () => {
    expect(corsHeaders('https://a.example', ['https://a.example'])).toMatchObject({
      'access-control-allow-origin': 'https://a.example',
      vary: 'origin',
    });
    expect(corsHeaders('https://b.example', ['https://a.example'])).toEqual({});
    expect(corsHeaders(undefined, ['https://a.example'])).toEqual({});
    expect(preflightHeaders('https://b.example', ['https://a.example'])).toEqual({ vary: 'origin' });
    expect(preflightHeaders('https://a.example', ['https://a.example'])['access-control-allow-headers']).toBe(
      'authorization, content-type',
    );
  });
});

describe('consoleContentSecurityPolicy', () => {
  it('allows scripts and styles from the console only and names where the page may connect', () => {
    const csp = consoleContentSecurityPolicy(['https://api.example']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' https://api.example;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });
});
