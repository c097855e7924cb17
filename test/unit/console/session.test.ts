import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { sessionFromToken } from '../../../console/src/session';

const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(2_000_000_000)
    .setSubject('user_1')
    .sign(new TextEncoder().encode('unit-test-secret'));

describe('sessionFromToken', () => {
  it("reads the organisation or merchant, role and expiry the UI needs from the token's claims", async () => {
    expect(sessionFromToken(await sign({ org_id: 'org_1', role: 'admin' }))).toMatchObject({
      owner: 'org_1',
      role: 'admin',
      subject: 'user_1',
      expiresAt: 2_000_000_000_000,
    });
    expect(sessionFromToken(await sign({ merchant_id: 'm_1', role: 'member' }))).toMatchObject({
      owner: 'merchant:m_1',
      role: 'member',
    });
  });

  it('treats any role but admin as read-only, and a token without a tenant or not a JWT as no session', async () => {
    expect(sessionFromToken(await sign({ org_id: 'org_1', role: 'owner' }))?.role).toBe('member');
    expect(sessionFromToken(await sign({ role: 'admin' }))).toBeNull();
    expect(sessionFromToken('not-a-token')).toBeNull();
  });
});
