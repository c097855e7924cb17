import { describe, expect, it } from 'vitest';
import { parsePlatformEvent, EVENT_CATALOG, type EventType } from '../../../shared/events/event-catalog';
import {
  eventTypeAllowed,
  mayPublish,
  parsePublisherAllowlist,
  publisherOf,
  roleIdentity,
  unrestrictedPublishers,
} from '../../../shared/events/publishers';

const BILLING_ROLE = 'arn:aws:iam::123456789012:role/services/billing-service';
const BILLING_SESSION = 'arn:aws:sts::123456789012:assumed-role/billing-service/i-0abc';
const OPS_ROLE = 'arn:aws:iam::123456789012:role/platform-ops';

const allowlist = parsePublisherAllowlist(
  JSON.stringify({
    [BILLING_ROLE]: { eventTypes: ['subscription.updated', 'import.*'], owners: ['org'] },
    [OPS_ROLE]: { eventTypes: ['*'], owners: ['org', 'merchant'] },
  }),
);

const event = (type: EventType, owner: { orgId: string } | { merchantId: string }) =>
  parsePlatformEvent({
    id: 'evt_1',
    type,
    ...owner,
    occurredAt: '2026-01-01T00:00:00.000Z',
    data: EVENT_CATALOG[type].example,
  });

describe('roleIdentity', () => {
  it('reads account and role name from a role ARN (path dropped) and from an assumed-role session', () => {
    expect(roleIdentity(BILLING_ROLE)).toBe('123456789012:billing-service');
    expect(roleIdentity(BILLING_SESSION)).toBe('123456789012:billing-service');
    expect(roleIdentity('arn:aws-cn:iam::123456789012:role/x')).toBe('123456789012:x');
  });

  it('is undefined for users, federated users and other strings', () => {
    expect(roleIdentity('arn:aws:iam::123456789012:user/alice')).toBeUndefined();
    expect(roleIdentity('arn:aws:sts::123456789012:federated-user/bob')).toBeUndefined();
    expect(roleIdentity('arn:aws:iam::12345:role/short-account')).toBeUndefined();
    expect(roleIdentity('billing-service')).toBeUndefined();
  });
});

describe('parsePublisherAllowlist', () => {
  it('says what is wrong with a bad allowlist', () => {
    expect(() => parsePublisherAllowlist('not json')).toThrow(/not valid JSON/);
    expect(() =>
      parsePublisherAllowlist('{"arn:aws:iam::123456789012:user/u":{"eventTypes":["*"],"owners":["org"]}}'),
    ).toThrow(/IAM role ARN/);
    expect(() => parsePublisherAllowlist(`{"${OPS_ROLE}":{"eventTypes":[],"owners":["org"]}}`)).toThrow(/eventTypes/);
    expect(() => parsePublisherAllowlist(`{"${OPS_ROLE}":{"eventTypes":["im*ort"],"owners":["org"]}}`)).toThrow(
      /eventTypes/,
    );
    expect(() => parsePublisherAllowlist(`{"${OPS_ROLE}":{"eventTypes":["*"],"owners":["tenant"]}}`)).toThrow(/owners/);
    expect(() => parsePublisherAllowlist(`{"${OPS_ROLE}":{"eventTypes":["*"],"owners":["org"],"extra":1}}`)).toThrow();
  });

  it('accepts an empty allowlist, which refuses everyone', () => {
    const empty = parsePublisherAllowlist('{}');
    expect(publisherOf(empty, BILLING_SESSION)).toEqual({
      allowed: false,
      reason: 'This role is not an allowed event publisher',
    });
  });
});

describe('eventTypeAllowed', () => {
  it('matches exact types, `prefix.*` on a whole segment, and `*`', () => {
    expect(eventTypeAllowed(['import.*'], 'import.completed')).toBe(true);
    expect(eventTypeAllowed(['import.*'], 'imports.completed')).toBe(false);
    expect(eventTypeAllowed(['federation.order.*'], 'federation.order.created')).toBe(true);
    expect(eventTypeAllowed(['federation.order.*'], 'federation.inventory.updated')).toBe(false);
    expect(eventTypeAllowed(['subscription.updated'], 'subscription.updated')).toBe(true);
    expect(eventTypeAllowed(['*'], 'webhook.test')).toBe(true);
    expect(eventTypeAllowed([], 'webhook.test')).toBe(false);
  });
});

describe('mayPublish', () => {
  it('allows a listed role the types and owner kinds of its entry', () => {
    expect(mayPublish(allowlist, BILLING_SESSION, event('subscription.updated', { orgId: 'org_1' }))).toEqual({
      allowed: true,
      role: '123456789012:billing-service',
    });
    expect(mayPublish(allowlist, BILLING_SESSION, event('import.failed', { orgId: 'org_1' })).allowed).toBe(true);
  });

  it('refuses other types, other owner kinds, unlisted roles and non-roles', () => {
    expect(mayPublish(allowlist, BILLING_SESSION, event('order.allocation_failed', { orgId: 'org_1' }))).toEqual({
      allowed: false,
      reason: 'This role may not publish order.allocation_failed events',
    });
    const federation = event('federation.order.created', { merchantId: 'm_1' });
    expect(
      mayPublish(
        parsePublisherAllowlist(`{"${BILLING_ROLE}":{"eventTypes":["*"],"owners":["org"]}}`),
        BILLING_SESSION,
        federation,
      ),
    ).toEqual({
      allowed: false,
      reason: 'This role may not publish events owned by a merchant',
    });
    expect(mayPublish(allowlist, 'arn:aws:sts::123456789012:assumed-role/other/s', federation).allowed).toBe(false);
    expect(mayPublish(allowlist, 'arn:aws:sts::999999999999:assumed-role/billing-service/s', federation).allowed).toBe(
      false,
    );
    expect(mayPublish(allowlist, 'arn:aws:iam::123456789012:user/billing-service', federation)).toEqual({
      allowed: false,
      reason: 'Only IAM roles may publish events',
    });
    expect(mayPublish(allowlist, 'arn:aws:sts::123456789012:assumed-role/platform-ops/s', federation).allowed).toBe(
      true,
    );
  });
});

describe('unrestrictedPublishers', () => {
  it('lists, by their ARN as written, only roles allowed every type for both owner kinds', () => {
    expect(unrestrictedPublishers(allowlist)).toEqual([OPS_ROLE]);
  });
});
