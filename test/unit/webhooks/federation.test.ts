import { describe, expect, it } from 'vitest';
import { signLocalToken, verifyLocalToken } from '../../../infra/local/jwt';
import { exampleEvent, MERCHANT_EVENT_TYPES, ORG_EVENT_TYPES } from '../../../shared/events/event-catalog';
import { validateEventTypeFilters } from '../../../shared/events/filters';
import { checkMerchantAccess, merchantPrincipalOf, principalOf } from '../../../shared/platform/http/auth';
import { secretContext } from '../../../shared/outbound/endpoint';
import { merchantEndpointIdFor, merchantScope, messageIdFor, orgScope, ownerScope } from '../../../shared/events/ids';
import { eventOwner, ownedByOrg, ownerFields, ownerOf, ownerPartition } from '../../../shared/events/owner';
import { httpEvent } from '../../support/api-gateway';

/** Federation webhooks: merchants own endpoints and messages apart from organisations. */

describe('Module: webhook owners (organisation or merchant)', () => {
  it('keeps merchants and organisations in different partitions and message scopes, even with the same id', () => {
    expect(ownerPartition('acme')).toBe('ORG#acme');
    expect(ownerPartition({ merchantId: 'acme' })).toBe('MERCHANT#acme');
    expect(ownerPartition('merchant:acme')).toBe('ORG#merchant:acme');
    expect(ownerScope('acme')).toBe(orgScope('acme'));
    expect(ownerScope({ merchantId: 'acme' })).toBe(merchantScope('acme'));
    expect(messageIdFor(merchantScope('acme'), 'evt_1')).not.toBe(messageIdFor(orgScope('acme'), 'evt_1'));
  });

  it('derives the owner from records and events', () => {
    expect(ownerOf({ orgId: 'org_1' })).toBe('org_1');
    expect(ownerOf(ownerFields({ merchantId: 'm_1' }))).toEqual({ merchantId: 'm_1' });
    expect(eventOwner(exampleEvent('import.completed', 'org_1'))).toBe('org_1');
    expect(eventOwner(exampleEvent('federation.order.created', 'm_1'))).toEqual({ merchantId: 'm_1' });
  });

  it('never shows a merchant record to an organisation, whatever the organisation is called', () => {
    const record = ownerFields({ merchantId: 'm_1' });
    expect(ownedByOrg(record, record.orgId)).toBe(false);
    expect(ownedByOrg(record, 'm_1')).toBe(false);
    expect(ownedByOrg({ orgId: 'org_1' }, 'org_1')).toBe(true);
    expect(ownedByOrg(undefined, 'org_1')).toBe(false);
  });

  it('binds a merchant webhook secret to the merchant; an organisation endpoint context is unchanged', () => {
    expect(secretContext({ orgId: 'org_1', endpointId: 'ep_1' })).toEqual({
      purpose: expect.any(String),
      orgId: 'org_1',
      endpointId: 'ep_1',
    });
    expect(secretContext({ ...ownerFields({ merchantId: 'm_1' }), endpointId: 'ep_1' })).toMatchObject({
      merchantId: 'm_1',
    });
  });

  it('gives each merchant one fixed federation endpoint id', () => {
    expect(merchantEndpointIdFor('m_1')).toBe(merchantEndpointIdFor('m_1'));
    expect(merchantEndpointIdFor('m_1')).not.toBe(merchantEndpointIdFor('m_2'));
    expect(merchantEndpointIdFor('m_1')).toMatch(/^ep_fed_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('validates filters against a scope’s types', () => {
    expect(validateEventTypeFilters(['federation.*'], MERCHANT_EVENT_TYPES)).toEqual([]);
    expect(validateEventTypeFilters(['*'], MERCHANT_EVENT_TYPES)).toEqual([]);
    expect(validateEventTypeFilters(['import.completed'], MERCHANT_EVENT_TYPES)).toHaveLength(1);
    expect(validateEventTypeFilters(['federation.order.created'], ORG_EVENT_TYPES)).toHaveLength(1);
    expect(validateEventTypeFilters(['federation.*'], ORG_EVENT_TYPES)).toHaveLength(1);
  });
});

describe('Module: merchant auth', () => {
  it('reads merchant_id and role; an organisation token is no merchant principal, and the reverse', () => {
    expect(
      merchantPrincipalOf(httpEvent({ method: 'GET', claims: { merchant_id: 'm_1', role: 'admin', sub: 'u' } })),
    ).toEqual({ merchantId: 'm_1', role: 'admin', subject: 'u' });
    expect(merchantPrincipalOf(httpEvent({ method: 'GET', claims: { org_id: 'm_1', role: 'admin' } }))).toBeUndefined();
    expect(principalOf(httpEvent({ method: 'GET', claims: { merchant_id: 'm_1', role: 'admin' } }))).toBeUndefined();
  });

  it('lets members read and admins write their own merchant; another merchant is not found', () => {
    const admin = { merchantId: 'm_1', role: 'admin', subject: undefined } as const;
    const member = { merchantId: 'm_1', role: 'member', subject: undefined } as const;
    expect(checkMerchantAccess(member, 'm_1', 'member')).toBe('allowed');
    expect(checkMerchantAccess(member, 'm_1', 'admin')).toBe('forbidden');
    expect(checkMerchantAccess(admin, 'm_1', 'admin')).toBe('allowed');
    expect(checkMerchantAccess(admin, 'm_2', 'member')).toBe('not_found');
    expect(checkMerchantAccess(undefined, 'm_1', 'member')).toBe('unauthenticated');
  });

  it('mints local merchant tokens with merchant_id and no org_id', async () => {
    const token = await signLocalToken('secret', { merchantId: 'm_123', role: 'admin' });
    const payload = await verifyLocalToken('secret', token);
    expect(payload).toMatchObject({ merchant_id: 'm_123', role: 'admin' });
    expect(payload).not.toHaveProperty('org_id');
    await expect(signLocalToken('secret', { merchantId: ' ', role: 'admin' })).rejects.toThrow(/merchantId/);
  });
});
