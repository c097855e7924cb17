import { describe, expect, it } from 'vitest';
import { ownerPaths, parseOwner, query } from '../../../console/src/owner';

describe('owners of the portal', () => {
  it('reads an organisation id or merchant:<id>', () => {
    expect(parseOwner('org_123')).toEqual({ kind: 'org', id: 'org_123' });
    expect(parseOwner(' merchant:m_1 ')).toEqual({ kind: 'merchant', id: 'm_1' });
    expect(parseOwner('  ')).toBeNull();
  });

  it("maps an organisation's operations to its endpoint routes, ids encoded", () => {
    const paths = ownerPaths({ kind: 'org', id: 'org 1' });
    expect(paths.list).toBe('/v1/orgs/org%201/webhooks/endpoints');
    expect(paths.update('ep_1')).toEqual({ method: 'PATCH', path: '/v1/orgs/org%201/webhooks/endpoints/ep_1' });
    expect(paths.test('ep_1')).toBe('/v1/orgs/org%201/webhooks/endpoints/ep_1/test');
    expect(paths.resend('msg_1')).toBe('/v1/orgs/org%201/webhooks/messages/msg_1/resend');
    expect(paths.recovery('rcv_1')).toBe('/v1/orgs/org%201/webhooks/recoveries/rcv_1');
  });

  it("maps a merchant's to its one federation webhook, without test send or resend", () => {
    const paths = ownerPaths({ kind: 'merchant', id: 'm_1' });
    expect(paths.create).toEqual({ method: 'PUT', path: '/v1/merchants/m_1/webhook' });
    expect(paths.attempts('ignored')).toBe('/v1/merchants/m_1/webhook/attempts');
    expect(paths.test('x')).toBeNull();
    expect(paths.resend('x')).toBeNull();
    expect(paths.orgStats).toBeNull();
  });

  it('builds a query string from the parameters that are set', () => {
    expect(query({ status: 'failed', eventType: '', limit: 25, cursor: undefined })).toBe('?status=failed&limit=25');
    expect(query({})).toBe('');
  });
});
