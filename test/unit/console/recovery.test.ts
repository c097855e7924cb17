import { describe, expect, it } from 'vitest';
import { instantFromLocalInput, recoveryProgress } from '../../../console/src/recovery';

describe('recoveryProgress', () => {
  it("reads today's synchronous recovery view", () => {
    const running = recoveryProgress({
      id: 'rcv_1',
      status: 'in_progress',
      queued: 4,
      succeeded: 1,
      failed: 1,
      skipped: 0,
      remaining: 2,
    });
    expect(running).toMatchObject({ id: 'rcv_1', total: 4, done: 2, finished: false });
    const done = recoveryProgress({
      id: 'rcv_1',
      status: 'completed',
      queued: 0,
      succeeded: 0,
      failed: 0,
      remaining: 0,
    });
    expect(done).toMatchObject({ total: 0, done: 0, finished: true });
  });

  it('reads the job view with counts under progress, including a failure and its error', () => {
    const view = {
      id: 'job_1',
      kind: 'recovery',
      status: 'running',
      progress: { queued: 10, succeeded: 3, failed: 2, remaining: 5 },
    };
    expect(recoveryProgress(view)).toMatchObject({ total: 10, done: 5, succeeded: 3, failed: 2, finished: false });
    expect(recoveryProgress({ ...view, status: 'failed', error: 'endpoint deleted' })).toMatchObject({
      finished: true,
      status: 'failed',
      error: 'endpoint deleted',
    });
  });

  it('never reports more done than queued', () => {
    expect(recoveryProgress({ status: 'completed', queued: 1, succeeded: 2, failed: 0, skipped: 0 }).done).toBe(1);
  });
});

describe('instantFromLocalInput', () => {
  it('turns a datetime-local value into an ISO instant, and nothing into undefined', () => {
    expect(instantFromLocalInput('2026-12-06T10:30')).toBe(new Date('2026-12-06T10:30').toISOString());
    expect(instantFromLocalInput('')).toBeUndefined();
    expect(instantFromLocalInput('not a date')).toBeUndefined();
  });
});
