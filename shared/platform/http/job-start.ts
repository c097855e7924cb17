import type { Job } from '../jobs/job';
import { startJob, type JobRunnerDependencies } from '../jobs/job-runner';
import { ActiveJobError } from '../jobs/jobs-store';
import { problem } from './problem';
import type { HttpResult } from './responses';

/** How a route names the job it could not start because one of its kind is still running. */
export interface RunningJobConflict {
  /** The problem's stable code, e.g. `recovery_in_progress`. */
  readonly code: string;
  readonly detail: string;
  /** The extension member carrying the running job's id, e.g. `activeRecoveryId`. */
  readonly activeIdField: string;
}

/**
 * Starts `job` (stored, then queued), or answers 409 with the id of the job of its kind still
 * holding the lock. Undefined: started.
 */
export async function startJobUnlessRunning(
  deps: Pick<JobRunnerDependencies, 'jobs' | 'queue'>,
  job: Job,
  conflict: RunningJobConflict,
): Promise<HttpResult | undefined> {
  try {
    await startJob(deps, job);
    return undefined;
  } catch (error) {
    if (!(error instanceof ActiveJobError)) throw error;
    return problem(409, conflict.code, conflict.detail, undefined, { [conflict.activeIdField]: error.activeJobId });
  }
}
