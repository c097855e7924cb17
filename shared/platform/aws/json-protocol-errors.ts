import type { IncomingHttpHeaders } from 'node:http';

/**
 * How the lean JSON-protocol client (json-protocol.ts) reads AWS errors and decides on retries, as
 * pure functions: the same codes the SDK's standard retry mode treats as throttling or transient.
 */

/** An AWS answer that is not a success, or a request that never got one. `code` is the SDK's error name. */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  constructor(
    readonly code: string,
    readonly statusCode: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  static from(error: unknown, operation: string): AwsServiceError {
    if (error instanceof AwsServiceError) return error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'NetworkingError';
    return new AwsServiceError(code, undefined, `${operation} failed before an answer: ${String(error)}`, {
      cause: error,
    });
  }
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'KmsThrottled',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalError']);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'NetworkingError']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/** The service's error code: `__type` (`com.amazonaws.sqs#QueueDoesNotExist` → `QueueDoesNotExist`). */
export function serviceErrorFrom(statusCode: number, headers: IncomingHttpHeaders, text: string): AwsServiceError {
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as typeof parsed);
  } catch {
    // Not JSON (a proxy's page): the status decides.
  }
  const type = typeof parsed.__type === 'string' ? parsed.__type : String(headers['x-amzn-errortype'] ?? '');
  const code = type.split('#').pop()?.split(':')[0] || `Http${statusCode}`;
  const message = typeof parsed.message === 'string' ? parsed.message : parsed.Message;
  return new AwsServiceError(code, statusCode, typeof message === 'string' ? message : `${code} (HTTP ${statusCode})`);
}

/** `throttling`, `transient`, or false, as the SDK's standard retry strategy classifies it. */
export function isRetryable(error: unknown): 'throttling' | 'transient' | false {
  if (error instanceof AwsServiceError) {
    if (error.statusCode === 429 || THROTTLING_CODES.has(error.code)) return 'throttling';
    if (TRANSIENT_CODES.has(error.code)) return 'transient';
    return error.statusCode !== undefined && TRANSIENT_STATUS.has(error.statusCode) ? 'transient' : false;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && TRANSIENT_NETWORK.has(code)) return 'transient';
  return error instanceof Error && error.message === 'AWS request timed out' ? 'transient' : false;
}

/** The SDK's standard backoff: full jitter over base × 2^attempt, 100 ms base (500 ms throttled), 20 s cap. */
export function retryDelayMs(attempt: number, throttled: boolean, random: () => number): number {
  const base = throttled ? 500 : 100;
  return Math.floor(Math.min(20_000, random() * base * 2 ** attempt));
}
