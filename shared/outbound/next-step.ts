import type { DeliveryResult } from './transport/http-delivery';
import { classifyResponse, nextRetryDelayMs, parseRetryAfter } from './retry-schedule';

/**
 * What follows an attempt, decided from its result alone: done, try again after a delay, or give up
 * (the schedule is exhausted, or the receiver answered 410 Gone).
 */
export type NextStep =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly nextAttemptAt: string }
  | { readonly kind: 'failed'; readonly reason: 'retries_exhausted' | 'endpoint_gone' };

export interface NextStepInput {
  readonly result: DeliveryResult;
  readonly attempt: number;
  readonly scheduleMs: readonly number[];
  readonly random: () => number;
  readonly now: Date;
}

export function decideNextStep({ result, attempt, scheduleMs, random, now }: NextStepInput): NextStep {
  if (result.kind === 'response') {
    const verdict = classifyResponse(result.status);
    if (verdict === 'success') return { kind: 'succeeded' };
    if (verdict === 'disable') return { kind: 'failed', reason: 'endpoint_gone' };
  }
  const retryAfterMs = result.kind === 'response' ? parseRetryAfter(result.headers['retry-after'], now) : undefined;
  const delayMs = nextRetryDelayMs({
    attempt,
    scheduleMs,
    random,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
  if (delayMs === undefined) return { kind: 'failed', reason: 'retries_exhausted' };
  return { kind: 'retry', delayMs, nextAttemptAt: new Date(now.getTime() + delayMs).toISOString() };
}

/** What the attempt log keeps of a result: the status or error, timing, and a bounded excerpt. */
export function attemptRecordOf(result: DeliveryResult) {
  return result.kind === 'response'
    ? {
        statusCode: result.status,
        errorKind: null,
        errorMessage: null,
        durationMs: result.durationMs,
        responseExcerpt: result.bodyExcerpt,
      }
    : {
        statusCode: null,
        errorKind: result.error,
        errorMessage: result.message,
        durationMs: result.durationMs,
        responseExcerpt: null,
      };
}
