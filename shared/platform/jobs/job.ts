/**
 * Durable jobs: long operations (recoveries, provider syncs, bulk replays) that one Lambda run
 * cannot finish. A job advances one step (a page) at a time; after each step its checkpoint is
 * stored with a version check, so a crashed worker's successor resumes from the last stored page and
 * two workers that both picked the job up cannot both advance it. These are the pure rules; the
 * store and the runner apply them.
 */

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JobProgress = Readonly<Record<string, number>>;

export interface Job {
  readonly jobId: string;
  readonly kind: string;
  /** The partition the job belongs to, e.g. `ORG#org_1` or `MERCHANT#m_1`: readers must own it. */
  readonly scope: string;
  readonly status: JobStatus;
  /** What the job was asked to do; fixed at creation. */
  readonly params: Readonly<Record<string, JsonValue>>;
  /** Where the next step starts; null before the first step. */
  readonly checkpoint: JsonValue;
  readonly progress: JobProgress;
  /** Bumped by every stored step: the optimistic lock two workers race on. */
  readonly version: number;
  readonly steps: number;
  /** Consecutive failed tries of the current step. */
  readonly failures: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set while the job holds a "one active job per …" lock (see JobsStore.create). */
  readonly lockKey?: string;
  readonly error?: string;
  /** Epoch seconds; the store's TTL removes finished jobs after the retention period. */
  readonly expiresAt: number;
}

export interface StepResult {
  readonly checkpoint: JsonValue;
  /** The job's whole progress after this step (not a delta), so a replayed step cannot double count. */
  readonly progress: JobProgress;
  readonly done: boolean;
}

/** A try of a step fails this many times in a row before the job is marked failed. */
export const MAX_STEP_FAILURES = 5;

export function newJob(input: {
  jobId: string;
  kind: string;
  scope: string;
  params: Readonly<Record<string, JsonValue>>;
  progress: JobProgress;
  lockKey?: string;
  now: Date;
  retentionDays: number;
}): Job {
  const at = input.now.toISOString();
  return {
    jobId: input.jobId,
    kind: input.kind,
    scope: input.scope,
    status: 'queued',
    params: input.params,
    checkpoint: null,
    progress: input.progress,
    version: 0,
    steps: 0,
    failures: 0,
    createdAt: at,
    updatedAt: at,
    ...(input.lockKey !== undefined && { lockKey: input.lockKey }),
    expiresAt: Math.floor(input.now.getTime() / 1000) + input.retentionDays * 86_400,
  };
}

export function isFinished(job: Pick<Job, 'status'>): boolean {
  return job.status === 'completed' || job.status === 'failed';
}

/** The job after a step succeeded. */
export function afterStep(job: Job, result: StepResult, now: Date): Job {
  return {
    ...job,
    status: result.done ? 'completed' : 'running',
    checkpoint: result.checkpoint,
    progress: result.progress,
    version: job.version + 1,
    steps: job.steps + 1,
    failures: 0,
    updatedAt: now.toISOString(),
  };
}

/** The job after a step threw: retried while under the limit, failed for good after it. */
export function afterFailure(job: Job, error: unknown, now: Date): Job {
  const failures = job.failures + 1;
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...job,
    status: failures >= MAX_STEP_FAILURES ? 'failed' : job.status,
    failures,
    version: job.version + 1,
    updatedAt: now.toISOString(),
    error: message.slice(0, 500),
  };
}

/** What API callers see: never the checkpoint (an internal cursor) or the lock. */
export interface JobView {
  readonly id: string;
  readonly kind: string;
  readonly status: JobStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly progress: JobProgress;
  readonly error?: string;
}

export function jobView(job: Job): JobView {
  return {
    id: job.jobId,
    kind: job.kind,
    status: job.status,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    progress: job.progress,
    ...(job.status === 'failed' && job.error !== undefined && { error: job.error }),
  };
}
