import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  DEFAULT_RETRY_SCHEDULE_MS,
  InvalidDurationListError,
  MAX_RETRY_AFTER_MS,
  nextRetryDelayMs,
  parseDurationList,
  parseRetryAfter,
  RETRY_JITTER_RATIO,
} from '../../../shared/outbound/retry-schedule';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const middle = () => 0.5;

// A small deterministic generator (mulberry32) so the property tests are reproducible.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Module: retry schedule', () => {
  describe('Constant: DEFAULT_RETRY_SCHEDULE_MS', () => {
    it("is the spec's example: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h", () => {
      expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H]);
    });

    it('makes 10 attempts in all, the last ≈3 days after the first', () => {
      const attempts = 1 + DEFAULT_RETRY_SCHEDULE_MS.length;
      expect(attempts).toBe(10);
      const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((sum, delay) => sum + delay, 0);
      expect(total).toBe(75 * H + 35 * M + 5 * S);
      expect(total).toBeGreaterThan(3 * D);
      expect(total).toBeLessThan(3.5 * D);
    });
  });

  describe('Function: nextRetryDelayMs', () => {
    it('without jitter (random = 0.5) gives the scheduled delay after each attempt', () => {
      const delays = DEFAULT_RETRY_SCHEDULE_MS.map((_, index) =>
        nextRetryDelayMs({ attempt: index + 1, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle }),
      );
      expect(delays).toEqual(DEFAULT_RETRY_SCHEDULE_MS);
    });

    it('gives up after the last scheduled retry', () => {
      expect(nextRetryDelayMs({ attempt: 10, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle })).toBeUndefined();
      expect(nextRetryDelayMs({ attempt: 11, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle })).toBeUndefined();
      expect(nextRetryDelayMs({ attempt: 1, scheduleMs: [], random: middle })).toBeUndefined();
    });

    it('spans −20 % (random = 0) to +20 % (random → 1)', () => {
      expect(nextRetryDelayMs({ attempt: 2, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: () => 0 })).toBe(4 * M);
      expect(nextRetryDelayMs({ attempt: 2, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: () => 0.999_999_9 })).toBe(
        6 * M,
      );
    });

    it('property: every jittered delay stays within ±20 % of its step, over 10,000 draws', () => {
      const random = seededRandom(42);
      for (let draw = 0; draw < 10_000; draw += 1) {
        const attempt = 1 + (draw % DEFAULT_RETRY_SCHEDULE_MS.length);
        const scheduled = DEFAULT_RETRY_SCHEDULE_MS[attempt - 1] ?? 0;
        const delay = nextRetryDelayMs({ attempt, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random }) ?? Number.NaN;
        expect(delay).toBeGreaterThanOrEqual(Math.floor(scheduled * (1 - RETRY_JITTER_RATIO)));
        expect(delay).toBeLessThanOrEqual(Math.ceil(scheduled * (1 + RETRY_JITTER_RATIO)));
        expect(Number.isInteger(delay)).toBe(true);
      }
    });

    it('property: a whole jittered schedule totals ≈3 days (within ±20 %) and has 9 retries', () => {
      for (let seed = 1; seed <= 200; seed += 1) {
        const random = seededRandom(seed);
        const delays: number[] = [];
        for (let attempt = 1; ; attempt += 1) {
          const delay = nextRetryDelayMs({ attempt, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random });
          if (delay === undefined) break;
          delays.push(delay);
        }
        expect(delays).toHaveLength(9);
        const total = delays.reduce((sum, delay) => sum + delay, 0);
        expect(total).toBeGreaterThan(0.8 * (75 * H));
        expect(total).toBeLessThan(1.2 * (76 * H));
      }
    });

    it('spreads delays out: jitter actually varies', () => {
      const random = seededRandom(7);
      const delays = new Set(
        Array.from({ length: 100 }, () =>
          nextRetryDelayMs({ attempt: 5, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random }),
        ),
      );
      expect(delays.size).toBeGreaterThan(90);
    });

    it('keeps a misbehaving random source inside the jitter band', () => {
      for (const value of [-5, 7, Number.NaN, Number.POSITIVE_INFINITY]) {
        const delay = nextRetryDelayMs({ attempt: 1, scheduleMs: [10 * S], random: () => value }) ?? 0;
        expect(delay).toBeGreaterThanOrEqual(8 * S);
        expect(delay).toBeLessThanOrEqual(12 * S);
      }
    });

    it('honours a Retry-After longer than the scheduled delay', () => {
      expect(
        nextRetryDelayMs({ attempt: 1, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle, retryAfterMs: 120 * S }),
      ).toBe(120 * S);
    });

    it('never retries earlier than scheduled because of a short Retry-After', () => {
      expect(
        nextRetryDelayMs({ attempt: 4, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle, retryAfterMs: 1 * S }),
      ).toBe(2 * H);
      expect(
        nextRetryDelayMs({ attempt: 1, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle, retryAfterMs: 0 }),
      ).toBe(5 * S);
    });

    it('caps Retry-After at 24 h', () => {
      expect(
        nextRetryDelayMs({ attempt: 1, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle, retryAfterMs: 7 * D }),
      ).toBe(MAX_RETRY_AFTER_MS);
      expect(MAX_RETRY_AFTER_MS).toBe(24 * H);
    });

    it('ignores a non-finite Retry-After', () => {
      expect(
        nextRetryDelayMs({
          attempt: 1,
          scheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
          random: middle,
          retryAfterMs: Number.NaN,
        }),
      ).toBe(5 * S);
    });

    it('does not add attempts when Retry-After arrives on the last one', () => {
      expect(
        nextRetryDelayMs({ attempt: 10, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle, retryAfterMs: 60 * S }),
      ).toBeUndefined();
    });

    it.each([0, -1, 1.5, Number.NaN])('refuses attempt %s', (attempt) => {
      expect(() => nextRetryDelayMs({ attempt, scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, random: middle })).toThrow(
        RangeError,
      );
    });
  });

  describe('Function: parseDurationList', () => {
    it('parses ms, s, m, h and d into milliseconds', () => {
      expect(parseDurationList('5s,5m,30m,2h,1d')).toEqual([5 * S, 5 * M, 30 * M, 2 * H, D]);
      expect(parseDurationList('250ms')).toEqual([250]);
    });

    it('ignores spaces around entries', () => {
      expect(parseDurationList(' 5s , 10s ')).toEqual([5 * S, 10 * S]);
    });

    it('round-trips the default schedule', () => {
      expect(parseDurationList('5s,5m,30m,2h,5h,10h,14h,20h,24h')).toEqual(DEFAULT_RETRY_SCHEDULE_MS);
    });

    it.each([
      ['an empty value', ''],
      ['an empty entry', '5s,,5m'],
      ['a trailing comma', '5s,'],
      ['no unit', '5'],
      ['an unknown unit', '5w'],
      ['an upper-case unit', '5S'],
      ['a decimal', '1.5h'],
      ['a negative', '-5s'],
      ['zero', '0s'],
      ['a space inside an entry', '5 s'],
      ['more than 7 days', '8d'],
    ])('rejects %s', (_label, text) => {
      expect(() => parseDurationList(text)).toThrow(InvalidDurationListError);
    });

    it('names the offending entry and its position', () => {
      expect(() => parseDurationList('5s,5x,30m')).toThrow(/entry 2 \("5x"\).*ms, s, m, h, d/);
    });

    it('rejects more than 50 entries', () => {
      expect(() => parseDurationList(Array.from({ length: 51 }, () => '1s').join(','))).toThrow(/At most 50/);
    });
  });

  describe('Function: parseRetryAfter', () => {
    const now = new Date('2025-06-15T12:00:00Z');

    it.each([
      ['120', 120 * S],
      ['0', 0],
      [' 30 ', 30 * S],
    ])('reads delta-seconds %j', (value, expected) => {
      expect(parseRetryAfter(value, now)).toBe(expected);
    });

    it.each([
      ['IMF-fixdate', 'Sun, 15 Jun 2025 12:02:00 GMT'],
      ['RFC 850', 'Sunday, 15-Jun-25 12:02:00 GMT'],
      ['asctime', 'Sun Jun 15 12:02:00 2025'],
    ])('reads an HTTP-date in %s format as UTC', (_label, value) => {
      expect(parseRetryAfter(value, now)).toBe(2 * M);
    });

    it('reads a single-digit asctime day', () => {
      expect(parseRetryAfter('Wed Jul  2 12:00:00 2025', now)).toBe(17 * D);
    });

    it('treats a date in the past as "now"', () => {
      expect(parseRetryAfter('Sat, 14 Jun 2025 12:00:00 GMT', now)).toBe(0);
    });

    it.each([
      ['absent', undefined],
      ['null', null],
      ['empty', ''],
      ['negative seconds', '-5'],
      ['fractional seconds', '1.5'],
      ['garbage', 'soon'],
      ['an ISO date', '2025-06-15T12:02:00Z'],
      ['an impossible date', 'Mon, 31 Feb 2025 12:00:00 GMT'],
      ['an impossible time', 'Sun, 15 Jun 2025 25:00:00 GMT'],
      ['an unknown month', 'Sun, 15 Foo 2025 12:00:00 GMT'],
      ['a non-GMT zone', 'Sun, 15 Jun 2025 12:02:00 PST'],
    ])('is undefined when %s', (_label, value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    });
  });

  describe('Function: classifyResponse', () => {
    it.each([200, 201, 202, 204, 299])('%i is success', (status) => {
      expect(classifyResponse(status)).toBe('success');
    });

    it('410 Gone disables the endpoint', () => {
      expect(classifyResponse(410)).toBe('disable');
    });

    it.each([301, 302, 307, 308, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504, 100, 0])(
      '%i is retried',
      (status) => {
        expect(classifyResponse(status)).toBe('retry');
      },
    );
  });
});
