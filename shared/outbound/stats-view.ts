/**
 * What the API shows of an endpoint's health over a window. No imports, so the console (its own
 * tsconfig, DOM types only) imports these types from here and can never drift from the API.
 */

export interface StatsCounts {
  readonly attempts: { readonly succeeded: number; readonly failed: number };
  readonly messages: {
    readonly succeeded: number;
    readonly failed: number;
    readonly skipped: number;
    readonly pending: number;
  };
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null };
  /** The newest attempt times the buckets of the window saw (the endpoint item keeps only health changes). */
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
}
