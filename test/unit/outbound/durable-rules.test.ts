import { describe, expect, it } from 'vitest';
import { retiredSourceSecrets, verifyingSourceSecrets } from '../../../shared/inbound/connections/source-secret';
import { newJob } from '../../../shared/platform/jobs/job';
import { recoveryView } from '../../../shared/outbound/recovery-job';
import { addToDelta } from '../../../shared/outbound/stats-batch';
import { OVERDUE_AFTER_MS, sweepVerdict } from '../../../shared/outbound/sweep';

/** The pure rules behind the sweeper, the stats batch, the recovery view and source secret grace. */
describe('sweepVerdict', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

  it('re-queues a delivery overdue by more than 15 minutes with no attempt in progress', () => {
    expect(sweepVerdict({ dueAt: ago(OVERDUE_AFTER_MS + 1), claim: undefined, now, staleAfterMs: 60_000 })).toBe(
      'overdue',
    );
    expect(sweepVerdict({ dueAt: ago(OVERDUE_AFTER_MS - 1), claim: undefined, now, staleAfterMs: 60_000 })).toBe(
      'wait',
    );
    // The previous attempt finished (a retry is due): overdue all the same.
    expect(
      sweepVerdict({
        dueAt: ago(OVERDUE_AFTER_MS + 1),
        claim: { state: 'completed', at: ago(1) },
        now,
        staleAfterMs: 1,
      }),
    ).toBe('overdue');
  });

  it('takes over an attempt in progress only after the stale window', () => {
    const claim = (age: number) => ({ state: 'in_progress' as const, at: ago(age) });
    expect(sweepVerdict({ dueAt: ago(90_000), claim: claim(61_000), now, staleAfterMs: 60_000 })).toBe('stale_attempt');
    expect(sweepVerdict({ dueAt: ago(OVERDUE_AFTER_MS * 2), claim: claim(59_000), now, staleAfterMs: 60_000 })).toBe(
      'wait',
    );
  });
});

describe('addToDelta', () => {
  it('sums one endpoint-hour of events and keeps the newest attempt times', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 12, minute));
    let delta = addToDelta({ counters: {} }, { kind: 'attempt', status: 'succeeded', durationMs: 40 }, at(5));
    delta = addToDelta(delta, { kind: 'attempt', status: 'succeeded', durationMs: 400 }, at(1));
    delta = addToDelta(delta, { kind: 'attempt', status: 'failed', durationMs: 40 }, at(3));
    delta = addToDelta(delta, { kind: 'pending', delta: -1, createdAt: at(0).toISOString() }, at(5));
    expect(delta).toEqual({
      counters: { attemptsSucceeded: 2, attemptsFailed: 1, latency0: 2, latency3: 1, pendingOut: 1 },
      lastSuccessAt: at(5).toISOString(),
      lastFailureAt: at(3).toISOString(),
    });
  });
});

describe('recoveryView', () => {
  const job = newJob({
    jobId: 'rec_1',
    kind: 'recovery',
    scope: 'ORG#org_1',
    params: { orgId: 'org_1', endpointId: 'ep_1', since: 'a', until: 'b', correlationId: 'c' },
    progress: { queued: 0 },
    now: new Date('2026-11-20T00:00:00Z'),
    retentionDays: 1,
  });

  it('stays running until every queued delivery was attempted, counting skipped ones as failed', () => {
    const paged = { ...job, status: 'completed' as const, progress: { queued: 3 } };
    expect(recoveryView(paged, { succeeded: 1, failed: 0, skipped: 0 })).toMatchObject({
      status: 'running',
      progress: { queued: 3, succeeded: 1, failed: 0, remaining: 2 },
    });
    expect(recoveryView(paged, { succeeded: 1, failed: 1, skipped: 1 })).toMatchObject({
      status: 'completed',
      progress: { queued: 3, succeeded: 1, failed: 2, remaining: 0 },
    });
    expect(
      recoveryView({ ...job, status: 'failed', error: 'boom' }, { succeeded: 0, failed: 0, skipped: 0 }),
    ).toMatchObject({ status: 'failed', error: 'boom' });
  });
});

describe('source secret grace', () => {
  const now = new Date('2026-11-20T00:00:00Z');
  const later = (seconds: number) => new Date(now.getTime() + seconds * 1_000).toISOString();

  it('keeps replaced secrets verifying for the grace period, never lengthening an earlier one', () => {
    const retired = retiredSourceSecrets(
      { secrets: ['current'], retiredSecrets: [{ ciphertext: 'older', expiresAt: later(60) }] },
      now,
      3_600,
    );
    expect(retired).toEqual([
      { ciphertext: 'current', expiresAt: later(3_600) },
      { ciphertext: 'older', expiresAt: later(60) },
    ]);
    expect(
      verifyingSourceSecrets({ secrets: ['new'], retiredSecrets: retired }, new Date(now.getTime() + 120_000)),
    ).toEqual(['new', 'current']);
  });

  it('retires every old secret at once with grace 0, and has none for a new source', () => {
    expect(retiredSourceSecrets({ secrets: ['current'] }, now, 0)).toEqual([]);
    expect(retiredSourceSecrets(undefined, now, 3_600)).toEqual([]);
  });
});
