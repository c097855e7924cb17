import { describe, expect, it } from 'vitest';
import { checkOrgAccess, principalOf } from '../../../shared/platform/http/auth';
import { httpEvent } from '../../support/api-gateway';

describe('Module: auth', () => {
  describe('Function: principalOf', () => {
    it('reads org_id, role and sub from the authorizer claims', () => {
      const event = httpEvent({
        method: 'GET',
        claims: { org_id: 'org_1', role: 'member', sub: 'user_1', exp: '1900000000' },
      });
      expect(principalOf(event)).toEqual({ orgId: 'org_1', role: 'member', subject: 'user_1' });
    });

    it.each([
      ['no authorizer', undefined],
      ['no org_id', { role: 'admin' }],
      ['an unknown role', { org_id: 'org_1', role: 'owner' }],
      ['an empty org_id', { org_id: '', role: 'admin' }],
    ])('is undefined with %s', (_label, claims) => {
      expect(principalOf(httpEvent({ method: 'GET', ...(claims && { claims }) }))).toBeUndefined();
    });
  });

  describe('Function: checkOrgAccess', () => {
    const admin = { orgId: 'org_1', role: 'admin', subject: undefined } as const;
    const member = { orgId: 'org_1', role: 'member', subject: undefined } as const;

    it('allows a caller into its own organisation', () => {
      expect(checkOrgAccess(admin, 'org_1', 'admin')).toBe('allowed');
      expect(checkOrgAccess(member, 'org_1', 'member')).toBe('allowed');
    });

    it('answers another organisation as not found, whatever the role', () => {
      expect(checkOrgAccess(admin, 'org_2', 'member')).toBe('not_found');
      expect(checkOrgAccess(member, 'org_2', 'admin')).toBe('not_found');
    });

    it('forbids members from admin-only resources of their own organisation', () => {
      expect(checkOrgAccess(member, 'org_1', 'admin')).toBe('forbidden');
    });

    it('needs a principal', () => {
      expect(checkOrgAccess(undefined, 'org_1', 'member')).toBe('unauthenticated');
    });
  });
});
