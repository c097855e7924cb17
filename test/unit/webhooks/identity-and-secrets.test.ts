import { describe, expect, it } from 'vitest';
import { createLocalCipher } from '../../../shared/platform/crypto/secret-cipher';
import { exampleEvent } from '../../../shared/events/event-catalog';
import { shouldAutoDisable, signingSecrets, type Endpoint } from '../../../shared/outbound/endpoint';
import { messageBody } from '../../../shared/outbound/fanout';
import { messageIdFor, newEndpointId, orgScope } from '../../../shared/events/ids';

describe('Module: webhook ids', () => {
  it('derives the same message id from the same publisher event, and different ones otherwise', () => {
    const id = messageIdFor(orgScope('org_1'), 'evt_1');
    expect(id).toMatch(/^msg_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(messageIdFor(orgScope('org_1'), 'evt_1')).toBe(id);
    expect(messageIdFor(orgScope('org_2'), 'evt_1')).not.toBe(id);
    expect(messageIdFor(orgScope('org_1'), 'evt_2')).not.toBe(id);
  });

  it('makes random endpoint ids', () => {
    const ids = new Set(Array.from({ length: 1_000 }, newEndpointId));
    expect(ids.size).toBe(1_000);
    for (const id of ids) expect(id).toMatch(/^ep_[0-9a-hjkmnp-tv-z]{26}$/);
  });
});

describe('Function: messageBody', () => {
  it('is { id, type, timestamp, data } with the message id and the time the event occurred', () => {
    const event = exampleEvent('webhook.test', 'org_1', { id: 'evt_1', occurredAt: '2026-01-01T00:00:00Z' });
    expect(JSON.parse(messageBody('msg_1', event))).toEqual({
      id: 'msg_1',
      type: 'webhook.test',
      timestamp: '2026-01-01T00:00:00Z',
      data: event.data,
    });
  });
});

describe('Function: createLocalCipher', () => {
  const cipher = createLocalCipher('a-local-key-of-enough-length');
  const context = { purpose: 'webhook-endpoint-secret', orgId: 'org_1', endpointId: 'ep_1' };

  it('round-trips, with a fresh nonce every time', async () => {
    const first = await cipher.encrypt('whsec_abc', context);
    const second = await cipher.encrypt('whsec_abc', context);
    expect(first).not.toBe(second);
    expect(first).not.toContain('whsec_abc');
    expect(await cipher.decrypt(first, context)).toBe('whsec_abc');
  });

  it('refuses a ciphertext moved to another endpoint or org, or tampered with', async () => {
    const sealed = await cipher.encrypt('whsec_abc', context);
    await expect(cipher.decrypt(sealed, { ...context, endpointId: 'ep_2' })).rejects.toThrow();
    await expect(cipher.decrypt(sealed, { ...context, orgId: 'org_2' })).rejects.toThrow();
    await expect(createLocalCipher('another-local-key-material').decrypt(sealed, context)).rejects.toThrow();
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAA=') ? 'BBB=' : 'AAA=');
    await expect(cipher.decrypt(tampered, context)).rejects.toThrow();
  });
});

describe('Module: endpoint rules', () => {
  const base = {
    secrets: [
      { ciphertext: 'current', createdAt: '2026-01-01T00:00:00Z', expiresAt: null },
      { ciphertext: 'old', createdAt: '2025-01-01T00:00:00Z', expiresAt: '2026-01-02T00:00:00Z' },
    ],
  } as unknown as Endpoint;

  it('signs with the current secret and with old ones only during their grace period', () => {
    expect(signingSecrets(base, new Date('2026-01-01T12:00:00Z')).map((secret) => secret.ciphertext)).toEqual([
      'current',
      'old',
    ]);
    expect(signingSecrets(base, new Date('2026-01-02T00:00:00Z')).map((secret) => secret.ciphertext)).toEqual([
      'current',
    ]);
  });

  it('auto-disables only after the whole window has been failing', () => {
    const day = 86_400_000;
    expect(shouldAutoDisable(null, new Date('2026-01-10T00:00:00Z'), 5 * day)).toBe(false);
    expect(shouldAutoDisable('2026-01-05T00:00:01Z', new Date('2026-01-10T00:00:00Z'), 5 * day)).toBe(false);
    expect(shouldAutoDisable('2026-01-05T00:00:00Z', new Date('2026-01-10T00:00:00Z'), 5 * day)).toBe(true);
  });
});
