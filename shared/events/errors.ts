import { PlatformError } from '../platform/errors';

/**
 * Errors of the event catalog. Kept beside the catalog rather than in shared/errors.ts so the
 * catalog stays one self-contained module; the shape follows the same rules (stable `name`,
 * the context a caller needs to answer 4xx).
 */

export interface EventIssue {
  /** Dotted path into the event, e.g. `data.rows.failed` or `data.allocations[0].locationId`. */
  readonly field: string;
  readonly message: string;
}

/** A published event names an unknown type, or its envelope or data fails the type's schema. */
export class InvalidEventError extends PlatformError {
  override readonly name = 'InvalidEventError';
  constructor(
    message: string,
    readonly issues: readonly EventIssue[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
