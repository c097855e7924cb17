/**
 * What the API shows of an endpoint. No imports, so the console (its own tsconfig, DOM types only)
 * imports these types from here and can never drift from the API.
 */

export type DisabledReason = 'manual' | 'gone' | 'failing';

/** An endpoint's settings and health, as stored and as shown alike. */
export interface EndpointFields {
  readonly url: string;
  readonly description: string;
  readonly eventTypes: readonly string[];
  readonly enabled: boolean;
  readonly disabledReason: DisabledReason | null;
  readonly disabledAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the current run of failures began; cleared by any success. */
  readonly failingSince: string | null;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
}

export interface EndpointView extends EndpointFields {
  readonly id: string;
  /** Requests per second the endpoint accepts at most; null: no limit. */
  readonly rateLimitPerSecond: number | null;
}
