import { describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../../shared/outbound/transport/http-delivery';
import { attemptRecordOf, decideNextStep } from '../../../shared/outbound/next-step';

const NOW = new Date('2026-11-28T00:00:00Z');
const SCHEDULE = [5_000, 300_000];
const response = (status: number, headers: Record<string, string> = {}): DeliveryResult => ({
  kind: 'response',
  status,
  headers,
  bodyExcerpt: 'ok',
  bodyTruncated: false,
  durationMs: 12,
});
const decide = (result: DeliveryResult, attempt = 1) =>
  decideNextStep({ result, attempt, scheduleMs: SCHEDULE, random: () => 0.5, now: NOW });

describe('Function: decideNextStep', () => {
  it.each([200, 201, 204, 299])('treats %i as delivered', (status) => {
    expect(decide(response(status))).toEqual({ kind: 'succeeded' });
  });

  it.each([301, 302, 400, 401, 404, 429, 500, 502, 503, 504])('retries after %i on the schedule', (status) => {
    expect(decide(response(status))).toEqual({
      kind: 'retry',
      delayMs: 5_000,
      nextAttemptAt: '2026-11-28T00:00:05.000Z',
    });
  });

  it('gives up at once on 410 Gone', () => {
    expect(decide(response(410))).toEqual({ kind: 'failed', reason: 'endpoint_gone' });
  });

  it('retries network failures, and gives up when the schedule is exhausted', () => {
    const timeout: DeliveryResult = { kind: 'error', error: 'timeout', message: 'no answer', durationMs: 15_000 };
    expect(decide(timeout, 2)).toMatchObject({ kind: 'retry', delayMs: 300_000 });
    expect(decide(timeout, 3)).toEqual({ kind: 'failed', reason: 'retries_exhausted' });
  });

  it('honours a later Retry-After but never retries sooner than scheduled', () => {
    expect(decide(response(429, { 'retry-after': '120' }))).toMatchObject({ kind: 'retry', delayMs: 120_000 });
    expect(decide(response(503, { 'retry-after': '1' }))).toMatchObject({ kind: 'retry', delayMs: 5_000 });
  });
});

describe('Function: attemptRecordOf', () => {
  it('keeps the status and excerpt of a response, or the kind and message of an error', () => {
    expect(attemptRecordOf(response(502))).toEqual({
      statusCode: 502,
      errorKind: null,
      errorMessage: null,
      durationMs: 12,
      responseExcerpt: 'ok',
    });
    expect(
      attemptRecordOf({ kind: 'error', error: 'ssrf_blocked', message: '10.0.0.1 is private', durationMs: 1 }),
    ).toEqual({
      statusCode: null,
      errorKind: 'ssrf_blocked',
      errorMessage: '10.0.0.1 is private',
      durationMs: 1,
      responseExcerpt: null,
    });
  });
});
