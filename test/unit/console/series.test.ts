import { describe, expect, it } from 'vitest';
import { hourlySeries, percentile, windowStartMs } from '../../../console/src/series';

const NOW = Date.parse('2026-12-06T12:34:00Z');
const at = (iso: string, status: string, durationMs: number | null) => ({ at: iso, status, durationMs });

describe('hourlySeries', () => {
  it('has one point per hour of the window, oldest first, ending with the current hour', () => {
    const day = hourlySeries([], '24h', NOW);
    expect(day).toHaveLength(24);
    expect(new Date(day.at(-1)!.hourStart).toISOString()).toBe('2026-12-06T12:00:00.000Z');
    expect(new Date(day[0]!.hourStart).toISOString()).toBe('2026-12-05T13:00:00.000Z');
    expect(hourlySeries([], '7d', NOW)).toHaveLength(168);
    expect(windowStartMs('24h', NOW)).toBe(day[0]!.hourStart);
  });

  it('counts outcomes per hour and takes p50/p95 of that hour only, ignoring attempts outside the window', () => {
    const points = hourlySeries(
      [
        at('2026-12-06T12:01:00Z', 'succeeded', 10),
        at('2026-12-06T12:02:00Z', 'succeeded', 20),
        at('2026-12-06T12:03:00Z', 'failed', 300),
        at('2026-12-06T11:59:59Z', 'failed', null),
        at('2026-12-01T00:00:00Z', 'succeeded', 5),
        at('2026-12-06T12:04:00Z', 'in_progress', null),
      ],
      '24h',
      NOW,
    );
    expect(points.at(-1)).toMatchObject({ succeeded: 2, failed: 1, p50: 20, p95: 300 });
    expect(points.at(-2)).toMatchObject({ succeeded: 0, failed: 1, p50: null, p95: null });
    expect(points.reduce((sum, p) => sum + p.succeeded + p.failed, 0)).toBe(4);
  });
});

describe('percentile', () => {
  it('is the nearest-rank percentile of sorted values, null for none', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(percentile([7], 95)).toBe(7);
  });
});
