/**
 * A recovery's progress from either shape the API answers: today's synchronous view (`status:
 * "in_progress" | "completed"` with counts at the top) or the job view (`kind: "recovery"`, `status:
 * "queued" | "running" | "completed" | "failed"`, counts under `progress`).
 */

export interface RecoveryProgress {
  readonly id: string;
  /** Deliveries the recovery queued. */
  readonly total: number;
  /** Deliveries attempted so far (succeeded, failed or skipped). */
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly finished: boolean;
  readonly status: string;
  readonly error: string | null;
}

type Counts = { queued?: number; succeeded?: number; failed?: number; skipped?: number; remaining?: number };

export function recoveryProgress(view: Record<string, unknown>): RecoveryProgress {
  const counts = (typeof view.progress === 'object' && view.progress !== null ? view.progress : view) as Counts;
  const total = counts.queued ?? 0;
  const succeeded = counts.succeeded ?? 0;
  const failed = counts.failed ?? 0;
  const done =
    counts.remaining !== undefined ? Math.max(0, total - counts.remaining) : succeeded + failed + (counts.skipped ?? 0);
  const status = typeof view.status === 'string' ? view.status : 'unknown';
  return {
    id: typeof view.id === 'string' ? view.id : '',
    total,
    done: Math.min(done, total),
    succeeded,
    failed,
    finished: status === 'completed' || status === 'failed',
    status,
    error: typeof view.error === 'string' ? view.error : null,
  };
}

/** `datetime-local` input value (local time, no zone) → ISO instant; undefined when empty or invalid. */
export function instantFromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The `datetime-local` value of an instant, in the browser's zone, to the minute. */
export function localInputFromInstant(at: Date): string {
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
