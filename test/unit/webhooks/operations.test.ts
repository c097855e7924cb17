import { describe, expect, it } from 'vitest';
import { deliveryTaskSchema } from '../../../shared/outbound/delivery-task';
import {
  MAX_OLD_SECRETS,
  rotatedSecrets,
  signingSecrets,
  type Endpoint,
  type StoredSecret,
} from '../../../shared/outbound/endpoint';
import { newManualId, newRecoveryId } from '../../../shared/events/ids';
import { latencyBucket, LATENCY_BOUNDS_MS, percentileOf, windowStart } from '../../../shared/outbound/stats-store';

const secret = (name: string, createdAt: string, expiresAt: string | null = null): StoredSecret => ({
  ciphertext: name,
  createdAt,
  expiresAt,
});
const endpointWith = (secrets: StoredSecret[]) => ({ secrets }) as unknown as Endpoint;

describe('Function: rotatedSecrets', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  const next = secret('new', now.toISOString());

  it('puts the new secret first and gives the replaced one the grace period', () => {
    const rotated = rotatedSecrets([secret('old', '2026-11-01T00:00:00Z')], next, now, 3_600);
    expect(rotated).toEqual([next, secret('old', '2026-11-01T00:00:00Z', '2026-11-20T13:00:00.000Z')]);
    expect(signingSecrets(endpointWith(rotated), new Date('2026-11-20T12:59:59Z')).map((s) => s.ciphertext)).toEqual([
      'new',
      'old',
    ]);
    expect(signingSecrets(endpointWith(rotated), new Date('2026-11-20T13:00:00Z')).map((s) => s.ciphertext)).toEqual([
      'new',
    ]);
  });

  it('never lengthens an older grace period, shortens it to the new one, and drops expired secrets', () => {
    const current = [
      secret('b', '2026-11-19T00:00:00Z'),
      secret('a', '2026-11-18T00:00:00Z', '2026-11-20T12:30:00.000Z'),
      secret('z', '2026-11-10T00:00:00Z', '2026-11-20T11:00:00.000Z'),
    ];
    expect(rotatedSecrets(current, next, now, 86_400).map((s) => [s.ciphertext, s.expiresAt])).toEqual([
      ['new', null],
      ['b', '2026-11-21T12:00:00.000Z'],
      ['a', '2026-11-20T12:30:00.000Z'],
    ]);
    // Grace 0: every old secret stops signing at once (a leaked secret).
    expect(signingSecrets(endpointWith(rotatedSecrets(current, next, now, 0)), now).map((s) => s.ciphertext)).toEqual([
      'new',
    ]);
  });

  it(`keeps at most ${MAX_OLD_SECRETS} old secrets, dropping the oldest`, () => {
    let secrets: StoredSecret[] = [secret('s0', '2026-11-20T00:00:00Z')];
    for (let index = 1; index <= 8; index++) {
      const at = new Date(now.getTime() + index * 60_000);
      secrets = rotatedSecrets(secrets, secret(`s${index}`, at.toISOString()), at, 86_400);
    }
    expect(secrets.map((s) => s.ciphertext)).toEqual(['s8', 's7', 's6', 's5', 's4', 's3']);
  });
});

describe('Module: endpoint stats arithmetic', () => {
  it('puts a latency in the first bucket whose bound holds it', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(50)).toBe(0);
    expect(latencyBucket(51)).toBe(1);
    expect(latencyBucket(999_999)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it('estimates percentiles as bucket upper bounds', () => {
    const histogram = Array.from({ length: LATENCY_BOUNDS_MS.length + 1 }, () => 0);
    expect(percentileOf(histogram, 50)).toBeNull();
    histogram[1] = 90; // ≤ 100 ms
    histogram[5] = 10; // ≤ 2,500 ms
    expect(percentileOf(histogram, 50)).toBe(100);
    expect(percentileOf(histogram, 90)).toBe(100);
    expect(percentileOf(histogram, 95)).toBe(2_500);
  });

  it('starts a window on the hour, covering 24 or 168 hourly buckets up to now', () => {
    const now = new Date('2026-11-20T10:30:00Z');
    expect(windowStart('24h', now).toISOString()).toBe('2026-11-19T11:00:00.000Z');
    expect(windowStart('7d', now).toISOString()).toBe('2026-11-13T11:00:00.000Z');
  });
});

describe('Module: manual delivery tasks', () => {
  it('accepts a manual claim key and a recovery id, and refuses odd ones', () => {
    const base = {
      messageId: 'msg_1',
      orgId: 'org_1',
      endpointId: 'ep_1',
      attempt: 1,
      trigger: 'manual',
      correlationId: 'c',
    };
    const manualId = newManualId();
    const recoveryId = newRecoveryId();
    expect(manualId).toMatch(/^man_[0-9a-z]{24}$/);
    expect(recoveryId).toMatch(/^rec_[0-9a-z]{24}$/);
    expect(deliveryTaskSchema.parse({ ...base, manualId, recoveryId })).toMatchObject({ manualId, recoveryId });
    expect(deliveryTaskSchema.safeParse({ ...base, manualId: 'a#b' }).success).toBe(false);
  });
});
