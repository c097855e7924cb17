import { readFileSync } from 'node:fs';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  JWT_AUDIENCE,
  JWT_ISSUER,
  claimsAsDelivered,
  signLocalToken,
  tokenFromAuthorizationHeader,
  verifyLocalToken,
} from '../../../infra/local/jwt';

const SECRET = 'unit-test-secret-unit-test-secret';

describe('local JWT helpers', () => {
  it('takes issuer and audience from cdk.json context', () => {
    const cdk = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as {
      context: Record<string, string>;
    };
    expect(JWT_ISSUER).toBe(cdk.context.jwtIssuer);
    expect(JWT_AUDIENCE).toBe(cdk.context.jwtAudience);
  });

  it('signs an HS256 token with org_id, role, sub, iss, aud, iat and exp', async () => {
    const token = await signLocalToken(SECRET, {
      orgId: 'org_123',
      role: 'admin',
      issuedAt: 1_700_000_000,
      ttlSeconds: 600,
    });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({
      org_id: 'org_123',
      role: 'admin',
      sub: 'user_local_admin',
      iss: JWT_ISSUER,
      aud: JWT_AUDIENCE,
      iat: 1_700_000_000,
      exp: 1_700_000_600,
    });
  });

  it('verifies its own tokens', async () => {
    const token = await signLocalToken(SECRET, { orgId: 'org_1', role: 'member', sub: 'user_9' });
    await expect(verifyLocalToken(SECRET, token)).resolves.toMatchObject({
      org_id: 'org_1',
      role: 'member',
      sub: 'user_9',
    });
  });

  it('rejects a wrong secret, an expired token, a foreign issuer or audience, a missing exp and another \
algorithm', async () => {
    const now = Math.floor(Date.now() / 1000);
    const key = new TextEncoder().encode(SECRET);
    const base = () => new SignJWT({ org_id: 'org_1', role: 'admin' }).setIssuedAt(now).setSubject('u');
    const cases = {
      wrongSecret: await signLocalToken('another-secret', { orgId: 'org_1', role: 'admin' }),
      expired: await signLocalToken(SECRET, { orgId: 'org_1', role: 'admin', issuedAt: now - 7200, ttlSeconds: 60 }),
      issuer: await base()
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('https://evil.example/')
        .setAudience(JWT_AUDIENCE)
        .setExpirationTime(now + 60)
        .sign(key),
      audience: await base()
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(JWT_ISSUER)
        .setAudience('other')
        .setExpirationTime(now + 60)
        .sign(key),
      noExp: await base()
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .sign(key),
      hs512: await base()
        .setProtectedHeader({ alg: 'HS512' })
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setExpirationTime(now + 60)
        .sign(key),
      garbage: 'not.a.token',
    };
    for (const [name, token] of Object.entries(cases)) {
      await expect(verifyLocalToken(SECRET, token), name).rejects.toThrow();
    }
  });

  it('extracts the token from an Authorization header with or without Bearer', () => {
    expect(tokenFromAuthorizationHeader('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(tokenFromAuthorizationHeader('bearer   abc')).toBe('abc');
    expect(tokenFromAuthorizationHeader('abc')).toBe('abc');
    expect(tokenFromAuthorizationHeader('Bearer ')).toBeUndefined();
    expect(tokenFromAuthorizationHeader(undefined)).toBeUndefined();
  });

  it('delivers claim values as strings, like the HTTP API JWT authorizer', () => {
    expect(
      claimsAsDelivered({ org_id: 'org_1', exp: 1_700_000_000, admin: true, aud: ['a', 'b'], nested: { x: 1 } }),
    ).toEqual({
      org_id: 'org_1',
      exp: '1700000000',
      admin: 'true',
      aud: '[a b]',
      nested: '{"x":1}',
    });
  });

  it('refuses to sign bad input', async () => {
    await expect(signLocalToken(SECRET, { orgId: ' ', role: 'admin' })).rejects.toThrow();
    await expect(signLocalToken(SECRET, { orgId: 'org_1', role: 'admin', ttlSeconds: 0 })).rejects.toThrow();
    await expect(signLocalToken('', { orgId: 'org_1', role: 'admin' })).rejects.toThrow();
  });
});
