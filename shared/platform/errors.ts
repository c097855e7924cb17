import type { FieldError } from './http/problem';

/**
 * One error class per failure kind, all under PlatformError. Each has a stable `name` that logs and
 * metrics can key on, and carries the context a reader needs. Untrusted-input errors map to 4xx
 * answers; configuration errors fail a function at cold start.
 */

/** The base of every error class in the codebase: a stable `name`, and the `cause` it wraps, if any. */
export abstract class PlatformError extends Error {
  abstract override readonly name: string;
}

/** A signature header is missing, malformed, does not match, or its timestamp is outside tolerance. */
export class SignatureVerificationError extends PlatformError {
  override readonly name = 'SignatureVerificationError';
  constructor(
    readonly reason: SignatureFailureReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type SignatureFailureReason =
  'missing_signature' | 'malformed_signature' | 'timestamp_outside_tolerance' | 'no_matching_signature';

/** A request or payload failed validation after it was authenticated. */
export class InvalidPayloadError extends PlatformError {
  override readonly name = 'InvalidPayloadError';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A request body is larger than the configured limit. */
export class PayloadTooLargeError extends PlatformError {
  override readonly name = 'PayloadTooLargeError';
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`Body of ${sizeBytes} bytes exceeds the limit of ${limitBytes} bytes`);
  }
}

/** The environment or a secret does not hold what the function needs to run. */
export class ConfigurationError extends PlatformError {
  override readonly name = 'ConfigurationError';
}

/** A billing event cannot be tied to an organisation yet; the message is kept and retried. */
export class OrgNotResolvedError extends PlatformError {
  override readonly name = 'OrgNotResolvedError';
  constructor(
    readonly eventId: string,
    readonly customerId: string | undefined,
  ) {
    super(`No organisation found for event ${eventId} (customer ${customerId ?? 'unknown'})`);
  }
}

/** A conditional write kept losing to concurrent writers; the message is retried later. */
export class WriteConflictError extends PlatformError {
  override readonly name = 'WriteConflictError';
  constructor(
    readonly key: string,
    readonly attempts: number,
  ) {
    super(`Gave up writing ${key} after ${attempts} conflicting attempts`);
  }
}

/** Sending to a queue or topic failed; the caller must not acknowledge the input. */
export class EnqueueError extends PlatformError {
  override readonly name = 'EnqueueError';
}

/** A request that failed validation; `status` 400 for unreadable input, 422 for well-formed but invalid. */
export class RequestValidationError extends PlatformError {
  override readonly name = 'RequestValidationError';
  constructor(
    readonly status: 400 | 422,
    message: string,
    readonly errors: readonly FieldError[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
